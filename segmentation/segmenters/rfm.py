"""RFM scores and grids with tie-aware quantile edges.

Frequency is full of ties: in a typical web shop most buyers ordered once. Percentile ranks give all
of them one shared middle rank, so nobody gets F=1 and the grid's "New", "Promising" and "Lost" stay
empty. Here each score's bands are cut from the lowest values up: a band takes its share of the
customers still unscored and then every customer tied with its last value, so the lowest value (one
order) always scores 1, tied customers always share a band, and duplicate edges are dropped. The
edges are plain numbers that a recipe keeps, so the same edges can score next month's customers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from segmentation.catalog import CustomerTable
from segmentation.segments import Segmentation

NO_ORDERS = "No purchases on record"

RFM11_NAMES: tuple[str, ...] = (
    "Champions",
    "Loyal",
    "Potential Loyalist",
    "New",
    "Promising",
    "Need Attention",
    "About to Sleep",
    "At Risk",
    "Can't Lose Them",
    "Hibernating",
    "Lost",
)
RFM6_NAMES: tuple[str, ...] = ("Champions", "Loyal", "Promising", "Need Attention", "At Risk", "Lost")

#: R, F and M: the table column each comes from and whether a higher value is better.
_SOURCES: dict[str, tuple[str, bool]] = {
    "R": ("recency_days", False),
    "F": ("frequency", True),
    "M": ("monetary", True),
}


def _column(table: CustomerTable, name: str) -> pd.Series:
    if name not in table.frame.columns:
        raise ValueError(
            f"RFM needs the column '{name}', which your customer table does not have. "
            "Map the matching column on the Data page or pick another segmentation."
        )
    return table.frame[name].astype(float)


def tie_aware_edges(values: Sequence[float] | np.ndarray, bins: int) -> list[float]:
    """Upper edges (inclusive) of up to ``bins`` bands of ``values``, lowest band first.

    Band 1 takes the lowest ``1/bins`` of the values and every value tied with its last one; the
    next band takes ``1/(bins-1)`` of the rest, and so on. Without ties this gives equal quantile
    bands; with ties the bands stay whole and fewer bands result when there are fewer distinct
    values. A value scores ``1 + number of edges below it``.
    """
    s = np.sort(np.asarray(values, dtype=float))
    s = s[~np.isnan(s)]
    edges: list[float] = []
    start = 0
    for k in range(bins, 1, -1):
        rest = s[start:]
        if len(rest) == 0 or rest[0] == rest[-1]:
            break
        edge = rest[max(int(np.ceil(len(rest) / k)) - 1, 0)]
        if edge == rest[-1]:  # the band would swallow the rest: end at the value just below the top
            edges.append(float(rest[rest < rest[-1]][-1]))
            break
        edges.append(float(edge))
        start = int(np.searchsorted(s, edge, side="right"))
    return edges


def fit_rfm_edges(table: CustomerTable, bins: int = 5) -> dict[str, list[float]]:
    """Tie-aware edges of R, F and M over the customers who bought (see :func:`tie_aware_edges`).

    F and M edges are order counts and amounts (a score rises with the value); R edges are days
    since the last order, written as negative numbers so that the same rule applies: the customer
    who bought longest ago scores R=1.
    """
    if bins < 2:
        raise ValueError("RFM scores need at least 2 bands.")
    recency, frequency = _column(table, "recency_days"), _column(table, "frequency")
    buyers = (frequency.fillna(0) > 0) & recency.notna()
    out: dict[str, list[float]] = {}
    for key, (name, higher_is_better) in _SOURCES.items():
        values = _column(table, name)[buyers].fillna(0).to_numpy()
        out[key] = tie_aware_edges(values if higher_is_better else -values, bins)
    return out


def _band(values: np.ndarray, edges: Sequence[float]) -> np.ndarray:
    return 1 + np.searchsorted(np.asarray(edges, dtype=float), values, side="left")


def _to_five(score: np.ndarray, levels: int) -> np.ndarray:
    """Rescale 1..levels scores onto the 1..5 scale the published grids are written for."""
    if levels <= 1:
        return np.where(score > 0, 1, 0)
    return np.where(score > 0, np.floor(1 + (score - 1) * 4 / (levels - 1) + 0.5), 0).astype(int)


def rfm_scores(
    table: CustomerTable, bins: int = 5, edges: Mapping[str, Sequence[float]] | None = None
) -> pd.DataFrame:
    """Recency, frequency and monetary scores from 1 (lowest) up to ``bins`` (best).

    Bands come from :func:`fit_rfm_edges` unless ``edges`` (saved from an earlier run) are given.
    Equal values always share a score and the lowest value scores 1; with many ties a score has
    fewer than ``bins`` bands. Customers without any order (prospects) score 0 on all three.

    Returns
    -------
    DataFrame indexed by customer_id with integer columns ``R``, ``F``, ``M`` and ``FM`` (F and M
    each rescaled to 1..5, averaged and rounded half up: the column the grids use).
    """
    fitted = {k: list(v) for k, v in (edges or fit_rfm_edges(table, bins)).items()}
    recency, frequency = _column(table, "recency_days"), _column(table, "frequency")
    buyers = ((frequency.fillna(0) > 0) & recency.notna()).to_numpy()
    scores = pd.DataFrame(0, index=table.frame.index, columns=["R", "F", "M"], dtype="int64")
    five = {}
    for key, (name, higher_is_better) in _SOURCES.items():
        values = _column(table, name).fillna(0).to_numpy()
        band = _band(values if higher_is_better else -values, fitted[key])
        score = np.where(buyers, band, 0)
        scores[key] = score
        five[key] = _to_five(score, len(fitted[key]) + 1)
    scores["FM"] = np.where(buyers, np.floor((five["F"] + five["M"]) / 2 + 0.5), 0).astype("int64")
    scores.attrs["R5"] = five["R"]
    return scores


def _rfm11_codes(r: np.ndarray, fm: np.ndarray) -> np.ndarray:
    # The widely published R x FM grid (5 x 5 cells); the first matching condition wins.
    choices = [
        (r >= 5) & (fm >= 4),  # Champions
        (r >= 3) & (fm >= 4),  # Loyal
        (r >= 4) & (fm >= 2),  # Potential Loyalist
        (r == 5) & (fm == 1),  # New
        (r == 4) & (fm == 1),  # Promising
        (r == 3) & (fm == 3),  # Need Attention
        (r == 3) & (fm <= 2),  # About to Sleep
        (r <= 2) & (fm >= 3) & (fm <= 4),  # At Risk
        (r <= 2) & (fm == 5),  # Can't Lose Them
        (r <= 2) & (fm <= 2) & ~((r == 1) & (fm == 1)),  # Hibernating
    ]
    return np.select(choices, list(range(10)), default=10)


def _rfm6_codes(r: np.ndarray, fm: np.ndarray) -> np.ndarray:
    choices = [
        (r >= 4) & (fm >= 4),  # Champions
        (r >= 3) & (fm >= 3),  # Loyal
        (r >= 4),  # Promising
        (r == 3),  # Need Attention
        (fm >= 3),  # At Risk
    ]
    return np.select(choices, list(range(5)), default=5)


def rfm_segments(
    table: CustomerTable,
    grid: Literal["rfm11", "rfm6"] = "rfm11",
    bins: int = 5,
    edges: Mapping[str, Sequence[float]] | None = None,
) -> Segmentation:
    """Named RFM segments from the classic recency x (frequency + monetary) grid.

    ``rfm11`` is the common 11-segment grid (Champions ... Lost); ``rfm6`` a simpler six-segment
    version. Scores are rescaled to 1..5 for the grid. Customers without orders, if any, form an
    extra last segment "No purchases on record". ``scores`` holds R, F, M and FM; ``params["edges"]``
    the band edges (pass them back as ``edges`` to score new data the same way).
    """
    if grid not in ("rfm11", "rfm6"):
        raise ValueError(f"Unknown RFM grid '{grid}': choose 'rfm11' or 'rfm6'.")
    fitted = {k: [float(x) for x in v] for k, v in (edges or fit_rfm_edges(table, bins)).items()}
    scores = rfm_scores(table, bins, fitted)
    r, fm = scores.attrs.pop("R5"), scores["FM"].to_numpy()
    names = list(RFM11_NAMES if grid == "rfm11" else RFM6_NAMES)
    codes = _rfm11_codes(r, fm) if grid == "rfm11" else _rfm6_codes(r, fm)
    no_orders = scores["R"].to_numpy() == 0
    if no_orders.any():
        codes = np.where(no_orders, len(names), codes)
        names.append(NO_ORDERS)
    params: dict[str, Any] = {"grid": grid, "bins": bins, "edges": fitted}
    return Segmentation.from_codes(codes, scores.index, names, grid, params, scores=scores)


def _number(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def describe_edges(edges: Mapping[str, Sequence[float]]) -> dict[str, str]:
    """The bands in words, one line per score: ``{"F": "F=1: 1 order; F=2: 2 orders; ..."}``.

    Order counts are whole numbers, so their bands read as counts; amounts read as ranges; recency
    reads in days since the last order (R=1 bought longest ago).
    """
    out: dict[str, str] = {}
    for key in ("R", "F", "M"):
        cuts = [float(e) for e in edges.get(key, [])]
        parts: list[str] = []
        for i in range(len(cuts) + 1):
            lo, hi = (cuts[i - 1] if i else None), (cuts[i] if i < len(cuts) else None)
            parts.append(f"{key}={i + 1}: {_band_words(key, lo, hi)}")
        out[key] = "; ".join(parts)
    return out


def _band_words(key: str, lo: float | None, hi: float | None) -> str:
    if lo is None and hi is None:
        return "every buyer"
    if key == "R":  # edges are negative days: the band holds days in [-hi, -lo)
        if lo is None:
            return f"last order {_number(-hi)} days ago or more" if hi is not None else ""
        days_hi = -lo - 1 if float(lo).is_integer() else -lo
        if hi is None:
            return f"last order 0-{_number(days_hi)} days ago"
        return f"last order {_number(-hi)}-{_number(days_hi)} days ago"
    unit = ("order", "orders") if key == "F" else ("", "")
    whole = key == "F" and all(v is None or float(v).is_integer() for v in (lo, hi))
    if whole:
        first = 1.0 if lo is None else lo + 1
        if hi is None:
            return f"{_number(first)} {unit[1]} or more"
        if first == hi:
            return f"{_number(hi)} {unit[0] if hi == 1 else unit[1]}"
        return f"{_number(first)}-{_number(hi)} {unit[1]}"
    if lo is None:
        return f"up to {_number(hi)}" if hi is not None else ""
    if hi is None:
        return f"more than {_number(lo)}"
    return f"more than {_number(lo)}, up to {_number(hi)}"


__all__ = [
    "NO_ORDERS",
    "RFM6_NAMES",
    "RFM11_NAMES",
    "describe_edges",
    "fit_rfm_edges",
    "rfm_scores",
    "rfm_segments",
    "tie_aware_edges",
]
