"""Ready rule sets on browsing behaviour: cart abandoners, window shoppers, engaged browsers.

They need the browsing features of an event log (``features.browsing``), so they are offered only
when the data has one. Each covers every customer: customers with no event at all form the last
segment, "No visits on record". Importing this module registers them in ``rules.RULE_SETS``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation.catalog import CustomerTable
from segmentation.segmenters.rules import RULE_SETS, RuleSet
from segmentation.segments import Segmentation

NO_VISITS = "No visits on record"
CART_NAMES: tuple[str, ...] = ("Cart abandoners", "Cart completers", "Never used the cart", NO_VISITS)
WINDOW_NAMES: tuple[str, ...] = ("Window shoppers", "Browsing buyers", NO_VISITS)
ENGAGEMENT_NAMES: tuple[str, ...] = ("Engaged browsers", "Casual browsers", "Lapsed browsers", NO_VISITS)


def _column(table: CustomerTable, name: str, purpose: str) -> pd.Series:
    if name not in table.frame.columns:
        raise ValueError(
            f"{purpose} needs the column '{name}', which comes from an event log (views, carts, purchases "
            "per visitor). Add one on the Data page or pick another segmentation."
        )
    return table.frame[name].astype(float)


def _visitors(table: CustomerTable, purpose: str) -> np.ndarray:
    """Customers with at least one event: they have a last visit."""
    return _column(table, "days_since_last_visit", purpose).notna().to_numpy()


def cart_abandoners(table: CustomerTable, threshold: float = 0.5) -> Segmentation:
    """Visitors who leave what they put in the cart, those who buy it, and those who never use it.

    Cart abandoners added something to the cart and left at least ``threshold`` of their cart
    additions unbought (``cart_abandonment``: 1 - purchases / cart additions); cart completers
    added to the cart and bought most of it.
    """
    if not 0 < threshold <= 1:
        raise ValueError("The abandonment threshold must be a share above 0 and at most 1.")
    visitor = _visitors(table, "Cart abandoners")
    carts = _column(table, "cart_adds", "Cart abandoners").fillna(0).to_numpy()
    abandonment = _column(table, "cart_abandonment", "Cart abandoners").to_numpy()
    choices = [~visitor, (carts > 0) & (abandonment >= threshold), carts > 0]
    codes = np.select(choices, [3, 0, 1], default=2)
    return Segmentation.from_codes(
        codes, table.frame.index, CART_NAMES, "cart_abandoners", {"threshold": threshold}
    )


def window_shoppers(table: CustomerTable) -> Segmentation:
    """Visitors who never bought (window shoppers) and visitors who did.

    A purchase is one in the event log or, with an order history, any order (``frequency``).
    """
    visitor = _visitors(table, "Window shoppers")
    bought = _column(table, "browsing_purchases", "Window shoppers").fillna(0).to_numpy() > 0
    if "frequency" in table.frame.columns:
        bought |= table.frame["frequency"].astype(float).fillna(0).to_numpy() > 0
    codes = np.select([~visitor, bought], [2, 1], default=0)
    return Segmentation.from_codes(codes, table.frame.index, WINDOW_NAMES, "window_shoppers", {})


def engaged_browsers(table: CustomerTable, recent_days: float = 30, top_share: float = 1 / 3) -> Segmentation:
    """Recent visitors among the most active, other recent visitors, and visitors gone quiet.

    Activity is views plus cart additions plus favourites (those the log records). Engaged browsers visited within
    ``recent_days`` and are at least as active as the visitor at the top ``top_share`` mark (ties
    included, activity above 0); casual browsers visited within ``recent_days``; lapsed browsers
    last visited longer ago.
    """
    if not 0 < top_share <= 1:
        raise ValueError("The share of most active visitors must be above 0 and at most 1.")
    purpose = "Engaged browsers"
    visitor = _visitors(table, purpose)
    days = _column(table, "days_since_last_visit", purpose).to_numpy()
    # a log without carts or favourites (they are left out then) ranks by views alone
    kinds = ["views", *(c for c in ("cart_adds", "favourites") if c in table.frame.columns)]
    activity = np.asarray(sum(_column(table, c, purpose).fillna(0).to_numpy() for c in kinds), dtype=float)
    cut = float(np.quantile(activity[visitor], 1 - top_share, method="higher")) if visitor.any() else np.inf
    recent = visitor & (days <= recent_days)
    choices = [~visitor, recent & (activity >= cut) & (activity > 0), recent]
    codes = np.select(choices, [3, 0, 1], default=2)
    params = {"recent_days": recent_days, "top_share": top_share, "activity_cut": cut}
    return Segmentation.from_codes(codes, table.frame.index, ENGAGEMENT_NAMES, "engaged_browsers", params)


BROWSING_RULE_SETS: dict[str, RuleSet] = {
    "cart_abandoners": RuleSet(
        "Cart abandoners",
        "Visitors who put items in the cart and leave most of them, those who buy what they cart, and "
        "those who never use the cart. Needs an event log.",
        cart_abandoners,
        ("days_since_last_visit", "cart_adds", "cart_abandonment"),
    ),
    "window_shoppers": RuleSet(
        "Window shoppers",
        "Visitors who look around but have never bought, next to visitors who buy. Needs an event log "
        "with purchases.",
        window_shoppers,
        ("days_since_last_visit", "browsing_purchases"),
    ),
    "engaged_browsers": RuleSet(
        "Engaged browsers",
        "Your most active recent visitors (top third by views, carts and favourites in the last 30 "
        "days), other recent visitors, and visitors who have gone quiet. Needs an event log.",
        engaged_browsers,
        ("days_since_last_visit", "views"),
    ),
}
RULE_SETS.update(BROWSING_RULE_SETS)

__all__ = [
    "BROWSING_RULE_SETS",
    "CART_NAMES",
    "ENGAGEMENT_NAMES",
    "NO_VISITS",
    "WINDOW_NAMES",
    "cart_abandoners",
    "engaged_browsers",
    "window_shoppers",
]
