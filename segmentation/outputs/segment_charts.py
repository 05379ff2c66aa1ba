"""Charts of the segments themselves: sizes and revenue, what sets each apart, the heat map, priorities.

Pure functions from DataFrames to Altair charts in the house look (``chart_theme``); the UI only
displays them and the HTML report renders them to SVG.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from segmentation.outputs.chart_theme import (
    NEGATIVE,
    POSITIVE,
    plain_columns,
    require_columns,
    segment_names,
    segment_scale,
    style,
)
from segmentation.segments import Segmentation

__all__ = [
    "heatmap_chart",
    "priority_chart",
    "segment_sizes",
    "sizes_chart",
    "traits_chart",
]


def segment_sizes(seg: Segmentation, revenue: pd.Series | None = None) -> pd.DataFrame:
    """Customers and revenue per segment, in segment order.

    Parameters
    ----------
    seg : Segmentation
        Segment of every customer.
    revenue : pandas.Series, optional
        Revenue per customer (e.g. ``table.frame["monetary"]``), indexed by customer_id.

    Returns
    -------
    pandas.DataFrame
        Columns ``segment``, ``customers``, ``share`` and, with revenue, ``revenue`` and
        ``revenue_share`` (shares between 0 and 1).
    """
    sizes = seg.sizes()
    out = pd.DataFrame({"segment": list(seg.names), "customers": sizes.to_numpy()})
    out["share"] = out["customers"] / max(int(out["customers"].sum()), 1)
    if revenue is not None:
        rev = revenue.reindex(seg.labels.index).fillna(0.0).to_numpy(dtype=float)
        total = np.bincount(seg.labels.to_numpy(), weights=rev, minlength=len(seg.names))
        out["revenue"] = total
        out["revenue_share"] = total / total.sum() if total.sum() > 0 else 0.0
    return out


def sizes_chart(sizes: pd.DataFrame) -> alt.TopLevelMixin:
    """Bars of customers per segment and, when given, each segment's share of revenue.

    ``sizes`` has ``segment`` and ``customers`` and optionally ``revenue_share`` (0..1), as returned
    by :func:`segment_sizes`.
    """
    require_columns(sizes, ["segment", "customers"], "segment sizes")
    names = segment_names(sizes)
    cols = ["segment", "customers", *[c for c in ("share", "revenue_share") if c in sizes.columns]]
    data = plain_columns(sizes, cols)
    if "share" not in data.columns:
        data["share"] = data["customers"] / max(data["customers"].sum(), 1)
    base = alt.Chart(data).encode(
        y=alt.Y("segment:N", sort=names, title=None),
        color=alt.Color("segment:N", scale=segment_scale(names), legend=None),
    )
    tips = [
        alt.Tooltip("segment:N", title="Segment"),
        alt.Tooltip("customers:Q", title="Customers", format=","),
    ]
    tips.append(alt.Tooltip("share:Q", title="Share of customers", format=".1%"))
    if "revenue_share" in data.columns:
        tips.append(alt.Tooltip("revenue_share:Q", title="Share of revenue", format=".1%"))
    customers = base.mark_bar(cornerRadiusEnd=3).encode(
        x=alt.X("customers:Q", title="Customers", axis=alt.Axis(format="~s")), tooltip=tips
    )
    customers = (customers + customers.mark_text(align="left", dx=4, color="#374151").encode(
        text=alt.Text("share:Q", format=".0%"), color=alt.value("#374151"))).properties(width=300)  # fmt: skip
    if "revenue_share" not in data.columns:
        return style(customers, "How many customers each segment holds")
    revenue = base.mark_bar(cornerRadiusEnd=3, opacity=0.75).encode(
        x=alt.X("revenue_share:Q", title="Share of revenue", axis=alt.Axis(format="%")),
        y=alt.Y("segment:N", sort=names, axis=None),
        tooltip=tips,
    )
    revenue = (revenue + revenue.mark_text(align="left", dx=4).encode(
        text=alt.Text("revenue_share:Q", format=".0%"), color=alt.value("#374151"))).properties(width=220)  # fmt: skip
    return style(
        alt.hconcat(customers, revenue, spacing=24),
        "Segment sizes",
        "Customers in each segment, and the share of revenue they bring",
    )


def traits_chart(traits: pd.DataFrame, segment: str | None = None, *, top: int = 12) -> alt.TopLevelMixin:
    """Diverging bars: how far a segment sits above or below the average customer, per feature.

    ``traits`` has ``label`` (feature in plain words) and ``lift`` (segment average / overall
    average, 1 = average), as in ``profiling.Trait``; numeric ``value``/``overall`` (or
    ``segment_value``/``overall_value``) go to the tooltip.
    Only the ``top`` features with the largest differences are drawn.
    """
    require_columns(traits, ["label", "lift"], "traits")
    extra = [
        c
        for c in ("segment_value", "overall_value", "value", "overall")
        if c in traits.columns and pd.api.types.is_numeric_dtype(traits[c].dtype)
    ]
    data = plain_columns(traits, ["label", "lift", *extra]).dropna(subset=["lift"])
    data["difference"] = data["lift"].astype(float) - 1.0
    # Rank on |log(lift)| so "half as much" counts as much as "twice as much".
    strength = pd.Series(np.abs(np.log(data["lift"].astype(float).clip(lower=1e-3))), index=data.index)
    data = data.loc[strength.sort_values(ascending=False).index].head(top)
    data["direction"] = np.where(data["difference"] >= 0, "Above average", "Below average")
    tips = [
        alt.Tooltip("label:N", title="Feature"),
        alt.Tooltip("difference:Q", title="Versus average", format="+.0%"),
    ]
    tips += [alt.Tooltip(f"{c}:Q", title=c.replace("_", " ").capitalize(), format=",.2f") for c in extra]
    chart = (
        alt.Chart(data)
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            x=alt.X("difference:Q", title="Compared with the average customer", axis=alt.Axis(format="+%")),
            y=alt.Y("label:N", sort=alt.EncodingSortField("difference", order="descending"), title=None),
            color=alt.Color(
                "direction:N",
                title=None,
                scale=alt.Scale(domain=["Above average", "Below average"], range=[POSITIVE, NEGATIVE]),
            ),
            tooltip=tips,
        )
        .properties(width=420, height=alt.Step(22))
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#374151").encode(x="x:Q")
    title = f"What sets {segment} apart" if segment else "What sets this segment apart"
    return style(alt.layer(chart, zero), title, "Longer bars mean a bigger difference from the average")


def heatmap_chart(heat: pd.DataFrame) -> alt.TopLevelMixin:
    """Segments x features coloured by a relative index (100 = average customer).

    ``heat`` is long: ``segment``, ``feature`` and ``index``, as from ``profiling.heatmap_frame`` (its
    ``label`` column, when present, supplies the plain-word feature names; blank indexes are skipped).
    An optional ``value`` column (the segment's own average) goes to the tooltip.
    """
    require_columns(heat, ["segment", "feature", "index"], "heat map")
    names = segment_names(heat)
    if "label" in heat.columns:  # profiling.heatmap_frame: ``feature`` is the column, ``label`` the words
        heat = heat.drop(columns="feature").rename(columns={"label": "feature"})
    heat = heat.dropna(subset=["index"])
    cols = ["segment", "feature", "index", *(["value"] if "value" in heat.columns else [])]
    data = plain_columns(heat, cols)
    features = list(dict.fromkeys(data["feature"].tolist()))
    lo, hi = float(data["index"].min()), float(data["index"].max())
    # Capped at 100 either side: beyond 2x the average every cell reads "far above" anyway, and one
    # extreme cell must not wash out the colours of all the others.
    span = min(max(abs(hi - 100.0), abs(100.0 - lo), 1.0), 100.0)
    tips = [
        alt.Tooltip("segment:N", title="Segment"),
        alt.Tooltip("feature:N", title="Feature"),
        alt.Tooltip("index:Q", title="Index (100 = average)", format=".0f"),
    ]
    if "value" in data.columns:
        tips.append(alt.Tooltip("value:Q", title="Segment average", format=",.2f"))
    base = alt.Chart(data).encode(
        x=alt.X(
            "feature:N",
            sort=features,
            title=None,
            axis=alt.Axis(labelAngle=-35, orient="top", labelOverlap=False),
        ),
        y=alt.Y("segment:N", sort=names, title=None),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "index:Q",
            title="Index (100 = average)",
            scale=alt.Scale(scheme="redblue", domain=[100 - span, 100 + span], domainMid=100, clamp=True),
        ),
        tooltip=tips,
    )
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("index:Q", format=".0f"),
        color=alt.condition(
            f"abs(datum['index'] - 100) > {span * 0.55}", alt.value("white"), alt.value("#1F2937")
        ),
    )
    chart = alt.layer(cells, text).properties(width=alt.Step(56), height=alt.Step(30))
    return style(chart, "How segments differ", "100 is the average customer; blue is higher, red is lower")


_PRIORITY_HEIGHT = 340
_AREA = (80, 2400)  # bubble areas in square pixels, smallest to biggest revenue
#: Labels are kept a line (14 px) apart on a plot drawn at least 190 px high (Streamlit fits the chart
#: into its column, about 200 px on Profiles), and a label is taken to cover a third of the x range.
_LINE, _LABEL_WIDTH = 14.0 / 190.0, 0.35


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten at or above ``value``: the axis's top."""
    if not np.isfinite(value) or value <= 0:
        return 1.0
    power = 10.0 ** np.floor(np.log10(value))
    return float(next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value))


