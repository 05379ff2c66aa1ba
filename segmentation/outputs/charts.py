"""Chart builders: pure functions from DataFrames to Altair charts with one consistent look.

Every chart colours segments with the same palette (:func:`segment_scale`), uses plain-word titles and
embeds only the columns it plots or shows in tooltips, so payloads stay small. The UI only displays
the charts; the HTML report renders them to SVG.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from segmentation.segments import Segmentation

__all__ = [
    "SEGMENT_PALETTE",
    "brushed_ids",
    "geo_chart",
    "heatmap_chart",
    "kscan_chart",
    "map_chart",
    "priority_chart",
    "segment_scale",
    "segment_sizes",
    "sizes_chart",
    "traits_chart",
]

#: Categorical palette shared by every chart (Tableau 10 plus two; distinct for colour-blind viewers
#: in the first eight). Segment ``i`` always gets colour ``i``.
SEGMENT_PALETTE: tuple[str, ...] = (
    "#4E79A7", "#F28E2B", "#59A14F", "#E15759", "#76B7B2", "#EDC948",
    "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC", "#1F3A5F", "#8CD17D",
)  # fmt: skip
FONT = "Inter, 'Segoe UI', Helvetica, Arial, sans-serif"
POSITIVE, NEGATIVE, NEUTRAL = "#2E7D5B", "#C0504D", "#8A94A6"
#: At most this many rows go into one chart (about 4-10 MB of JSON for a scatter); each builder
#: samples down to it, so Altair's own 5,000-row guard is lifted.
MAX_ROWS = 20_000
alt.data_transformers.disable_max_rows()


def segment_scale(names: Sequence[str]) -> alt.Scale:
    """Colour scale mapping segment names (in segment order) to the shared palette."""
    names = [str(n) for n in names]
    colours = [SEGMENT_PALETTE[i % len(SEGMENT_PALETTE)] for i in range(len(names))]
    return alt.Scale(domain=names, range=colours)


def _names(df: pd.DataFrame, col: str = "segment") -> list[str]:
    s = df[col]
    if isinstance(s.dtype, pd.CategoricalDtype):
        return [str(c) for c in s.cat.categories]
    return [str(v) for v in dict.fromkeys(s.tolist())]


def _style(chart: alt.TopLevelMixin, title: str, subtitle: str = "") -> alt.TopLevelMixin:
    """House look: readable fonts, quiet axes, left-aligned plain-word title."""
    return (
        chart.properties(title=alt.TitleParams(title, subtitle=subtitle or alt.Undefined, anchor="start"))
        .configure(font=FONT, background="white")
        .configure_title(fontSize=16, fontWeight=600, color="#1F2937", subtitleColor="#6B7280")
        .configure_axis(
            labelFontSize=12, titleFontSize=12, labelColor="#374151", titleColor="#374151",
            gridColor="#E5E7EB", domainColor="#9CA3AF", tickColor="#9CA3AF", labelLimit=220,
        )
        .configure_legend(labelFontSize=12, titleFontSize=12, orient="bottom", columns=4, labelLimit=220)
        .configure_view(strokeWidth=0)
    )  # fmt: skip


def _require(df: pd.DataFrame, cols: Sequence[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"The {what} chart needs the columns {', '.join(missing)}.")


def _plain(df: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
    """Only the needed columns, with categoricals as plain text (smaller, JSON-friendly payload)."""
    out = df[list(dict.fromkeys(cols))].copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(out[c].dtype):
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


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
    _require(sizes, ["segment", "customers"], "segment sizes")
    names = _names(sizes)
    cols = ["segment", "customers", *[c for c in ("share", "revenue_share") if c in sizes.columns]]
    data = _plain(sizes, cols)
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
        return _style(customers, "How many customers each segment holds")
    revenue = base.mark_bar(cornerRadiusEnd=3, opacity=0.75).encode(
        x=alt.X("revenue_share:Q", title="Share of revenue", axis=alt.Axis(format="%")),
        y=alt.Y("segment:N", sort=names, axis=None),
        tooltip=tips,
    )
    revenue = (revenue + revenue.mark_text(align="left", dx=4).encode(
        text=alt.Text("revenue_share:Q", format=".0%"), color=alt.value("#374151"))).properties(width=220)  # fmt: skip
    return _style(
        alt.hconcat(customers, revenue, spacing=24),
        "Segment sizes",
        "Customers in each segment, and the share of revenue they bring",
    )


def kscan_chart(scan: pd.DataFrame, recommended_k: int | None = None) -> alt.TopLevelMixin:
    """Quality of each number of segments: separation (silhouette) and stability against k.

    ``scan`` has a ``k`` column and any of ``silhouette`` and ``stability`` (higher is better).
    The recommended k is marked with a dashed rule.
    """
    _require(scan, ["k"], "number-of-segments")
    labels = {"silhouette": "How well separated", "stability": "How stable on re-runs"}
    metrics = [m for m in labels if m in scan.columns]
    if not metrics:
        raise ValueError("The number-of-segments chart needs a silhouette or stability column.")
    long = scan[["k", *metrics]].melt("k", var_name="metric", value_name="score")
    long["metric"] = long["metric"].map(labels)
    colour = alt.Color(
        "metric:N",
        title=None,
        scale=alt.Scale(domain=[labels[m] for m in metrics], range=["#4E79A7", "#F28E2B"]),
    )
    lines = (
        alt.Chart(long)
        .mark_line(point=alt.OverlayMarkDef(size=60, filled=True), strokeWidth=2.5)
        .encode(
            x=alt.X("k:O", title="Number of segments", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("score:Q", title="Score (higher is better)"),
            color=colour,
            tooltip=[
                alt.Tooltip("k:O", title="Segments"),
                alt.Tooltip("metric:N", title="Measure"),
                alt.Tooltip("score:Q", title="Score", format=".2f"),
            ],
        )
    )
    layers: list[alt.Chart] = [lines]
    if recommended_k is not None:
        mark = pd.DataFrame({"k": [int(recommended_k)], "label": [f"Recommended: {int(recommended_k)}"]})
        rule = alt.Chart(mark).mark_rule(strokeDash=[5, 4], color="#1F2937").encode(x="k:O")
        text = (
            alt.Chart(mark)
            .mark_text(align="left", dx=5, dy=-6, fontWeight=600, color="#1F2937")
            .encode(x="k:O", y=alt.value(0), text="label:N")
        )
        layers += [rule, text]
    chart = alt.layer(*layers).properties(width="container", height=240)
    return _style(chart, "How many segments?", "Pick a number where both lines are high")


def traits_chart(traits: pd.DataFrame, segment: str | None = None, *, top: int = 12) -> alt.TopLevelMixin:
    """Diverging bars: how far a segment sits above or below the average customer, per feature.

    ``traits`` has ``label`` (feature in plain words) and ``lift`` (segment average / overall
    average, 1 = average), as in ``profiling.Trait``; numeric ``value``/``overall`` (or
    ``segment_value``/``overall_value``) go to the tooltip.
    Only the ``top`` features with the largest differences are drawn.
    """
    _require(traits, ["label", "lift"], "traits")
    extra = [
        c
        for c in ("segment_value", "overall_value", "value", "overall")
        if c in traits.columns and pd.api.types.is_numeric_dtype(traits[c].dtype)
    ]
    data = _plain(traits, ["label", "lift", *extra]).dropna(subset=["lift"])
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
    return _style(alt.layer(chart, zero), title, "Longer bars mean a bigger difference from the average")


def heatmap_chart(heat: pd.DataFrame) -> alt.TopLevelMixin:
    """Segments x features coloured by a relative index (100 = average customer).

    ``heat`` is long: ``segment``, ``feature`` and ``index``, as from ``profiling.heatmap_frame`` (its
    ``label`` column, when present, supplies the plain-word feature names; blank indexes are skipped).
    An optional ``value`` column (the segment's own average) goes to the tooltip.
    """
    _require(heat, ["segment", "feature", "index"], "heat map")
    names = _names(heat)
    if "label" in heat.columns:  # profiling.heatmap_frame: ``feature`` is the column, ``label`` the words
        heat = heat.drop(columns="feature").rename(columns={"label": "feature"})
    heat = heat.dropna(subset=["index"])
    cols = ["segment", "feature", "index", *(["value"] if "value" in heat.columns else [])]
    data = _plain(heat, cols)
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
    return _style(chart, "How segments differ", "100 is the average customer; blue is higher, red is lower")


def priority_chart(profiles: pd.DataFrame) -> alt.TopLevelMixin:
    """Bubble per segment: size (customers) against value (revenue per customer), coloured by segment.

    ``profiles`` has ``name`` or ``segment``, ``size`` or ``customers`` and ``revenue`` (total); optional
    ``revenue_share`` and ``priority`` go to the tooltip.
    """
    name_col = "name" if "name" in profiles.columns else "segment"
    if "size" not in profiles.columns and "customers" in profiles.columns:
        profiles = profiles.rename(columns={"customers": "size"})  # profiling.profiles_frame naming
    _require(profiles, [name_col, "size", "revenue"], "priority")
    extra = [c for c in ("revenue_share", "priority") if c in profiles.columns]
    data = _plain(profiles, [name_col, "size", "revenue", *extra]).rename(columns={name_col: "segment"})
    data["value_per_customer"] = data["revenue"] / data["size"].where(data["size"] > 0)
    names = _names(data)
    tips = [
        alt.Tooltip("segment:N", title="Segment"),
        alt.Tooltip("size:Q", title="Customers", format=","),
        alt.Tooltip("value_per_customer:Q", title="Revenue per customer", format=",.2f"),
        alt.Tooltip("revenue:Q", title="Revenue", format=",.0f"),
    ]
    if "revenue_share" in data.columns:
        tips.append(alt.Tooltip("revenue_share:Q", title="Share of revenue", format=".1%"))
    if "priority" in data.columns:
        tips.append(alt.Tooltip("priority:O", title="Priority"))
    base = alt.Chart(data).encode(
        x=alt.X("size:Q", title="Customers in the segment", scale=alt.Scale(zero=True)),
        y=alt.Y(
            "value_per_customer:Q", title="Revenue per customer", scale=alt.Scale(type="sqrt", zero=True)
        ),
    )
    bubbles = base.mark_circle(opacity=0.8, stroke="white", strokeWidth=1).encode(
        size=alt.Size("revenue:Q", title="Revenue", scale=alt.Scale(range=[80, 2400]), legend=None),
        color=alt.Color("segment:N", scale=segment_scale(names), title="Segment", legend=None),
        tooltip=tips,
    )
    # Names beside the bubbles (not a legend): a projected slide must be readable without hovering.
    labels = base.mark_text(align="left", dx=14, fontSize=11, color="#1F2937").encode(text="segment:N")
    chart = alt.layer(bubbles, labels).properties(width="container", height=340)
    return _style(chart, "Where to focus", "Right means more customers, higher means more revenue each")


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
    _require(points, ["customer_id", "x", "y", "segment", *tooltip], "customer map")
    names = _names(points)
    data = _plain(points, ["customer_id", "x", "y", "segment", *tooltip])
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
    return _style(chart, "Customer map", subtitle)


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
    _require(customers, ["latitude", "longitude", "segment"], "map of customers")
    names = _names(customers)
    df = _plain(customers, ["latitude", "longitude", "segment"]).dropna()
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
    return _style(
        chart, "Where customers are", "Bubble size is the number of customers; colour the main segment"
    )


def place_mix_chart(customers: pd.DataFrame, place: str = "region", *, top: int = 12) -> alt.TopLevelMixin:
    """Stacked bars: for the places with most customers, how each splits into segments.

    ``customers`` has one row per customer with ``place`` and ``segment``.
    """
    _require(customers, [place, "segment"], "customers by place")
    names = _names(customers)
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
    return _style(chart, f"Segments by {place}", f"The {len(biggest)} {place}s with most customers")
