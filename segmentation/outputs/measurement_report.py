"""The client report's campaign section: the verdicts, then per outcome a table of each segment's arms
against control (rates or means, the difference with its 95% interval, the label) and the lift chart.

Figures come from the :class:`~segmentation.outputs.measurement.Measurement` as the Measure page shows
them; every name and value from the results file is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import numpy as np

from segmentation.outputs.loop_charts import lift_chart
from segmentation.outputs.measurement import Measurement

__all__ = ["measurement_section", "shown_difference", "shown_value"]


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
    for r in rows.itertuples(index=False):
        diff, interval = shown_difference(kind, r.diff, r.low, r.high)
        cells = [
            _e(r.segment),
            _e(r.arm),
            f"{int(r.n):,}",
            shown_value(kind, r.mean),
            f"{shown_value(kind, r.control_mean)} <span class='muted'>of {int(r.n_control):,}</span>",
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


def measurement_section(m: Measurement, svg: Callable[[object], str] | None = None) -> str:
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
