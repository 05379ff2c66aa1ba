"""What the maps draw: customers placed on the layout or on the globe, with the facts their tooltips show.

Pure functions over the customer table and a segmentation: the app caches them, the charts in
``segmentation.outputs`` draw them. Every frame keeps the segment as a categorical column whose
categories are the segmentation's names, so charts keep the segment order and colours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.catalog import CustomerTable
from segmentation.explain.embedding import plot_sample
from segmentation.segments import Segmentation

#: Facts shown when hovering a customer on the map, when the table has them.
TOOLTIP_FACTS = ("monetary", "frequency", "recency_days", "preferred_channel", "city")
#: Columns that say where a customer lives, most useful first (a region mix reads better than cities).
PLACE_COLUMNS = ("region", "country", "city")
#: The browser receives at most about this many points (every segment stays represented). Drawing
#: costs the browser about a second of CPU per 5,000 points, and a denser sample shows no more shape.
MAX_POINTS = 10_000


@dataclass(frozen=True)
class MapPoints:
    """The customers to draw on the map.

    Attributes
    ----------
    points : pandas.DataFrame
        ``customer_id`` (str), ``x``, ``y``, ``segment`` (categorical) and the tooltip facts.
    tooltip : tuple of str
        The tooltip columns present in ``points``.
    total : int
        Customers of the shown segments before sampling.
    """

    points: pd.DataFrame
    tooltip: tuple[str, ...]
    total: int

    @property
    def sampled(self) -> bool:
        """Whether fewer customers are drawn than the shown segments hold."""
        return len(self.points) < self.total


@dataclass(frozen=True)
class GeoPoints:
    """Located customers inside a view zoomed onto where most of them live.

    Attributes
    ----------
    points : pandas.DataFrame
        ``latitude``, ``longitude`` and ``segment`` (categorical) of the customers inside the view.
    share_shown : float
        Share (0..1) of the located customers that fall inside the view.
    """

    points: pd.DataFrame
    share_shown: float


def _segments(table: CustomerTable, segmentation: Segmentation) -> pd.Categorical:
    """Segment names aligned with the table's rows, categorical in segment order."""
    return pd.Categorical(segmentation.named.reindex(table.frame.index))


def map_points(
    table: CustomerTable,
    segmentation: Segmentation,
    xy: np.ndarray,
    *,
    shown: list[str] | tuple[str, ...] | None = None,
    max_points: int = MAX_POINTS,
    random_state: int = 0,
) -> MapPoints:
    """Customers of the ``shown`` segments at their map position, sampled above ``max_points``.

    Parameters
    ----------
    table : CustomerTable
        The customer table; ``xy`` rows follow ``table.frame``'s rows.
    segmentation : Segmentation
        Gives each customer's segment.
    xy : numpy.ndarray
        Map layout of shape (n_customers, 2).
    shown : sequence of str, optional
        Segment names to draw (all when omitted).
    max_points : int
        Above this many customers a sample is drawn with every segment represented
        (:func:`segmentation.explain.plot_sample`: stable whatever the row order).
    random_state : int
        Seed of the sample.

    Returns
    -------
    MapPoints
        Only the plotted and tooltip columns, so little is sent to the browser.
    """
    xy = np.asarray(xy)
    if xy.shape != (len(table.frame), 2):
        raise ValueError(f"The layout has shape {xy.shape}; expected ({len(table.frame)}, 2).")
    tips = tuple(c for c in TOOLTIP_FACTS if c in table.frame)
    placed = pd.DataFrame(
        {
            "customer_id": table.frame.index.astype(str),
            "x": xy[:, 0],
            "y": xy[:, 1],
            "segment": _segments(table, segmentation),
        },
        index=table.frame.index,
    )
    points = pd.concat([placed, table.frame[list(tips)]], axis=1)
    if shown is not None:
        points = points[points["segment"].isin(list(shown))]
    points = points.reset_index(drop=True)
    total = len(points)
    if total > max_points:
        codes = pd.Series(points["segment"].cat.codes.to_numpy(), index=points["customer_id"])
        keep = points["customer_id"].isin(plot_sample(codes, max_points, random_state))
        points = points[keep.to_numpy()].reset_index(drop=True)
    return MapPoints(points, tips, total)


def place_column(table: CustomerTable) -> str | None:
    """The column that best says where customers live (:data:`PLACE_COLUMNS`), or None."""
    return next((c for c in PLACE_COLUMNS if c in table.frame), None)


def place_points(table: CustomerTable, segmentation: Segmentation, place: str) -> pd.DataFrame:
    """Each customer's ``place`` and ``segment`` (categorical); customers without a place left out."""
    points = table.frame[[place]].copy()
    points["segment"] = _segments(table, segmentation)
    return points.dropna()


def has_coordinates(table: CustomerTable) -> bool:
    """Whether the table has ``latitude`` and ``longitude`` columns."""
    return {"latitude", "longitude"} <= set(table.frame.columns)


def geo_points(
    table: CustomerTable, segmentation: Segmentation, *, quantiles: tuple[float, float] = (0.05, 0.95)
) -> GeoPoints:
    """Located customers, zoomed onto where most of them live (a few far-away ones left out).

    Parameters
    ----------
    table : CustomerTable
        Needs ``latitude`` and ``longitude`` (see :func:`has_coordinates`).
    segmentation : Segmentation
        Gives each customer's segment.
    quantiles : (float, float)
        The view spans these quantiles of latitude and of longitude.

    Returns
    -------
    GeoPoints
        The customers inside the view and their share of all located customers.
    """
    points = table.frame[["latitude", "longitude"]].copy()
    points["segment"] = _segments(table, segmentation)
    points = points.dropna()
    lat, lon = points["latitude"], points["longitude"]
    low, high = quantiles
    inside = lat.between(*lat.quantile([low, high])) & lon.between(*lon.quantile([low, high]))
    shown = points[inside]
    return GeoPoints(shown, len(shown) / max(len(points), 1))
