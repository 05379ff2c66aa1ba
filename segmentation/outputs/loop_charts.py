"""Charts of the loop: campaign lifts per segment (with their intervals) and segment movement."""

from __future__ import annotations

from typing import Literal

import altair as alt
import numpy as np
import pandas as pd

from segmentation.explain import LOST, NEW
from segmentation.outputs.chart_theme import NEGATIVE, NEUTRAL, POSITIVE, segment_scale, style
from segmentation.outputs.measurement import Measurement
from segmentation.outputs.verdict import OVERALL


def lift_chart(m: Measurement, outcome: str) -> alt.TopLevelMixin:
    """Difference from control per segment and arm: a dot with its 95% interval, zero marked."""
    rows = m.lifts[m.lifts["outcome"] == outcome].copy()
    if rows.empty:
        raise ValueError(f"No result for the outcome '{outcome}'.")
    rate = rows["kind"].iloc[0] == "rate"
    scale = 100.0 if rate else 1.0
    for col in ("diff", "low", "high"):
        rows[col] = rows[col] * scale
    rows["verdict"] = rows["label_text"]
    colour = alt.Color(
        "label:N",
        scale=alt.Scale(
            domain=["significant", "promising", "not_significant", "too_few"],
            range=[POSITIVE, "#E0A030", NEUTRAL, "#C9CED6"],
        ),
        legend=None,
    )
    order = [OVERALL, *[s for s in m.segments]]
    unit = "points" if rate else "per customer"
    y = alt.Y("segment:N", sort=order, title=None)
    base = alt.Chart(rows[["segment", "arm", "diff", "low", "high", "label", "verdict", "n"]])
    offset = alt.YOffset("arm:N", title="Group")
    bars = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("low:Q", title=f"Difference from {m.control} ({unit}), 95% interval"),
        x2="high:Q",
        y=y,
        yOffset=offset,
        color=colour,
    )
    tooltip = [
        alt.Tooltip("segment:N", title="Segment"), alt.Tooltip("arm:N", title="Group"),
        alt.Tooltip("diff:Q", title="Difference", format=".2f"), alt.Tooltip("low:Q", title="From", format=".2f"),
        alt.Tooltip("high:Q", title="To", format=".2f"), alt.Tooltip("verdict:N", title="Verdict"),
        alt.Tooltip("n:Q", title="Customers in group", format=","),
    ]  # fmt: skip
    shape = alt.Shape(
        "arm:N", title="Group", legend=alt.Legend(orient="bottom") if len(m.treated) > 1 else None
    )
    dots = base.mark_point(filled=True, size=90).encode(
        x="diff:Q", y=y, yOffset=offset, color=colour, shape=shape, tooltip=tooltip
    )
    zero = base.mark_rule(color=NEGATIVE, strokeDash=[4, 3]).encode(x=alt.datum(0))
    step = 14 * max(len(m.treated), 1) + 10
    chart = alt.layer(bars, dots, zero).properties(width="container", height=alt.Step(step))
    return style(chart, f"Effect on {outcome} by segment", "Dots: measured difference; lines: 95% interval")


def movement_chart(transitions: pd.DataFrame) -> alt.TopLevelMixin:
    """The transition table as a grid: from-segment rows, to-segment columns, customers as colour."""
    data = transitions[["from_segment", "to_segment", "customers", "revenue"]].copy()
    rows = list(dict.fromkeys(data["from_segment"]))
    cols = list(dict.fromkeys(data["to_segment"]))
    base = alt.Chart(data).encode(
        x=alt.X(
            "to_segment:N",
            sort=cols,
            title="Segment now",
            # slanted labels, parallel and a cell apart, never touch: show every one
            axis=alt.Axis(orient="top", labelAngle=-25, labelLimit=160, labelOverlap=False),
        ),
        y=alt.Y("from_segment:N", sort=rows, title="Segment then"),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("customers:Q", scale=alt.Scale(scheme="blues"), title="Customers"),
        tooltip=[
            alt.Tooltip("from_segment:N", title="Then"), alt.Tooltip("to_segment:N", title="Now"),
            alt.Tooltip("customers:Q", title="Customers", format=","),
            alt.Tooltip("revenue:Q", title="Revenue", format=",.0f"),
        ],
    )  # fmt: skip
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("customers:Q", format=","),
        color=alt.condition(
            alt.datum.customers > data["customers"].max() / 2, alt.value("white"), alt.value("#1F2937")
        ),
    )
    chart = alt.layer(cells, text).properties(width="container", height=alt.Step(30))
    return style(
        chart,
        "Every move, counted",
        "Each cell: customers who were in the row's segment then and the column's now",
    )


