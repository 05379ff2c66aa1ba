"""A self-contained HTML report for clients: segment overview, charts as inline SVG, one section per segment.

The page has no scripts and no external resources, so it opens offline, prints well and can be sent
as an e-mail attachment. All user text (segment names are editable) is escaped.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from segmentation.catalog import CustomerTable
from segmentation.explain import (
    SegmentProfile,
    heatmap_features,
    heatmap_frame,
    profile_segments,
    profiles_frame,
)
from segmentation.outputs.chart_theme import SEGMENT_PALETTE
from segmentation.outputs.global_control import GlobalControl, GlobalControlSize, global_control_size
from segmentation.outputs.measurement import Measurement
from segmentation.outputs.measurement_report import global_control_section, measurement_section
from segmentation.outputs.segment_charts import heatmap_chart, priority_chart, segment_sizes, sizes_chart
from segmentation.segments import Segmentation

__all__ = ["chart_svg", "report_html", "segmentation_report"]

_CSS = """
*{box-sizing:border-box}
body{margin:0;background:#F5F7FA;color:#1F2937;font:15px/1.55 Inter,'Segoe UI',Helvetica,Arial,sans-serif}
main{max-width:1040px;margin:0 auto;padding:32px 24px 48px}
header{border-bottom:3px solid #4E79A7;padding-bottom:16px;margin-bottom:24px}
h1{font-size:30px;margin:0 0 4px} h2{font-size:21px;margin:36px 0 12px} h3{font-size:18px;margin:0}
.muted{color:#6B7280}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{background:#fff;border:1px solid #E5E7EB;border-radius:10px;padding:12px 16px;min-width:170px}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #E5E7EB;border-radius:10px}
th,td{padding:8px 12px;text-align:left;border-bottom:1px solid #EEF0F3}
th{background:#F9FAFB;font-weight:600;font-size:13px;color:#4B5563}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num,td.nowrap{white-space:nowrap}
.swatch{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:8px;vertical-align:-1px}
figure{background:#fff;border:1px solid #E5E7EB;border-radius:10px;margin:0 0 20px;padding:16px;overflow-x:auto}
figure svg{max-width:100%;height:auto}
figcaption{font-weight:600;margin-bottom:8px}
section.segment{background:#fff;border:1px solid #E5E7EB;border-left:6px solid var(--c);border-radius:10px;
  padding:16px 20px;margin:0 0 16px;page-break-inside:avoid}
.facts{display:flex;flex-wrap:wrap;gap:18px;margin:6px 0 10px;color:#4B5563}
.badge{display:inline-block;border-radius:999px;padding:1px 10px;font-size:12px;font-weight:600;
  background:#EEF2FF;color:#3730A3;margin-left:8px;vertical-align:2px}
ul{margin:6px 0 0;padding-left:20px}
footer{margin-top:40px;font-size:13px;color:#6B7280}
@media print{body{background:#fff} figure,section.segment{border-color:#ccc}}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def chart_svg(chart: alt.TopLevelMixin | Mapping[str, Any]) -> str:
    """An Altair chart (or Vega-Lite dict) as inline SVG without namespace URLs or external links."""
    import vl_convert as vlc  # lazy: only the report needs the renderer

    spec = chart.to_dict() if hasattr(chart, "to_dict") else dict(chart)
    svg = vlc.vegalite_to_svg(spec)
    # Inline SVG in HTML needs no namespace declarations; dropping them keeps the page free of URLs.
    svg = re.sub(r'\s+xmlns(?::\w+)?="[^"]*"', "", svg)
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    return svg.replace("xlink:href", "href")


def _lines(value: object) -> list[str]:
    """Actions and traits may come as a list, a newline/semicolon-separated text or nothing."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    if isinstance(value, str):
        return [p.strip(" -•") for p in re.split(r"\n|;", value) if p.strip(" -•")]
    if isinstance(value, Iterable):
        # profiling's Trait objects (or their dicts) carry a ready sentence in ``text``
        texts = [v.get("text", v) if isinstance(v, Mapping) else getattr(v, "text", v) for v in value]
        return [str(t) for t in texts if str(t).strip()]
    return [str(value)]


def _as_frame(profiles: pd.DataFrame | Sequence[Any] | None) -> pd.DataFrame:
    """Profiles as a DataFrame; accepts ``profiles_frame`` output or a list of SegmentProfile objects."""
    if profiles is None:
        return pd.DataFrame()
    if isinstance(profiles, pd.DataFrame):
        return profiles
    rows = [
        dataclasses.asdict(p) if dataclasses.is_dataclass(p) and not isinstance(p, type) else dict(vars(p))
        for p in profiles
    ]
    return pd.DataFrame(rows)


def _pct(value: object) -> str:
    try:
        return f"{float(value):.1%}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "–"


def _int(value: object) -> str:
    try:
        return f"{int(value):,}"  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return "–"


def _overview(sizes: pd.DataFrame, colours: dict[str, str]) -> str:
    has_rev = "revenue_share" in sizes.columns
    head = '<tr><th>Segment</th><th class="num">Customers</th><th class="num">Share of customers</th>'
    head += '<th class="num">Share of revenue</th></tr>' if has_rev else "</tr>"
    total = max(int(pd.to_numeric(sizes["customers"], errors="coerce").fillna(0).sum()), 1)
    rows = []
    for _, r in sizes.iterrows():
        name = str(r["segment"])
        share = r["share"] if "share" in sizes.columns else float(r["customers"]) / total
        cells = [
            f'<td><span class="swatch" style="background:{colours.get(name, "#999")}"></span>{_e(name)}</td>',
            f'<td class="num">{_int(r["customers"])}</td>',
            f'<td class="num">{_pct(share)}</td>',
        ]
        if has_rev:
            cells.append(f'<td class="num">{_pct(r["revenue_share"])}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _segment_section(p: Mapping[str, Any], colour: str) -> str:
    name = p.get("name", p.get("segment", ""))
    size = p.get("size", p.get("customers"))
    facts = []
    if size is not None:
        facts.append(f"<span><b>{_int(size)}</b> customers</span>")
    if p.get("share") is not None:
        facts.append(f"<span><b>{_pct(p['share'])}</b> of customers</span>")
    measure = p.get("measure", "revenue")
    share = p.get("value_share", p.get("revenue_share"))
    if share is not None and pd.notna(share):
        facts.append(f"<span><b>{_pct(share)}</b> of {_e(measure)}</span>")
    prio = p.get("priority")
    # profiling scores priority 0-100; rule-based or hand-made profiles may say "High"
    label = f"Priority score {int(prio)}/100" if isinstance(prio, int | float) else f"Priority: {_e(prio)}"
    badge = f'<span class="badge">{label}</span>' if prio not in (None, "") else ""
    parts = [f'<section class="segment" style="--c:{colour}"><h3>{_e(name)}{badge}</h3>']
    parts.append(f'<div class="facts">{"".join(facts)}</div>')
    if p.get("why"):
        parts.append(f"<p class='muted'>{_e(p['why'])}</p>")
    if p.get("description"):
        parts.append(f"<p>{_e(p['description'])}</p>")
    traits = _lines(p.get("traits", p.get("stands_out_for")))
    if traits:
        parts.append(
            "<p><b>What stands out</b></p><ul>" + "".join(f"<li>{_e(t)}</li>" for t in traits) + "</ul>"
        )
    actions = _lines(p.get("actions"))
    if actions:
        parts.append(
            "<p><b>Recommended actions</b></p><ul>" + "".join(f"<li>{_e(a)}</li>" for a in actions) + "</ul>"
        )
    parts.append("</section>")
    return "".join(parts)


def report_html(
    title: str,
    sizes_df: pd.DataFrame,
    profiles_df: pd.DataFrame | Sequence[Any] | None = None,
    charts: Mapping[str, alt.TopLevelMixin | Mapping[str, Any]] | None = None,
    notes: str | Sequence[str] = (),
    *,
    generated: date | None = None,
    measurement: Measurement | None = None,
    global_control: GlobalControlSize | None = None,
) -> str:
    """A self-contained HTML report: overview, charts (inline SVG), one section per segment, a
    measured campaign's results and the global control group, when there are.

    Parameters
    ----------
    title : str
        Page heading (escaped).
    sizes_df : pandas.DataFrame
        ``segment``, ``customers`` and optionally ``share`` and ``revenue_share`` (0..1), in segment
        order (see :func:`segmentation.outputs.segment_charts.segment_sizes`).
    profiles_df : DataFrame or list of SegmentProfile, optional
        Per-segment ``name`` (or ``segment``), ``size``, ``share``, ``revenue_share``, ``description``,
        ``traits``, ``actions`` (list or newline/semicolon-separated text) and ``priority``; the
        column names of ``profiling.profiles_frame`` (``segment``, ``customers``, ``stands_out_for``,
        ``why``) work too. When omitted, the sections show sizes only.
    charts : mapping of caption -> chart, optional
        Altair charts (or Vega-Lite dicts), rendered to SVG with vl-convert.
    notes : str or sequence of str
        Method notes and caveats shown at the end.
    generated : datetime.date, optional
        Date printed on the report (today by default).
    measurement : Measurement, optional
        A measured campaign: its verdicts, figures per segment and arm, and lift charts.
    global_control : GlobalControlSize, optional
        The customers kept out of every campaign: share, seed, size, what it can measure and, when
        ``measurement`` was measured against it, its effect.

    Returns
    -------
    str
        The complete HTML document: no scripts, no external URLs.
    """
    names = [str(s) for s in sizes_df["segment"]]
    colours = {n: SEGMENT_PALETTE[i % len(SEGMENT_PALETTE)] for i, n in enumerate(names)}
    profiles = _as_frame(profiles_df)
    if profiles.empty:
        profiles = sizes_df.rename(columns={"segment": "name", "customers": "size"})
    name_col = "name" if "name" in profiles.columns else "segment"

    total = int(pd.to_numeric(sizes_df["customers"], errors="coerce").fillna(0).sum())
    when = (generated or date.today()).isoformat()
    out = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>",
        f"<header><h1>{_e(title)}</h1><div class='muted'>Customer segmentation report · {when}</div></header>",
        "<div class='cards'>",
        f"<div class='card'><b>{total:,}</b>customers</div>",
        f"<div class='card'><b>{len(names)}</b>segments</div>",
    ]
    if len(sizes_df):
        biggest = sizes_df["segment"].iloc[int(np.argmax(pd.to_numeric(sizes_df["customers"]).to_numpy()))]
        out.append(f"<div class='card'><b>{_e(biggest)}</b>largest segment</div>")
    out += ["</div>", "<h2>Segments at a glance</h2>", _overview(sizes_df, colours)]

    if charts:
        out.append("<h2>Charts</h2>")
        for caption, chart in charts.items():
            try:
                body = chart_svg(chart)
            except Exception:  # a broken chart must not cost the client the whole report
                body = "<p class='muted'>This chart could not be drawn.</p>"
            out.append(f"<figure><figcaption>{_e(caption)}</figcaption>{body}</figure>")

    out.append("<h2>The segments</h2>")
    for _, row in profiles.iterrows():
        rec = {str(k): (None if _missing(v) else v) for k, v in row.items()}
        out.append(_segment_section(rec, colours.get(str(rec.get(name_col)), "#9CA3AF")))

    if measurement is not None:
        out.append(measurement_section(measurement, chart_svg))
    if global_control is not None and global_control.control.active:
        out.append(global_control_section(global_control, measurement))
    note_list = [notes] if isinstance(notes, str) else list(notes)
    if note_list:
        out.append("<h2>Notes</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in note_list) + "</ul>")
    out.append("<footer>Made with Segmentation Studio.</footer></main></body></html>")
    return "\n".join(out)


def _missing(value: object) -> bool:
    if isinstance(value, list | tuple | dict):
        return False
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def segmentation_report(
    table: CustomerTable,
    segmentation: Segmentation,
    title: str,
    *,
    method: str,
    criteria: Sequence[str],
    notes: Sequence[str] = (),
    profiles: Sequence[SegmentProfile] | None = None,
    heat: pd.DataFrame | None = None,
    generated: date | None = None,
    measurement: Measurement | None = None,
    global_control: GlobalControl | None = None,
) -> str:
    """The client report of one segmentation: sizes, where to focus, the heat map, a section per segment,
    the measured campaign and the global control group, if any.

    Parameters
    ----------
    table : CustomerTable
        The customer table the segmentation was made on (its notes go into the report).
    segmentation : Segmentation
        The segments to report.
    title : str
        The segmentation's title; the report is headed "Customer segments: <title>".
    method, criteria : str, sequence of str
        The method and the criteria families, named in the notes.
    notes : sequence of str
        Further notes (for example on the files the data came from), after the table's own.
    profiles : sequence of SegmentProfile, optional
        The segments' profiles when already computed (:func:`segmentation.explain.profile_segments`).
    heat : pandas.DataFrame, optional
        The heat map's frame when already computed (:func:`segmentation.explain.heatmap_frame` over
        :func:`segmentation.explain.heatmap_features`).
    generated : datetime.date, optional
        Date printed on the report (today by default).
    measurement : Measurement, optional
        A campaign measured on the Measure page (see :func:`report_html`).
    global_control : GlobalControl, optional
        The global control of the exports; its members are counted among the segmentation's customers.

    Returns
    -------
    str
        The complete HTML document (see :func:`report_html`).
    """
    profiles = list(profiles) if profiles is not None else profile_segments(table, segmentation)
    if heat is None:
        heat = heatmap_frame(table, segmentation, heatmap_features(table))
    sizes = segment_sizes(segmentation, table.frame.get("monetary"))
    figures = {
        "Segment sizes": sizes_chart(sizes),
        "Where to focus": priority_chart(profiles_frame(profiles)),
        "All segments side by side": heatmap_chart(heat),
    }
    all_notes = [*table.notes, *notes, f"Method: {method}; criteria: {', '.join(criteria)}."]
    return report_html(
        f"Customer segments: {title}",
        sizes,
        profiles,
        figures,
        all_notes,
        generated=generated,
        measurement=measurement,
        global_control=global_control_size(segmentation, global_control, table.frame)
        if global_control is not None and global_control.active
        else None,
    )
