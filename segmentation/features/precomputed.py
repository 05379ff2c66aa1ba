"""Customer lists with precomputed behaviour: the same features an order history would give.

CRM exports and many public data sets give one row per customer with the behaviour already summed
up: days since the last purchase, number of orders, total spend, spend per product category,
purchases per channel. They become the columns the order history produces (``recency_days``,
``frequency``, ``monetary``, ``avg_order_value``, ``share_cat_*``, ``favourite_category``,
``n_categories``, ``share_ch_*``, ``preferred_channel``), so RFM grids, lifecycle stages, value
tiers and clustering work on a customer list alone. When there is an order history, it wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from segmentation.catalog import Feature
from segmentation.features.feature_catalog import SPECS, share_feature
from segmentation.features.order_features import share_names

#: Canonical names of the precomputed recency, frequency and monetary columns of a customer list.
RFM = ("recency_days", "frequency", "monetary")
#: Prefixes of the per-category spend and per-channel order columns (the original header follows).
CATEGORY_SPEND = "category_spend:"
CHANNEL_ORDERS = "channel_orders:"

__all__ = ["CATEGORY_SPEND", "CHANNEL_ORDERS", "RFM", "precomputed_features", "short_names"]


def is_precomputed(column: object) -> bool:
    """Whether a canonical customer column holds precomputed behaviour."""
    return column in RFM or str(column).startswith((CATEGORY_SPEND, CHANNEL_ORDERS))


def _split_words(name: str) -> str:
    """``"MeatProducts"`` → ``"Meat Products"``, ``"home_garden"`` → ``"home garden"``."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    return re.sub(r"[\s_]+", " ", spaced).strip(" -:.")


def _common_prefix(names: Sequence[str]) -> str:
    """The characters every name starts with."""
    first, last = min(names), max(names)  # the two most different names bound the common prefix
    n = next(
        (i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), min(len(first), len(last))
    )
    return first[:n]


def _word_prefix(names: Sequence[str]) -> str:
    """The longest common prefix that ends where a word ends in every name (a separator, or a
    lower-case letter followed by a capital: ``Mnt|Wines``), so ``Wine``/``Wool`` keep their ``W``."""
    prefix = _common_prefix(names)
    while prefix:
        rests = [n[len(prefix) :] for n in names]
        if all(rests) and (
            not prefix[-1].isalnum() or (prefix[-1].islower() and all(r[0].isupper() for r in rests))
        ):
            return prefix
        prefix = prefix[:-1]
    return ""


def short_names(names: Sequence[str]) -> list[str]:
    """Readable category or channel names from column headers that share a prefix or suffix.

    ``MntWines, MntFruits`` give ``Wines, Fruits``; ``NumWebPurchases, NumStorePurchases`` give
    ``Web, Store``; names that shortening would make blank or equal are kept whole.

    >>> short_names(["MntWines", "MntMeatProducts"]), short_names(["web_orders", "app_orders"])
    (['Wines', 'Meat Products'], ['web', 'app'])
    """
    if len(names) < 2:
        return [_split_words(n) or n for n in names]
    head = _word_prefix(names)
    # a suffix is a prefix of the reversed names; its word starts with a capital or after a separator
    tail = _common_prefix([n[len(head) :][::-1] for n in names])[::-1]
    while tail and not (not tail[0].isalnum() or tail[0].isupper()):
        tail = tail[1:]
    short = [_split_words(n[len(head) : len(n) - len(tail)]) for n in names]
    if not all(short) or len(set(short)) < len(short):
        short = [_split_words(n) or n for n in names]
    return short if len(set(short)) == len(short) else list(names)


def _mix(
    block: pd.DataFrame, prefix: str, favourite: str, max_shares: int, notes: list[str]
) -> tuple[dict[str, pd.Series], list[tuple[str, str]], pd.Series]:
    """Shares of the top ``max_shares`` columns (the rest pooled), the favourite and the total.

    Returns the new columns, the (share column, value) pairs for the catalog and the row totals
    (blank where the customer has no value in any of the columns).
    """
    values = short_names([str(c).split(":", 1)[1] for c in block.columns])
    filled = block.set_axis(values, axis=1).fillna(0.0).clip(lower=0.0)
    known = block.notna().any(axis=1)
    total = filled.sum(axis=1).where(known)
    positive = total.where(total > 0)
    # highest total first, ties alphabetical, as the order history ranks categories by revenue
    sums = filled.sum(axis=0)
    ranked = sorted(values, key=lambda v: (-float(sums[v]), v))
    top, rest = ranked[:max_shares], ranked[max_shares:]
    names = share_names(top, prefix)
    out = {name: filled[value] / positive for name, value in zip(names, top, strict=True)}
    pairs = list(zip(names, top, strict=True))
    if rest:
        out[f"{prefix}other"] = filled[rest].sum(axis=1) / positive
        pairs.append((f"{prefix}other", ""))
        notes.append(
            f"Shares cover the top {len(top)} of {len(values)} columns by total; the others are pooled."
        )
    alphabetical = filled[sorted(values)]
    # idxmax returns the first maximum: ties go to the alphabetically first value
    best = alphabetical.idxmax(axis=1) if len(filled) else pd.Series(index=filled.index, dtype="str")
    out[favourite] = best.where(filled.max(axis=1) > 0).astype(object)
    if prefix == "share_cat_":
        out["n_categories"] = (filled > 0).sum(axis=1).astype(float).where(known)
    return out, pairs, total


