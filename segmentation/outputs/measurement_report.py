"""The client report's measurement sections. The campaign: the verdicts, then per outcome a table of
each segment's arms against control (rates or means, the difference with its 95% interval, the label)
and the lift chart. The global control group: its share, seed and size, what it can measure and,
when a campaign was measured against it, the effect of all the marketing with its interval.

Figures come from the :class:`~segmentation.outputs.measurement.Measurement` as the Measure page shows
them; every name and value from the results file is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from segmentation.outputs.global_control import GLOBAL_CONTROL, GlobalControlSize
from segmentation.outputs.loop_charts import lift_chart
from segmentation.outputs.measurement import Measurement
from segmentation.outputs.verdict import OVERALL

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

__all__ = ["global_control_section", "measurement_section", "shown_difference", "shown_value"]


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def shown_value(kind: str, value: float) -> str:
    """A group's result as the report prints it: a rate as a percentage, an amount with two decimals."""
    if not np.isfinite(value):
        return "–"
    return f"{value:.1%}" if kind == "rate" else f"{value:,.2f}"


def shown_difference(kind: str, diff: float, low: float, high: float) -> tuple[str, str]:
    """The difference from control and its interval as printed: rates in points ('+2.4 pts', '1.1 to 3.7')."""
    if not np.isfinite(diff):
        return "–", "–"
    scale, fmt, unit = (100.0, ".1f", " pts") if kind == "rate" else (1.0, ",.2f", "")
    interval = (
        f"{format(scale * low, fmt)} to {format(scale * high, fmt)}"
        if np.isfinite(low) and np.isfinite(high)
        else "–"
    )
    return f"{format(scale * diff, '+' + fmt)}{unit}", interval


class _Lift(NamedTuple):
    """One row of a measurement's lifts with its types (pandas types a cell only as "any scalar")."""

    segment: str
    outcome: str
    kind: str
    arm: str
    n: int
    n_control: int
    mean: float
    control_mean: float
    diff: float
    low: float
    high: float
    label_text: str


def _lifts(rows: pd.DataFrame) -> list[_Lift]:
    """The rows of ``Measurement.lifts`` as :class:`_Lift`, each value converted once where read."""
    return [_lift(r) for r in rows.to_dict("records")]


def _lift(r: dict[Hashable, Any]) -> _Lift:
    return _Lift(
        str(r["segment"]), str(r["outcome"]), str(r["kind"]), str(r["arm"]), int(r["n"]), int(r["n_control"]),
        float(r["mean"]), float(r["control_mean"]), float(r["diff"]), float(r["low"]), float(r["high"]),
        str(r["label_text"]),
    )  # fmt: skip


def _table(m: Measurement, outcome: str) -> str:
    rows = m.lifts[m.lifts["outcome"] == outcome]
    kind = str(rows["kind"].iloc[0])
    what = "Rate" if kind == "rate" else "Per customer"
    head = (
        "<tr><th>Segment</th><th>Group</th><th class='num'>Customers</th>"
        f"<th class='num'>{what}</th><th class='num'>{_e(m.control)} (control)</th>"
        "<th class='num'>Difference</th><th class='num'>95% interval</th><th>Verdict</th></tr>"
    )
    body = []
    for r in _lifts(rows):
        diff, interval = shown_difference(kind, r.diff, r.low, r.high)
        cells = [
            _e(r.segment),
            _e(r.arm),
            f"{r.n:,}",
            shown_value(kind, r.mean),
            f"{shown_value(kind, r.control_mean)} <span class='muted'>of {r.n_control:,}</span>",
            diff,
            interval,
            _e(r.label_text),
        ]
        kinds = ("", "nowrap", "num", "num", "num", "num", "num", "")
        body.append(
            "<tr>"
            + "".join(
                f"<td class='{k}'>{c}</td>" if k else f"<td>{c}</td>"
                for k, c in zip(kinds, cells, strict=True)
            )
            + "</tr>"
        )
    return f"<table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"


