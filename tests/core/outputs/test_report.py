"""The HTML report is self-contained: every segment named (escaped), charts as SVG, no external URLs."""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pytest

from segmentation.catalog import CustomerTable, Feature
from segmentation.explain import heatmap_frame, profile_segments
from segmentation.outputs import (
    GLOBAL_CONTROL,
    GlobalControl,
    buying_rate,
    chart_svg,
    global_control_list,
    global_control_mask,
    measure,
    newcombe_interval,
    priority_chart,
    report_html,
    segment_sizes,
    segmentation_report,
    size_messages,
    sizes_chart,
)
from segmentation.segments import Segmentation

NAMES = ("Champions", 'Loyal & "true"', "<script>alert(1)</script>", "新客户")


@pytest.fixture(scope="module")
def parts() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(0)
    ids = [f"C{i}" for i in range(200)]
    seg = Segmentation(pd.Series(rng.integers(0, 4, 200), index=ids), NAMES, "test")
    sizes = segment_sizes(seg, pd.Series(rng.gamma(2.0, 40.0, 200), index=ids))
    profiles = pd.DataFrame(
        {
            "name": list(NAMES),
            "size": sizes["customers"],
            "share": sizes["share"],
            "revenue": sizes["revenue"],
            "revenue_share": sizes["revenue_share"],
            "description": ["Buy often <b>and</b> spend a lot"] * 4,
            "actions": [["Reward them", "Ask for a review"]] * 4,
            "traits": ["Orders: 2x average\nRevenue: 1.8x average"] * 4,
            "priority": ["High", "Medium", "Low", "High"],
        }
    )
    return sizes, profiles


