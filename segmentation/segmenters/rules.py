"""Rule-based segments: RFM grids, lifecycle stages, loyalty and value tiers, NPS and custom rules.

Every function takes a :class:`~segmentation.catalog.CustomerTable` and returns a
:class:`~segmentation.segments.Segmentation` whose names and order are fixed by the rule set, so a
rerun on new data keeps "Champions" as segment 1. Custom rules are plain data (``Condition`` and
``Rule``) that round-trip through JSON; they are evaluated with pandas comparisons, never ``eval``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import numpy as np
import pandas as pd

from segmentation.catalog import CustomerTable
from segmentation.segmenters.rfm import rfm_segments
from segmentation.segments import Segmentation

LIFECYCLE_NAMES: tuple[str, ...] = (
    "Prospect", "New", "Active", "Repeat", "Reactivated", "Lapsing", "Lost", "Order date unknown",
)  # fmt: skip
LOYALTY_NAMES: tuple[str, ...] = ("Platinum", "Gold", "Silver", "Bronze")
VALUE_NAMES: tuple[str, ...] = ("Top 1%", "Top 1-10%", "Top 10-20%", "Other 80%")
NPS_NAMES: tuple[str, ...] = ("Promoters", "Passives", "Detractors", "No answer")
SATISFACTION_NAMES: tuple[str, ...] = ("Very satisfied", "Satisfied", "Neutral", "Dissatisfied", "No rating")


def _column(table: CustomerTable, name: str, purpose: str) -> pd.Series:
    if name not in table.frame.columns:
        raise ValueError(
            f"{purpose} needs the column '{name}', which your customer table does not have. "
            "Map the matching column on the Data page or pick another segmentation."
        )
    return table.frame[name]


# ---------------------------------------------------------------- lifecycle


def default_lifecycle_thresholds(table: CustomerTable) -> dict[str, float]:
    """Day thresholds derived from the typical time between orders (median over repeat buyers).

    new: first order within one typical interval; active: last order within two; lost: no order for
    more than four. The typical interval is kept between 14 and 180 days so odd data stays sensible.
    """
    gaps = table.frame.get("mean_days_between_orders")
    typical = float(gaps.dropna().median()) if gaps is not None and gaps.notna().any() else 60.0
    typical = float(np.clip(typical, 14, 180))
    return {"new": typical, "active": 2 * typical, "lost": 4 * typical}


def lifecycle_stages(table: CustomerTable, thresholds: Mapping[str, float] | None = None) -> Segmentation:
    """Lifecycle stage of every customer.

    Stages, checked in this order: Prospect (never ordered), Order date unknown (orders counted in a
    customer list that leaves their dates blank), New (first order within ``new`` days),
    Lost (no order for more than ``lost`` days), Lapsing (no order for more than ``active`` days),
    Reactivated (bought recently after a pause longer than ``lost`` days), Repeat (bought recently,
    two or more orders), Active (bought recently, once). ``thresholds`` overrides any of the keys
    ``new``, ``active``, ``lost`` (days); the rest come from :func:`default_lifecycle_thresholds`.
    """
    limits = {**default_lifecycle_thresholds(table), **(thresholds or {})}
    if not limits["new"] <= limits["active"] <= limits["lost"]:
        raise ValueError("Lifecycle thresholds must satisfy new <= active <= lost (in days).")
    frame = table.frame
    recency = _column(table, "recency_days", "Lifecycle stages").astype(float).to_numpy()
    frequency = _column(table, "frequency", "Lifecycle stages").astype(float).fillna(0).to_numpy()
    first = frame.get("tenure_days", frame.get("first_order_days_ago"))
    first_days = first.astype(float).to_numpy() if first is not None else np.full(len(frame), np.inf)
    gap = frame.get("max_gap_days")
    max_gap = gap.astype(float).fillna(0).to_numpy() if gap is not None else np.zeros(len(frame))
    prospect = frequency <= 0
    choices = [
        prospect,
        np.isnan(recency),  # bought, but when is unknown: neither a prospect nor recent
        first_days <= limits["new"],
        recency > limits["lost"],
        recency > limits["active"],
        max_gap > limits["lost"],
        frequency >= 2,
    ]
    codes = np.select(choices, [0, 7, 1, 6, 5, 4, 3], default=2)
    return Segmentation.from_codes(codes, frame.index, LIFECYCLE_NAMES, "lifecycle", {"thresholds": limits})


# ---------------------------------------------------------------- tiers


def loyalty_tiers(
    table: CustomerTable,
    by: Literal["percentile", "thresholds"] = "percentile",
    *,
    cuts: tuple[float, float, float] = (0.50, 0.80, 0.95),
    thresholds: Mapping[str, tuple[float, float]] | None = None,
) -> Segmentation:
    """Platinum, Gold, Silver and Bronze tiers by spend and number of orders.

    ``by="percentile"``: customers are ranked by the average of their spend and order-count
    percentiles; ``cuts`` are the percentiles where Silver, Gold and Platinum start (default: top
    50%, 20%, 5%). ``by="thresholds"``: ``thresholds`` maps "silver", "gold", "platinum" to
    ``(minimum spend, minimum orders)``; a customer gets the highest tier whose both minimums they
    meet.
    """
    spend = _column(table, "monetary", "Loyalty tiers").astype(float).fillna(0)
    orders = _column(table, "frequency", "Loyalty tiers").astype(float).fillna(0)
    if by == "percentile":
        combined = (spend.rank(pct=True) + orders.rank(pct=True)) / 2
        position = combined.rank(method="average", pct=True).to_numpy()
        silver, gold, platinum = (position > c for c in cuts)
    elif by == "thresholds":
        if not thresholds or set(thresholds) != {"silver", "gold", "platinum"}:
            raise ValueError("Give a minimum spend and number of orders for silver, gold and platinum.")
        silver, gold, platinum = (
            (spend.to_numpy() >= thresholds[t][0]) & (orders.to_numpy() >= thresholds[t][1])
            for t in ("silver", "gold", "platinum")
        )
    else:
        raise ValueError(f"Unknown tier method '{by}': choose 'percentile' or 'thresholds'.")
    codes = np.select([platinum, gold, silver], [0, 1, 2], default=3)
    params = {"by": by, "cuts": list(cuts), "thresholds": dict(thresholds or {})}
    return Segmentation.from_codes(codes, spend.index, LOYALTY_NAMES, "loyalty_tiers", params)


def value_tiers(table: CustomerTable, value: str = "monetary") -> Segmentation:
    """Top 1%, next 9% (top 10%), next 10% (top 20%) and the other 80% of customers by ``value``.

    Ties are broken by customer id, so the tier sizes are exact and reproducible.
    """
    values = _column(table, value, "Value tiers").astype(float).fillna(0)
    order = pd.DataFrame({"v": values.to_numpy(), "id": values.index.astype(str)})
    order = order.sort_values(["v", "id"], ascending=[False, True], kind="stable")
    position = np.empty(len(order))
    position[order.index.to_numpy()] = np.arange(1, len(order) + 1) / max(len(order), 1)
    codes = np.select([position <= 0.01, position <= 0.10, position <= 0.20], [0, 1, 2], default=3)
    return Segmentation.from_codes(codes, values.index, VALUE_NAMES, "value_tiers", {"value": value})


def nps_classes(table: CustomerTable, column: str = "nps") -> Segmentation:
    """Promoters (9-10), Passives (7-8), Detractors (0-6) and customers who gave no answer."""
    score = _column(table, column, "NPS classes").astype(float).to_numpy()
    codes = np.select([score >= 9, score >= 7, score >= 0], [0, 1, 2], default=3)
    return Segmentation.from_codes(codes, table.frame.index, NPS_NAMES, "nps", {"column": column})


def satisfaction_bands(
    table: CustomerTable, column: str = "rating", scale_max: float | None = None
) -> Segmentation:
    """Bands of a rating as a share of the scale's top (5 for 1-5 stars, 10 for 0-10, ...).

    90% and up is "Very satisfied", 70% "Satisfied", 50% "Neutral", below "Dissatisfied"; customers
    without a rating get "No rating". The scale's top is guessed from the data unless given.
    """
    rating = _column(table, column, "Satisfaction bands").astype(float)
    top = scale_max or next((m for m in (5.0, 10.0, 100.0) if rating.max() <= m), float(rating.max()))
    share = (rating / top).to_numpy()
    codes = np.select([share >= 0.9, share >= 0.7, share >= 0.5, share >= 0], [0, 1, 2, 3], default=4)
    return Segmentation.from_codes(
        codes, rating.index, SATISFACTION_NAMES, "satisfaction", {"column": column, "scale_max": top}
    )


AGE_EDGES: tuple[float, ...] = (18, 25, 35, 45, 55, 65)


def _edge_labels(edges: Sequence[float], unit: str = "") -> list[str]:
    def fmt(x: float) -> str:
        return f"{x:,.0f}{unit}" if float(x).is_integer() else f"{x:,g}{unit}"

    labels = [f"Under {fmt(edges[0])}"]
    labels += [f"{fmt(lo)}-{fmt(hi - 1 if float(hi).is_integer() else hi)}" for lo, hi in pairwise(edges)]
    return [*labels, f"{fmt(edges[-1])}+"]


def bands(
    table: CustomerTable,
    feature: str,
    edges: Sequence[float] | Mapping[str, Sequence[str]],
    labels: Sequence[str] | None = None,
    *,
    missing_name: str = "Unknown",
    other_name: str = "Other",
) -> Segmentation:
    """Bands of one feature: numeric ranges or named groups of values.

    Numeric: ``edges`` are the band starts, e.g. ``AGE_EDGES`` gives "Under 18", "18-24", ... "65+";
    each band includes its lower edge. ``labels`` (one more than ``edges``) renames them.
    Categorical: ``edges`` maps a group name to its values (``{"Nordics": ["Sweden", "Norway"]}``);
    other values go to ``other_name``. Missing values always go to ``missing_name`` (last).
    """
    values = _column(table, feature, "Bands")
    if isinstance(edges, Mapping):
        names = [*edges.keys(), other_name]
        lookup = {str(v).casefold(): i for i, group in enumerate(edges.values()) for v in group}
        text = values.astype("string").str.casefold()
        codes = text.map(lookup).fillna(len(edges)).to_numpy(dtype=np.int64)
    else:
        cut = sorted(float(e) for e in edges)
        names = list(labels) if labels is not None else _edge_labels(cut)
        if len(names) != len(cut) + 1:
            raise ValueError(f"Give {len(cut) + 1} band names for {len(cut)} edges.")
        codes = np.searchsorted(np.asarray(cut), values.astype(float).to_numpy(), side="right")
    missing = values.isna().to_numpy()
    codes = np.where(missing, len(names), codes)
    names.append(missing_name)
    params = {"feature": feature, "edges": dict(edges) if isinstance(edges, Mapping) else list(edges)}
    return Segmentation.from_codes(codes, values.index, names, "bands", params)


# ---------------------------------------------------------------- registry


@dataclass(frozen=True)
class RuleSet:
    """A ready-made rule segmentation as the app offers it."""

    label: str
    description: str
    function: Callable[[CustomerTable], Segmentation]
    needs: tuple[str, ...]


RULE_SETS: dict[str, RuleSet] = {
    "rfm11": RuleSet(
        "RFM: 11 classic segments",
        "Scores how recently, how often and how much each customer buys, then sorts them into the "
        "classic segments from Champions to Lost.",
        lambda t: rfm_segments(t, "rfm11"),
        ("recency_days", "frequency", "monetary"),
    ),
    "rfm6": RuleSet(
        "RFM: 6 simple segments",
        "The same scores in six broad groups: Champions, Loyal, Promising, Need Attention, At Risk, Lost.",
        lambda t: rfm_segments(t, "rfm6"),
        ("recency_days", "frequency", "monetary"),
    ),
    "lifecycle": RuleSet(
        "Lifecycle stages",
        "Where each customer stands today: new, active, repeat, lapsing, lost or back after a break.",
        lifecycle_stages,
        ("recency_days", "frequency"),
    ),
    "loyalty": RuleSet(
        "Loyalty tiers",
        "Bronze, Silver, Gold and Platinum by total spend and number of orders.",
        loyalty_tiers,
        ("monetary", "frequency"),
    ),
    "value": RuleSet(
        "Value tiers",
        "Your top 1%, top 10% and top 20% of customers by spend, and everyone else.",
        value_tiers,
        ("monetary",),
    ),
    "nps": RuleSet(
        "NPS classes",
        "Promoters (9-10), passives (7-8) and detractors (0-6) from the 'would you recommend us' score.",
        nps_classes,
        ("nps",),
    ),
    "satisfaction": RuleSet(
        "Satisfaction",
        "Customers grouped by the rating they gave, from very satisfied to dissatisfied.",
        satisfaction_bands,
        ("rating",),
    ),
}


def available_rule_sets(table: CustomerTable) -> list[str]:
    """Names of the rule sets the table has the columns for, in registry order."""
    return [k for k, rs in RULE_SETS.items() if all(c in table.frame.columns for c in rs.needs)]


__all__ = [
    "AGE_EDGES",
    "RULE_SETS",
    "RuleSet",
    "available_rule_sets",
    "bands",
    "default_lifecycle_thresholds",
    "lifecycle_stages",
    "loyalty_tiers",
    "nps_classes",
    "satisfaction_bands",
    "value_tiers",
]
