"""Charts of the value backtest: predicted against actual by decile (calibration) and buyers reached
by targeting the top share of customers."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from segmentation.outputs.chart_theme import NEUTRAL, SEGMENT_PALETTE, require_columns, style

_WHAT = {"purchases": ("orders", ",.2f"), "spend": ("spend", ",.0f")}


def calibration_chart(calibration: pd.DataFrame, what: str = "purchases") -> alt.TopLevelMixin:
    """Mean predicted and actual ``what`` ("purchases" or "spend") per decile of predicted purchases:
    bars for what happened, dots for what was predicted. Deciles run from the lowest prediction to
    the highest."""
    predicted, actual = f"predicted_{what}", f"actual_{what}"
    require_columns(calibration, ["decile", predicted, actual], "calibration")
    noun, fmt = _WHAT[what]
    rows = calibration[["decile", predicted, actual]].rename(
        columns={predicted: "Predicted", actual: "Actual"}
    )
    long = rows.melt("decile", var_name="figure", value_name="value")
    colour = alt.Color(
        "figure:N",
        title=None,
        sort=["Predicted", "Actual"],
        scale=alt.Scale(domain=["Predicted", "Actual"], range=[SEGMENT_PALETTE[0], NEUTRAL]),
    )
    x = alt.X(
        "decile:O",
        title="Tenths of customers by predicted orders (10 = highest)",
        axis=alt.Axis(labelAngle=0),
    )
    y = alt.Y("value:Q", title=noun.capitalize())  # short: a long vertical title squeezes the plot
    tooltip = [alt.Tooltip("decile:O", title="Tenth"), alt.Tooltip("figure:N", title="Figure"),
               alt.Tooltip("value:Q", title=f"Average {noun}", format=fmt)]  # fmt: skip
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(x=x, xOffset=alt.XOffset("figure:N", sort=["Predicted", "Actual"]), y=y, color=colour,
                tooltip=tooltip)
        .properties(width="container", height=260)
    )  # fmt: skip
    return style(chart, f"Predicted and actual {noun}, by tenth of customers",
                 "Average per customer. Blue: predicted before the cut. Grey: what they did after it.")  # fmt: skip


def reach_chart(buyers_reached: tuple[float, ...], share: float) -> alt.TopLevelMixin:
    """Share of the period's buyers reached against the share of customers targeted, best first, with
    the diagonal of targeting at random and the chosen ``share`` marked."""
    grid = np.linspace(0, 1, len(buyers_reached))
    rows = pd.DataFrame({"targeted": grid, "reached": buyers_reached, "random": grid})
    x = alt.X(
        "targeted:Q", title="Customers targeted (highest chance of buying first)", axis=alt.Axis(format="%")
    )
    y = alt.Y("reached:Q", title="Buyers reached", axis=alt.Axis(format="%"))
    line = alt.Chart(rows).mark_line(color=SEGMENT_PALETTE[0], strokeWidth=3).encode(
        x=x, y=y, tooltip=[alt.Tooltip("targeted:Q", title="Targeted", format=".0%"),
                           alt.Tooltip("reached:Q", title="Buyers reached", format=".0%")]
    )  # fmt: skip
    chance = alt.Chart(rows).mark_line(color=NEUTRAL, strokeDash=[4, 4]).encode(x="targeted:Q", y="random:Q")
    mark = (
        alt.Chart(pd.DataFrame({"targeted": [share]}))
        .mark_rule(color=SEGMENT_PALETTE[1])
        .encode(x="targeted:Q")
    )
    return style((chance + line + mark).properties(width="container", height=260), "Buyers reached by targeting",
                 "Blue: ranked by our prediction. Dashed: picked at random. Orange: your target.")  # fmt: skip