def measurement_section(m: Measurement, svg: Callable[[alt.TopLevelMixin], str] | None = None) -> str:
    """The campaign section of the report (HTML); ``svg`` renders the lift charts (left out without it)."""
    parts = [
        "<h2>Campaign results</h2>",
        f"<p class='muted'>{_e(m.rows.summary())} Compared with the control group "
        f"<b>{_e(m.control)}</b>.</p>",
    ]
    if m.rows.messages():
        parts.append("<ul class='muted'>" + "".join(f"<li>{_e(t)}</li>" for t in m.rows.messages()) + "</ul>")
    parts.append("<ul class='verdicts'>" + "".join(f"<li>{_e(v)}</li>" for v in m.verdicts()) + "</ul>")
    for outcome in m.kinds:
        parts.append(f"<h3 style='margin:20px 0 8px'>{_e(outcome)}</h3>")
        parts.append(_table(m, outcome))
        if svg is not None:
            try:
                parts.append(
                    f"<figure style='margin-top:12px'>{svg(lift_chart(m, outcome).properties(width=640))}</figure>"
                )
            except Exception:  # a broken chart must not cost the client the section
                parts.append("<p class='muted'>The chart of this outcome could not be drawn.</p>")
    parts.append(
        "<p class='muted'>Rates: Newcombe's score interval for a difference of proportions; amounts: "
        f"Welch's interval for a difference of means. A segment is judged only with at least "
        f"{m.min_per_arm} customers in each group; 'promising' means the 80% interval excludes no effect "
        f"but the 95% one does not.{' ' + _e(' '.join(m.rows.notes)) if m.rows.notes else ''}</p>"
    )
    return "\n".join(parts)


def global_control_section(size: GlobalControlSize, m: Measurement | None = None) -> str:
    """The report's global control section (HTML); ``m`` gives its effect when measured against it."""
    control = size.control
    parts = [
        "<h2>Global control group</h2>",
        "<div class='cards'>",
        f"<div class='card'><b>{control.percent}</b>of all customers</div>",
        f"<div class='card'><b>{size.members:,}</b>customers in it</div>",
        f"<div class='card'><b>{control.seed}</b>seed</div>",
        "</div>",
        "<p>These customers get no campaign at all, month after month. Comparing them with everyone else "
        "shows what all the marketing together adds, which the holdout of a single campaign cannot. The "
        "same seed keeps the same customers out next month; new customers join at the same rate.</p>",
        "<ul>" + "".join(f"<li>{_e(t)}</li>" for t in size.messages()) + "</ul>",
    ]
    if m is not None and str(m.control).strip().lower() == GLOBAL_CONTROL:
        parts.append("<p><b>Measured</b> on the results file: everyone else against the global control.</p>")
        parts.append("<ul class='effects'>" + "".join(f"<li>{_e(t)}</li>" for t in effects(m)) + "</ul>")
    else:
        parts.append(
            "<p class='muted'>Not measured yet. Bring back the campaign groups file with what the customers "
            "did (Measure page) and choose the group 'global control' as the control group.</p>"
        )
    return "\n".join(parts)


def effects(m: Measurement) -> list[str]:
    """Per outcome and treated group, the whole campaign against control in one sentence with its
    interval: 'target: 30.0% against 20.0% in global control (1,000 customers): +10.0 pts, 95%
    interval 7.1 to 12.9; significant.'"""
    out = []
    overall = m.lifts[m.lifts["segment"] == OVERALL]
    for r in _lifts(overall):
        diff, interval = shown_difference(r.kind, r.diff, r.low, r.high)
        out.append(
            f"{r.arm}, {r.outcome}: {shown_value(r.kind, r.mean)} against {shown_value(r.kind, r.control_mean)} "
            f"in {m.control} ({r.n_control:,} customers): {diff}, {m.level:.0%} interval {interval}; "
            f"{r.label_text}."
        )
    return out