@pytest.mark.slow
def test_report_names_every_segment_escaped_and_renders_svg(parts: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    sizes, profiles = parts
    charts = {"Segment sizes": sizes_chart(sizes), "Where to focus": priority_chart(profiles)}
    page = report_html("Spring <review>", sizes, profiles, charts, ["Seed 0", "k chosen by silhouette"])
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == 2
    assert "<script" not in page  # the hostile name is escaped everywhere, SVG text included
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Loyal &amp; &quot;true&quot;" in page and "新客户" in page and "Champions" in page
    assert "Spring &lt;review&gt;" in page
    assert "Reward them" in page and "Priority: High" in page
    assert "http" not in page.lower()
    assert not re.search(r"(src|href)\s*=", page)


def test_report_without_profiles_or_charts(parts: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    sizes, _ = parts
    page = report_html("Plain", sizes, None, None, "One note")
    for name in ("Champions", "新客户"):
        assert name in page
    assert "<svg" not in page and "One note" in page


def test_report_accepts_profile_objects(parts: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    @dataclass
    class SegmentProfile:
        code: int
        name: str
        size: int
        share: float
        revenue: float
        revenue_share: float
        traits: list[str]
        description: str
        actions: list[str]
        priority: str

    sizes, _ = parts
    profs = [
        SegmentProfile(i, n, 10, 0.25, 100.0, 0.25, ["Trait"], "Desc", ["Act now"], "High")
        for i, n in enumerate(NAMES)
    ]
    page = report_html("Objects", sizes, profs, {}, ())
    assert page.count('class="segment"') == len(NAMES) and "Act now" in page


def test_broken_chart_does_not_break_report(parts: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    sizes, _ = parts
    page = report_html("Broken", sizes, None, {"Oops": {"mark": "nonsense"}}, ())
    assert "could not be drawn" in page


def test_chart_svg_has_no_namespace_urls(parts: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    svg = chart_svg(sizes_chart(parts[0]))
    assert svg.lstrip().startswith("<svg") and "http" not in svg


@pytest.fixture(scope="module")
def segmented() -> tuple[CustomerTable, Segmentation]:
    rng = np.random.default_rng(1)
    ids = pd.Index([f"C{i}" for i in range(300)], name="customer_id")
    codes = rng.integers(0, 3, 300)
    frame = pd.DataFrame(
        {"monetary": rng.gamma(2.0, 40.0, 300) * (1 + codes), "frequency": rng.poisson(3, 300) + 1.0},
        index=ids,
    )
    catalog = (
        Feature("monetary", "value", "Total spend", unit="currency"),
        Feature("frequency", "behavioural", "Number of orders"),
    )
    table = CustomerTable(frame, catalog, notes=("Dates read day first.",))
    return table, Segmentation(pd.Series(codes, index=ids), ("Gold", "Silver <b>", "Bronze"), "value_tiers")


@pytest.mark.slow
def test_segmentation_report_assembles_sizes_profiles_figures_and_notes(
    segmented: tuple[CustomerTable, Segmentation],
) -> None:
    table, seg = segmented
    page = segmentation_report(
        table,
        seg,
        "Spring & summer",
        method="kmeans",
        criteria=["behavioural", "value"],
        notes=["From orders.csv"],
    )
    assert "<title>Customer segments: Spring &amp; summer</title>" in page
    assert page.count("<svg") == 3  # sizes, where to focus, the heat map
    for caption in ("Segment sizes", "Where to focus", "All segments side by side"):
        assert f"<figcaption>{caption}</figcaption>" in page
    assert page.count('class="segment"') == 3
    assert "Silver &lt;b&gt;" in page and "Silver <b>" not in page
    notes = page.split("<h2>Notes</h2>")[1]
    order = [
        notes.index(n)
        for n in ("Dates read day first.", "From orders.csv", "Method: kmeans; criteria: behavioural, value.")
    ]
    assert order == sorted(order)  # the table's notes, then the caller's, then the method
    # Sizes in the report are the segmentation's own.
    for name, n in seg.sizes().items():
        assert f"<b>{n:,}</b> customers" in page, name


def test_segmentation_report_uses_the_profiles_it_is_given(
    segmented: tuple[CustomerTable, Segmentation],
) -> None:
    table, seg = segmented
    profiles = [dataclasses.replace(p, description=f"Cached {p.code}") for p in profile_segments(table, seg)]
    heat = heatmap_frame(table, seg, ["monetary"])
    page = segmentation_report(
        table, seg, "T", method="value_tiers", criteria=["value"], profiles=profiles, heat=heat,
        generated=date(2026, 1, 2),
    )  # fmt: skip
    assert all(f"Cached {code}" in page for code in range(3))
    assert "2026-01-02" in page


def _campaign(arms: dict[str, tuple[int, int]], segment: str) -> pd.DataFrame:
    """Customers per arm (customers, converters); converters spend 12.5 each."""
    frames = [
        pd.DataFrame({"group": arm, "segment": segment, "converted": (np.arange(n) < x).astype(int)})
        for arm, (n, x) in arms.items()
    ]
    out = pd.concat(frames, ignore_index=True)
    return out.assign(revenue=out["converted"] * 12.5)


def _rows(page: str) -> list[list[str]]:
    section = page.split("<h2>Campaign results</h2>")[1]
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", section)]
    return [c for c in cells if c]  # headings have no <td>


@pytest.mark.slow
def test_report_carries_the_measured_campaign_figures_escaped(
    parts: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    from segmentation.outputs import measure

    hostile = 'E-mail "B" <i>'
    results = pd.concat(
        [
            _campaign({"holdout": (80, 48), hostile: (70, 56)}, "<b>Champions</b>"),
            _campaign({"holdout": (40, 4), hostile: (40, 6)}, "新客户"),
        ],
        ignore_index=True,
    )
    m = measure(
        results,
        group_column="group",
        control="holdout",
        outcomes=["converted", "revenue"],
        segment_column="segment",
    )
    page = report_html("Campaign", parts[0], None, None, (), measurement=m)
    assert "<i>" not in page and "<b>Champions</b>" not in page
    assert "E-mail &quot;B&quot; &lt;i&gt;" in page and "&lt;b&gt;Champions&lt;/b&gt;" in page
    for line in m.verdicts():  # the plain verdicts, escaped
        assert html.escape(line) in page
    rows = _rows(page)
    assert len(rows) == len(m.lifts)  # one row per segment, outcome and treated arm
    shown = pd.concat([m.lifts[m.lifts["outcome"] == o] for o in m.kinds])  # a table per outcome
    for cells, r in zip(rows, shown.itertuples(), strict=True):
        rate = r.kind == "rate"
        assert cells[:3] == [html.escape(r.segment), html.escape(r.arm), f"{r.n:,}"]
        assert cells[3] == (f"{r.mean:.1%}" if rate else f"{r.mean:,.2f}")
        assert cells[4].startswith(f"{r.control_mean:.1%}" if rate else f"{r.control_mean:,.2f}")
        assert f"of {r.n_control:,}" in cells[4]
        scale, unit = (100, " pts") if rate else (1, "")
        assert cells[5] == f"{scale * r.diff:+.{1 if rate else 2}f}{unit}"
        assert cells[6] == f"{scale * r.low:.{1 if rate else 2}f} to {scale * r.high:.{1 if rate else 2}f}"
        assert cells[7] == r.label_text
    # By hand: 56 of 70 converted against 48 of 80 (Newcombe 1998, table II: 0.0524 to 0.3339).
    champions = next(c for c in rows if c[0] == "&lt;b&gt;Champions&lt;/b&gt;" and c[3].endswith("%"))
    assert champions[3:7] == ["80.0%", "60.0% <span class='muted'>of 80</span>", "+20.0 pts", "5.2 to 33.4"]
    assert page.count("<svg") == 2  # one lift chart per outcome
    assert "http" not in page.lower()


def _kept_out_results(seg: Segmentation, control: GlobalControl, arm: str = "target") -> pd.DataFrame:
    """Everyone of ``seg`` with group 'global control' or ``arm``; a third of members bought, half of others."""
    ids = seg.labels.index.astype(str)
    member = global_control_mask(ids, control)
    rank = pd.Series(np.arange(len(ids))).groupby(member).cumcount().to_numpy()
    bought = np.where(member, rank % 3 == 0, rank % 2 == 0).astype(int)
    return pd.DataFrame(
        {"customer_id": ids, "group": np.where(member, GLOBAL_CONTROL, arm), "bought": bought}
    )


@pytest.mark.slow
def test_the_report_has_the_global_control_share_seed_size_and_measured_effect(
    segmented: tuple[CustomerTable, Segmentation],
) -> None:
    table, seg = segmented
    control = GlobalControl(0.2, 7)
    members = len(global_control_list(seg, control))
    hostile = "<i>marketed</i>"
    results = _kept_out_results(seg, control, hostile)
    m = measure(results, group_column="group", control=GLOBAL_CONTROL, outcomes=["bought"])
    common = {"method": "value_tiers", "criteria": ["value"], "profiles": profile_segments(table, seg)}
    page = segmentation_report(table, seg, "T", **common, measurement=m, global_control=control)
    section = page.split("<h2>Global control group</h2>")[1].split("<h2>")[0]
    assert "<b>20%</b>of all customers" in section and "<b>7</b>seed" in section
    assert f"<b>{members:,}</b>customers in it" in section and 40 < members < 80
    assert html.escape(size_messages(300, members, control, buying_rate(table.frame))[0]) in section
    # its effect by hand: a third of members bought, half of everyone else (Newcombe's interval)
    n_c = members
    x_c, x_t, n_t = (n_c + 2) // 3, (300 - n_c + 1) // 2, 300 - n_c
    diff, low, high = newcombe_interval(x_t, n_t, x_c, n_c)
    shown = f"{100 * diff:+.1f} pts, 95% interval {100 * low:.1f} to {100 * high:.1f}"
    assert (
        f"&lt;i&gt;marketed&lt;/i&gt;, bought: {x_t / n_t:.1%} against {x_c / n_c:.1%} in global control "
        f"({n_c:,} customers): {shown}; significant." in section
    )
    assert "<i>" not in page
    # not measured against it: said so; no global control: no section
    holdout = results.assign(group=np.where(results["group"] == GLOBAL_CONTROL, "holdout", "target"))
    other = measure(holdout, group_column="group", control="holdout", outcomes=["bought"])
    page = segmentation_report(table, seg, "T", **common, measurement=other, global_control=control)
    assert "Not measured yet" in page.split("<h2>Global control group</h2>")[1]
    for none in (None, GlobalControl(0.0, 7)):
        page = segmentation_report(table, seg, "T", **common, measurement=m, global_control=none)
        assert "Global control group" not in page
