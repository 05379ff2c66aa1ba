"""Charts of the loop: campaign lifts per segment (with their intervals) and segment movement."""

from __future__ import annotations

import altair as alt
import pandas as pd

from segmentation.outputs.chart_theme import NEGATIVE, NEUTRAL, POSITIVE, style
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
            axis=alt.Axis(orient="top", labelAngle=-25, labelLimit=160),
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
        "Where customers went",
        "Each cell: customers who were in the row's segment then and the column's now",
    )