def _spread_labels(x: np.ndarray, y: np.ndarray, top: float) -> np.ndarray:
    """Label heights (in data units of the sqrt y axis from 0 to ``top``) that keep labels whose
    x ranges meet at least a line apart: each label, from the top down, moves below those above it."""
    x, y = np.nan_to_num(x), np.clip(np.nan_to_num(y), 0.0, top)
    depth = 1 - np.sqrt(y / top)  # share of the plot's height from its top
    span = max(float(x.max(initial=0.0)), 1.0) * _LABEL_WIDTH
    placed: list[int] = []
    at = depth.copy()
    for i in np.argsort(depth, kind="stable"):
        for j in sorted(placed, key=lambda k: at[k]):
            if abs(x[i] - x[j]) < span and abs(at[i] - at[j]) < _LINE:
                at[i] = at[j] + _LINE
        placed.append(i)
    return top * (1 - np.clip(at, 0.0, 1.0)) ** 2


def priority_chart(profiles: pd.DataFrame) -> alt.TopLevelMixin:
    """Bubble per segment: size (customers) against value (revenue per customer), coloured by segment.

    ``profiles`` has ``name`` or ``segment``, ``size`` or ``customers`` and ``revenue`` (total); optional
    ``revenue_share`` and ``priority`` go to the tooltip. With ``measure`` "orders" (profiling's
    ``profiles_frame`` of data without prices), ``value`` and ``value_share`` count orders instead.
    """
    name_col = "name" if "name" in profiles.columns else "segment"
    if "size" not in profiles.columns and "customers" in profiles.columns:
        profiles = profiles.rename(columns={"customers": "size"})  # profiling.profiles_frame naming
    # profiles_frame says what worth is counted in (value, value_share, measure); other callers give revenue
    measure = (
        str(profiles["measure"].iloc[0]) if "measure" in profiles.columns and len(profiles) else "revenue"
    )
    if "value" not in profiles.columns:
        require_columns(profiles, [name_col, "size", "revenue"], "priority")
        profiles = profiles.rename(columns={"revenue": "value", "revenue_share": "value_share"})
    extra = [c for c in ("value_share", "priority") if c in profiles.columns]
    data = plain_columns(profiles, [name_col, "size", "value", *extra]).rename(columns={name_col: "segment"})
    word = {"revenue": "Revenue", "orders": "Orders"}[measure]
    data["value_per_customer"] = data["value"] / data["size"].where(data["size"] > 0)
    names = segment_names(data)  # before dropping empty segments: colours stay those of every chart
    data = data[data["size"] > 0]  # an empty segment has no bubble; its label would sit on another's
    tips = [
        alt.Tooltip("segment:N", title="Segment"),
        alt.Tooltip("size:Q", title="Customers", format=","),
        alt.Tooltip("value_per_customer:Q", title=f"{word} per customer", format=",.2f"),
        alt.Tooltip("value:Q", title=word, format=",.0f"),
    ]
    if "value_share" in data.columns:
        tips.append(alt.Tooltip("value_share:Q", title=f"Share of {measure}", format=".1%"))
    if "priority" in data.columns:
        tips.append(alt.Tooltip("priority:O", title="Priority"))
    top = _nice_ceiling(float(data["value_per_customer"].max(skipna=True) or 0.0))
    data["label_at"] = _spread_labels(
        data["size"].to_numpy(float), data["value_per_customer"].to_numpy(float), top
    )
    biggest = max(float(data["value"].clip(lower=0).max(skipna=True) or 0.0), 1e-9)
    area = _AREA[0] + (_AREA[1] - _AREA[0]) * data["value"].clip(lower=0).fillna(0) / biggest
    data["label_dx"] = np.sqrt(area / np.pi) + 5  # just clear of the bubble's edge
    y_scale = alt.Scale(type="sqrt", domain=[0, top], nice=False)  # fixed, so labels can be placed in pixels
    base = alt.Chart(data).encode(
        x=alt.X("size:Q", title="Customers in the segment", scale=alt.Scale(zero=True)),
        y=alt.Y(
            "value_per_customer:Q",
            title=f"{word} per customer",
            scale=y_scale,
            axis=alt.Axis(
                values=[top * t for t in (0, 0.1, 0.2, 0.5, 1)], format=",.3~r"
            ),  # even on sqrt; 2.5 not "3"
        ),
    )
    bubbles = base.mark_circle(opacity=0.8, stroke="white", strokeWidth=1).encode(
        size=alt.Size("value:Q", title=word, scale=alt.Scale(domain=[0, biggest], range=_AREA), legend=None),
        color=alt.Color("segment:N", scale=segment_scale(names), title="Segment", legend=None),
        tooltip=tips,
    )
    # Names beside the bubbles (not a legend): a projected slide must be readable without hovering;
    # moved up or down where two would overlap.
    labels = base.mark_text(
        align="left", dx=alt.ExprRef("datum.label_dx"), fontSize=11, color="#1F2937"
    ).encode(y=alt.Y("label_at:Q", scale=y_scale), text="segment:N")
    chart = alt.layer(bubbles, labels).properties(width="container", height=_PRIORITY_HEIGHT)
    return style(chart, "Where to focus", f"Right means more customers, higher means more {measure} each")
