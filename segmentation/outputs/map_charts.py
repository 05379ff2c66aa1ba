"""Charts of where customers sit: the 2-D customer map (with its rectangle selection) and geography.

Pure functions from DataFrames to Altair charts in the house look (``chart_theme``); large inputs are
sampled or gridded down to ``MAX_ROWS`` rows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from segmentation.outputs.chart_theme import (
    MAX_ROWS,
    plain_columns,
    require_columns,
    segment_names,
    segment_scale,
    style,
)

__all__ = [
    "brushed_ids",
    "geo_chart",
    "map_chart",
    "place_mix_chart",
]


def map_chart(
    points: pd.DataFrame,
    *,
    tooltip: Sequence[str] = (),
    brush: bool = True,
    labels: Mapping[str, str] | None = None,
    max_points: int = MAX_ROWS,
    random_state: int = 0,
) -> alt.TopLevelMixin:
    """Customer map from a 2-D layout, coloured by segment, with an optional rectangle selection.

    Parameters
    ----------
    points : pandas.DataFrame
        ``customer_id``, ``x``, ``y``, ``segment`` and the ``tooltip`` columns.
    tooltip : sequence of str
        Extra columns shown on hover (key facts).
    brush : bool
        Add an interval selection named ``"brush"`` over x and y. Streamlit reports it as
        ``{"x": [lo, hi], "y": [lo, hi]}``; :func:`brushed_ids` turns that into customer ids.
    labels : mapping, optional
        Plain-word titles for tooltip columns.
    max_points : int
        Larger layouts are drawn from a seeded sample, stratified by segment (the browser and Altair's
        5,000-row limit); :func:`brushed_ids` still selects from every customer.
    random_state : int
        Seed of that sample.
    """
    require_columns(points, ["customer_id", "x", "y", "segment", *tooltip], "customer map")
    names = segment_names(points)
    data = plain_columns(points, ["customer_id", "x", "y", "segment", *tooltip])
    subtitle = "Similar customers sit close together; drag to select a group"
    if len(data) > max_points:
        frac = max(max_points - data["segment"].nunique(), 1) / len(data)
        data = data.groupby("segment", sort=False).sample(frac=frac, random_state=random_state)
        subtitle += f" (showing {len(data):,} of {len(points):,} customers)"
    # Four decimals are far below a pixel and halve the payload.
    data[["x", "y"]] = data[["x", "y"]].astype(float).round(4)
    labels = dict(labels or {})
    tips = [alt.Tooltip("segment:N", title="Segment"), alt.Tooltip("customer_id:N", title="Customer")]
    for c in tooltip:
        kind = "Q" if pd.api.types.is_numeric_dtype(data[c].dtype) else "N"
        fmt = ",.2~f" if kind == "Q" else alt.Undefined
        tips.append(
            alt.Tooltip(f"{c}:{kind}", title=labels.get(c, c.replace("_", " ").capitalize()), format=fmt)
        )
    colour = alt.Color("segment:N", scale=segment_scale(names), title="Segment")
    chart = (
        alt.Chart(data)
        .mark_circle(size=18, opacity=0.75)
        .encode(
            x=alt.X("x:Q", axis=None, scale=alt.Scale(zero=False)),
            y=alt.Y("y:Q", axis=None, scale=alt.Scale(zero=False)),
            color=colour,
            detail="customer_id:N",
            tooltip=tips,
        )
        .properties(width="container", height=520)
    )
    if brush:
        sel = alt.selection_interval(name="brush", encodings=["x", "y"])
        chart = chart.add_params(sel).encode(
            color=alt.condition(sel, colour, alt.value("#D1D5DB")),
        )
    return style(chart, "Customer map", subtitle)


def brushed_ids(points: pd.DataFrame, selection: Mapping[str, Any] | None) -> list[str]:
    """Customer ids inside a ``"brush"`` rectangle reported by ``st.altair_chart(on_select=...)``.

    ``selection`` is the brush state ``{"x": [lo, hi], "y": [lo, hi]}`` (or the whole selection dict
    containing ``"brush"``); an empty selection gives an empty list.
    """
    if not selection:
        return []
    state = selection.get("brush", selection)
    if not state or "x" not in state or "y" not in state:
        return []
    (x0, x1), (y0, y1) = sorted(state["x"]), sorted(state["y"])
    inside = points["x"].between(x0, x1) & points["y"].between(y0, y1)
    return points.loc[inside, "customer_id"].astype(str).tolist()


def geo_chart(customers: pd.DataFrame, *, precision: int = 1, world: bool | None = None) -> alt.TopLevelMixin:
    """Where customers live: one bubble per place, sized by customers, coloured by the main segment.

    ``customers`` has ``latitude``, ``longitude`` and ``segment`` (one row per customer). Places are
    grouped on a grid of ``precision`` decimals so the chart stays small. Drawn on an Equal Earth
    projection with the globe's outline and graticule, which Vega generates itself: no map file and no
    internet are needed (no world outline ships with Altair offline). ``world=None`` shows the whole
    globe only when customers span more than 60 degrees of longitude, else zooms onto them.
    """
    require_columns(customers, ["latitude", "longitude", "segment"], "map of customers")
    names = segment_names(customers)
    df = plain_columns(customers, ["latitude", "longitude", "segment"]).dropna()
    for digits in range(precision, -2, -1):  # coarser grid until the chart fits Altair's row limit
        df["lat"] = df["latitude"].astype(float).round(digits)
        df["lon"] = df["longitude"].astype(float).round(digits)
        if len(df.drop_duplicates(["lat", "lon"])) <= MAX_ROWS:
            break
    counts = df.groupby(["lat", "lon", "segment"], sort=False).size().rename("n").reset_index()
    totals = counts.groupby(["lat", "lon"])["n"].transform("sum")
    counts["segment_share"] = counts["n"] / totals
    top = counts.sort_values(["lat", "lon", "n"], ascending=[True, True, False]).drop_duplicates(
        ["lat", "lon"]
    )
    top = top.assign(customers=totals.loc[top.index]).rename(columns={"segment": "main_segment"})
    data = top[["lat", "lon", "main_segment", "segment_share", "customers"]]
    sphere = alt.Chart(alt.sphere()).mark_geoshape(fill="#F3F6FA", stroke="#CBD5E1")
    grid = alt.Chart(alt.graticule(step=[30, 30])).mark_geoshape(stroke="#E2E8F0", strokeWidth=0.5)
    dots = (
        alt.Chart(data)
        .mark_circle(opacity=0.8, stroke="white", strokeWidth=0.5)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            size=alt.Size("customers:Q", title="Customers", scale=alt.Scale(range=[12, 500])),
            color=alt.Color("main_segment:N", scale=segment_scale(names), title="Main segment"),
            tooltip=[
                alt.Tooltip("main_segment:N", title="Main segment"),
                alt.Tooltip("segment_share:Q", title="Its share here", format=".0%"),
                alt.Tooltip("customers:Q", title="Customers", format=","),
            ],
        )
    )
    if world is None:
        world = float(data["lon"].max() - data["lon"].min()) > 60 if len(data) else True
    # The projection fits all layers, so the globe outline is left out when zooming onto a region.
    layers = [sphere, grid, dots] if world else [dots]
    chart = (
        alt.layer(*layers)
        .project(type="equalEarth" if world else "mercator")
        .properties(width="container", height=420)
    )
    return style(
        chart, "Where customers are", "Bubble size is the number of customers; colour the main segment"
    )


def place_mix_chart(customers: pd.DataFrame, place: str = "region", *, top: int = 12) -> alt.TopLevelMixin:
    """Stacked bars: for the places with most customers, how each splits into segments.

    ``customers`` has one row per customer with ``place`` and ``segment``.
    """
    require_columns(customers, [place, "segment"], "customers by place")
    names = segment_names(customers)
    counts = customers.groupby([place, "segment"], observed=True).size().rename("customers").reset_index()
    biggest = counts.groupby(place)["customers"].sum().nlargest(top).index
    data = counts[counts[place].isin(biggest)].astype({place: str, "segment": str})
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(f"{place}:N", sort=[str(p) for p in biggest], title=None),
            x=alt.X("customers:Q", stack="normalize", title="Share of the place's customers",
                    axis=alt.Axis(format="%")),
            color=alt.Color("segment:N", scale=segment_scale(names), title="Segment"),
            order=alt.Order("segment_order:Q"),
            tooltip=[alt.Tooltip(f"{place}:N", title=place.capitalize()), alt.Tooltip("segment:N", title="Segment"),
                     alt.Tooltip("customers:Q", title="Customers", format=",")],
        )
        .transform_calculate(segment_order=f"indexof({json.dumps(names)}, datum.segment)")
        .properties(width="container", height=alt.Step(22))
    )  # fmt: skip
    return style(chart, f"Segments by {place}", f"The {len(biggest)} {place}s with most customers")