#: How the flow chart names the customers present at one date only.
FLOW_NEW, FLOW_GONE = "New", "Gone"
_POINTS = 24  # points along each ribbon: enough for a smooth S-curve, few enough for a light payload
_NODE_WIDTH = 0.035  # of the plot's width
_GAP = 0.025  # between two nodes, share of the customers on a side
_MIN_NODE = 0.02  # smallest node drawn, share of the customers on a side (so its label has room)
#: Each side's labels: beside its nodes, towards the middle of the chart (side, alignment, offset).
_LABEL_SIDES: tuple[tuple[str, Literal["left", "right"], int], ...] = (
    ("then", "left", 6),
    ("now", "right", -6),
)


def flow_frames(transitions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Node and ribbon geometry of the movement flow chart (a Sankey diagram) from a transition table.

    Returns ``nodes`` (``side`` "then"/"now", ``name``, ``customers``, ``revenue``, ``y0``, ``y1``)
    and ``links`` (one row per move with customers: ``from_segment``, ``to_segment``, ``customers``,
    ``revenue`` and the ribbon's ends ``y0_then``, ``y1_then``, ``y0_now``, ``y1_now``). Customers
    only present at the later date come from ``New``, those only at the earlier go to ``Gone``.
    Nodes keep the table's order; a node's ribbons are stacked in the order of the other side.
    """
    t = transitions[transitions["customers"] > 0]
    if t.empty:
        raise ValueError("No customer at either date: there are no moves to draw.")
    names = {NEW: FLOW_NEW, LOST: FLOW_GONE}
    clash = set(names.values()) & (set(t["from_segment"]) | set(t["to_segment"]))
    rename = {} if clash else names  # a segment called "New" keeps the long labels
    links = t.assign(
        from_segment=t["from_segment"].replace(rename), to_segment=t["to_segment"].replace(rename)
    )[["from_segment", "to_segment", "customers", "revenue"]].reset_index(drop=True)
    order = {  # the table's own order (segment order, New and Gone last), so ribbons run straight
        side: [rename.get(n, n) for n in dict.fromkeys(transitions[column]) if n in set(t[column])]
        for side, column in (("then", "from_segment"), ("now", "to_segment"))
    }
    total = float(links["customers"].sum())
    nodes = pd.concat(
        [_side(links, side, column, order[side], total) for side, column in (("then", "from_segment"), ("now", "to_segment"))],
        ignore_index=True,
    )  # fmt: skip
    for side, column, other in (
        ("then", "from_segment", "to_segment"),
        ("now", "to_segment", "from_segment"),
    ):
        rank = {n: i for i, n in enumerate(order["now" if side == "then" else "then"])}
        ends = _ribbon_ends(links, nodes[nodes["side"] == side], column, other, rank)
        links[[f"y0_{side}", f"y1_{side}"]] = ends
    return nodes, links


def _side(links: pd.DataFrame, side: str, column: str, order: list[str], total: float) -> pd.DataFrame:
    """One side's nodes stacked top to bottom with gaps; small nodes drawn at least ``_MIN_NODE`` tall."""
    sums = links.groupby(column, sort=False)[["customers", "revenue"]].sum().reindex(order)
    height = sums["customers"].clip(lower=_MIN_NODE * total).to_numpy(dtype=float)
    scale = total / height.sum()  # both sides span the same height
    y1 = np.cumsum(height * scale) + _GAP * total * np.arange(len(order))
    return pd.DataFrame(
        {
            "side": side,
            "name": order,
            "customers": sums["customers"].to_numpy(dtype=np.int64),
            "revenue": sums["revenue"].to_numpy(dtype=float),
            "y0": y1 - height * scale,
            "y1": y1,
        }
    )


def _ribbon_ends(
    links: pd.DataFrame, nodes: pd.DataFrame, column: str, other: str, rank: dict[str, int]
) -> np.ndarray:
    """Where each ribbon meets a node: the node's height shared by customers, in the other side's order."""
    ends = np.zeros((len(links), 2))
    # Columns read with their dtypes once: pandas types a row tuple's fields only as "any scalar".
    for name, customers, y0, y1 in zip(
        nodes["name"],
        nodes["customers"].to_numpy(dtype=np.int64),
        nodes["y0"].to_numpy(dtype=float),
        nodes["y1"].to_numpy(dtype=float),
        strict=True,
    ):
        mine = sorted(links.index[links[column] == name], key=lambda i: rank[str(links.at[i, other])])
        share = links.loc[mine, "customers"].to_numpy(dtype=float) / max(customers, 1)
        top = y0 + (y1 - y0) * np.concatenate([[0.0], np.cumsum(share)])
        ends[mine] = np.column_stack([top[:-1], top[1:]])
    return ends


def movement_flow(transitions: pd.DataFrame) -> alt.TopLevelMixin:
    """The moves as a flow chart: segments then on the left, now on the right, ribbons as wide as the
    customers who moved (Vega-Lite has no Sankey mark, so nodes are rects and ribbons are areas drawn
    along an S-curve: https://altair-viz.github.io/user_guide/marks/area.html)."""
    nodes, links = flow_frames(transitions)
    t = np.linspace(0.0, 1.0, _POINTS)
    ease = t * t * (3 - 2 * t)  # smoothstep: flat where a ribbon leaves and joins its nodes
    ribbons = links.loc[links.index.repeat(_POINTS)].reset_index(names="link")
    k = np.tile(ease, len(links))
    ribbons["x"] = _NODE_WIDTH + np.tile(t, len(links)) * (1 - 2 * _NODE_WIDTH)
    ribbons["top"] = ribbons["y0_then"] + (ribbons["y0_now"] - ribbons["y0_then"]) * k
    ribbons["bottom"] = ribbons["y1_then"] + (ribbons["y1_now"] - ribbons["y1_then"]) * k
    ribbons = ribbons[["link", "x", "top", "bottom", "from_segment", "to_segment", "customers", "revenue"]]
    span = float(nodes["y1"].max())
    y_scale = alt.Scale(domain=[0, span], reverse=True, nice=False, zero=False)
    x_scale = alt.Scale(domain=[0, 1], nice=False)
    colours = _node_scale(transitions)
    colour = alt.Color("from_segment:N", scale=colours, legend=None)
    flows = (
        alt.Chart(ribbons)
        .mark_area(opacity=0.42, interpolate="monotone")
        .encode(
            x=alt.X("x:Q", scale=x_scale, axis=None),
            y=alt.Y("top:Q", scale=y_scale, axis=None),
            y2="bottom:Q",
            detail="link:N",
            color=colour,
            tooltip=[
                alt.Tooltip("from_segment:N", title="Then"),
                alt.Tooltip("to_segment:N", title="Now"),
                alt.Tooltip("customers:Q", title="Customers", format=","),
                alt.Tooltip("revenue:Q", title="Revenue between the dates", format=",.0f"),
            ],
        )
    )
    boxes = nodes.assign(
        x0=np.where(nodes["side"] == "then", 0.0, 1 - _NODE_WIDTH),
        x1=np.where(nodes["side"] == "then", _NODE_WIDTH, 1.0),
        mid=(nodes["y0"] + nodes["y1"]) / 2,
        label=[f"{n} · {c:,}" for n, c in zip(nodes["name"], nodes["customers"], strict=True)],
        when=np.where(nodes["side"] == "then", "Then", "Now"),
    )
    base = alt.Chart(boxes)
    bars = base.mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("x0:Q", scale=x_scale, axis=None),
        x2="x1:Q",
        y=alt.Y("y0:Q", scale=y_scale, axis=None),
        y2="y1:Q",
        color=alt.Color("name:N", scale=colours, legend=None),
        tooltip=[
            alt.Tooltip("when:N", title="Date"), alt.Tooltip("name:N", title="Segment"),
            alt.Tooltip("customers:Q", title="Customers", format=","),
            alt.Tooltip("revenue:Q", title="Revenue between the dates", format=",.0f"),
        ],
    )  # fmt: skip
    labels = [
        base.transform_filter(alt.datum.side == side)
        .mark_text(align=align, dx=dx, fontSize=12, fontWeight=500, **halo)
        .encode(x=alt.X("x1:Q" if side == "then" else "x0:Q", scale=x_scale, axis=None), y=alt.Y("mid:Q", scale=y_scale, axis=None), text="label:N")
        for side, align, dx in _LABEL_SIDES
        for halo in ({"stroke": "white", "strokeWidth": 4, "strokeJoin": "round", "strokeOpacity": 0.85}, {"color": "#1F2937"})
    ]  # fmt: skip
    rows = int(nodes.groupby("side").size().max())
    chart = alt.layer(flows, bars, *labels).properties(width="container", height=max(320, 44 * rows))
    return style(
        chart,
        "Where customers went",
        "Left: segments at the earlier date; right: at the later date. Ribbons: customers who made each move",
    )


def _node_scale(transitions: pd.DataFrame) -> alt.Scale:
    """Segment ``i`` keeps the palette's colour ``i`` on both sides, as on every page; New and Gone are grey."""
    names = list(dict.fromkeys([*transitions["from_segment"], *transitions["to_segment"]]))
    segments = [n for n in names if n not in (NEW, LOST)]
    grey = [NEW, LOST, *[n for n in (FLOW_NEW, FLOW_GONE) if n not in segments]]
    palette = segment_scale(segments).to_dict()
    return alt.Scale(domain=[*palette["domain"], *grey], range=[*palette["range"], *["#9CA3AF"] * len(grey)])