#: Wording of the recency, frequency and monetary features when a customer file gives them.
_GIVEN = {
    "recency_days": "Days between the customer's latest order and the reference date, from the customer file.",
    "frequency": "Number of orders, from the customer file (or the sum of its orders per channel).",
    "monetary": "Total spend, from the customer file (or the sum of its spend per category).",
}


def _catalog_entries(
    rfm: Sequence[str], cat_pairs: list[tuple[str, str]], ch_pairs: list[tuple[str, str]]
) -> dict[str, Feature]:
    """Catalog entries whose wording differs from an order history's."""
    entries = {}
    for name in rfm:
        family, label, kind, unit, _, skewed = SPECS[name]
        label = "Total spend" if name == "monetary" else label  # a summary need not be net of returns
        entries[name] = Feature(name, family, label, kind, unit, _GIVEN[name], skewed)  # type: ignore[arg-type]
    entries |= {
        name: share_feature(name, "product_usage", value or "other categories") for name, value in cat_pairs
    }
    for name, value in ch_pairs:
        value = value or "other channels"
        entries[name] = Feature(
            name, "channel", f"Share of orders via {value}", "numeric", "share",
            f"Part of the customer's orders (0 to 1) placed via {value}.",
        )  # fmt: skip
    if ch_pairs:
        entries["preferred_channel"] = Feature(
            "preferred_channel", "channel", "Favourite channel", "categorical", "",
            "Channel with the most orders, from the customer file.",
        )  # fmt: skip
    return entries


def precomputed_features(
    attrs: pd.DataFrame, covered: set[str], max_categories: int, notes: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Feature]]:
    """Turn a customer list's precomputed behaviour into order-history features.

    Parameters
    ----------
    attrs : pandas.DataFrame
        Canonical customer attributes indexed by customer id; may carry ``recency_days``,
        ``frequency``, ``monetary`` and ``category_spend:<header>`` / ``channel_orders:<header>``
        columns (numbers).
    covered : set of str
        Columns the order history already gives (empty without one): the order history wins, so
        precomputed columns for what it covers are left out, with a note.
    max_categories : int
        Categories (and channels) that get their own share; the others are pooled into
        ``share_cat_other`` (``share_ch_other``).
    notes : list of str
        Plain-language notes, appended to.

    Returns
    -------
    tuple
        The attributes without the precomputed columns, the behaviour features (same index) and
        the catalog entries whose wording differs from the standard ones.

    Notes
    -----
    Without a total spend, ``monetary`` is the sum of the spend per category; without a number of
    orders, ``frequency`` is the sum of the orders per channel. Category shares are shares of spend,
    channel shares shares of orders; favourites are the highest value, ties alphabetical.
    """
    given = [c for c in attrs.columns if is_precomputed(c)]
    out = pd.DataFrame(index=attrs.index)
    if not given:
        return attrs, out, {}
    rest = attrs.drop(columns=given)
    values = attrs[given].apply(pd.to_numeric, errors="coerce").astype(float)
    rfm = [c for c in RFM if c in given]
    cats = [c for c in given if str(c).startswith(CATEGORY_SPEND)]
    chans = [c for c in given if str(c).startswith(CHANNEL_ORDERS)]
    ignored: list[str] = []
    if covered:  # the order history gives recency, orders and spend for every buyer
        ignored += [SPECS[c][1].casefold() for c in rfm]
        rfm = []
    if cats and "n_categories" in covered:
        ignored.append("spend per category")
        cats = []
    if chans and "preferred_channel" in covered:
        ignored.append("orders per channel")
        chans = []
    if ignored:
        notes.append(
            f"Taken from the order history, not from the customer file's summary: {', '.join(ignored)}."
        )
    for column in rfm:
        out[column] = values[column]
    cat_pairs: list[tuple[str, str]] = []
    ch_pairs: list[tuple[str, str]] = []
    if cats:
        mix, cat_pairs, spent = _mix(values[cats], "share_cat_", "favourite_category", max_categories, notes)
        out = out.assign(**mix)
        if "monetary" not in out and not covered:
            out["monetary"] = spent
            notes.append("Total spend worked out as the sum of the spend per category.")
    if chans:
        mix, ch_pairs, orders = _mix(values[chans], "share_ch_", "preferred_channel", max_categories, notes)
        out = out.assign(**mix)
        if "frequency" not in out and not covered:
            out["frequency"] = orders
            notes.append("Number of orders worked out as the sum of the orders per channel.")
    if {"monetary", "frequency"} <= set(out.columns):
        out["avg_order_value"] = out["monetary"] / out["frequency"].where(out["frequency"] > 0)
    given_rfm = [c for c in RFM if c in out]
    return rest, out, _catalog_entries(given_rfm, cat_pairs, ch_pairs)
