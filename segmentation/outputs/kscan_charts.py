"""The number-of-segments chart: how separated and how stable the segments are for each k."""

from __future__ import annotations

import altair as alt
import pandas as pd

from segmentation.outputs.chart_theme import (
    require_columns,
    style,
)

__all__ = [
    "kscan_chart",
]


def kscan_chart(scan: pd.DataFrame, recommended_k: int | None = None) -> alt.TopLevelMixin:
    """Quality of each number of segments: separation (silhouette) and stability against k.

    ``scan`` has a ``k`` column and any of ``silhouette`` and ``stability`` (higher is better).
    The recommended k is marked with a dashed rule.
    """
    require_columns(scan, ["k"], "number-of-segments")
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
    return style(chart, "How many segments?", "Pick a number where both lines are high")
