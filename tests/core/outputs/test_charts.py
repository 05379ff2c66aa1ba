"""Charts build, serialise to Vega-Lite with the expected encodings, and share one segment palette."""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest

from segmentation.outputs import (
    MAX_ROWS,
    SEGMENT_PALETTE,
    brushed_ids,
    geo_chart,
    heatmap_chart,
    kscan_chart,
    map_chart,
    priority_chart,
    segment_sizes,
    sizes_chart,
    traits_chart,
)
from segmentation.segments import Segmentation

NAMES = ("Champions", "Loyal", "新客户", "At risk")


@pytest.fixture(scope="module")
def seg() -> Segmentation:
    rng = np.random.default_rng(0)
    ids = [f"C{i}" for i in range(400)]
    return Segmentation(pd.Series(rng.integers(0, 4, 400), index=ids), NAMES, "test")


def _find(spec: Any, key: str) -> list[Any]:
    """Every value stored under ``key`` anywhere in a nested spec."""
    found: list[Any] = []
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k == key:
                found.append(v)
            found += _find(v, key)
    elif isinstance(spec, list):
        for v in spec:
            found += _find(v, key)
    return found


def _fields(spec: dict[str, Any]) -> set[str]:
    return {f for f in _find(spec, "field") if isinstance(f, str)}


def _datasets(spec: dict[str, Any]) -> list[list[dict[str, Any]]]:
    return list(spec.get("datasets", {}).values())


def test_segment_sizes_reconcile(seg: Segmentation) -> None:
    revenue = pd.Series(1.0, index=seg.labels.index)
    sizes = segment_sizes(seg, revenue)
    assert sizes["segment"].tolist() == list(NAMES)
    assert sizes["customers"].sum() == len(seg.labels)
    assert sizes["revenue_share"].sum() == pytest.approx(1.0)
    np.testing.assert_allclose(sizes["revenue_share"], sizes["share"])


def test_sizes_chart_uses_shared_palette(seg: Segmentation) -> None:
    spec = sizes_chart(segment_sizes(seg, pd.Series(2.0, index=seg.labels.index))).to_dict()
    assert {"segment", "customers", "revenue_share"} <= _fields(spec)
    scales = [s for s in _find(spec, "scale") if isinstance(s, dict) and "domain" in s and "range" in s]
    assert any(s["domain"] == list(NAMES) and s["range"] == list(SEGMENT_PALETTE[:4]) for s in scales)
    assert "Segment sizes" in json.dumps(spec, ensure_ascii=False)


def test_kscan_marks_recommended_k() -> None:
    scan = pd.DataFrame(
        {"k": [2, 3, 4, 5], "silhouette": [0.3, 0.4, 0.35, 0.2], "stability": [0.9, 0.8, 0.7, 0.6]}
    )
    spec = kscan_chart(scan, recommended_k=3).to_dict()
    assert {"k", "score", "metric"} <= _fields(spec)
    assert "Recommended: 3" in json.dumps(spec)
    with pytest.raises(ValueError, match="silhouette or stability"):
        kscan_chart(scan[["k"]])


def test_traits_chart_diverges_and_keeps_top_features() -> None:
    traits = pd.DataFrame({"label": [f"Feature {i}" for i in range(20)], "lift": np.linspace(0.2, 3.0, 20)})
    spec = traits_chart(traits, "Champions", top=5).to_dict()
    rows = next(d for d in _datasets(spec) if d and "difference" in d[0])
    assert len(rows) == 5
    assert {r["direction"] for r in rows} == {"Above average", "Below average"}
    assert "What sets Champions apart" in json.dumps(spec)


def test_heatmap_centres_on_average() -> None:
    heat = pd.DataFrame(
        [
            (s, f, 100 + 20 * i - 10 * j)
            for i, s in enumerate(NAMES)
            for j, f in enumerate(["Orders", "Revenue"])
        ],
        columns=["segment", "feature", "index"],
    )
    spec = heatmap_chart(heat).to_dict()
    assert {"segment", "feature", "index"} <= _fields(spec)
    assert 100 in _find(spec, "domainMid")


def test_priority_chart_bubbles(seg: Segmentation) -> None:
    sizes = segment_sizes(seg, pd.Series(3.0, index=seg.labels.index))
    spec = priority_chart(sizes.rename(columns={"customers": "size"})).to_dict()
    assert {"size", "value_per_customer", "value", "segment"} <= _fields(spec)
    assert "circle" in json.dumps(_find(spec, "mark"))


def test_priority_chart_keeps_close_labels_a_line_apart() -> None:
    """Two segments of about the same size and value (the demo's 'Loyal bargain hunters' and 'Young
    mobile-first customers') had their names drawn over each other; a distant one stays by its bubble."""
    profiles = pd.DataFrame(
        {
            "segment": ["Loyal bargain hunters", "Young mobile-first customers", "In-store big spenders"],
            "customers": [3_300, 3_800, 2_100],
            "revenue": [3_300 * 900.0, 3_800 * 905.0, 2_100 * 5_000.0],
        }
    )
    spec = priority_chart(profiles).to_dict()
    y_scale = next(s for s in _find(spec, "scale") if s.get("type") == "sqrt")
    top = y_scale["domain"][1]
    rows = {r["segment"]: r for r in _datasets(spec)[0]}

    def pixels(value: float) -> float:  # from the top of a plot 190 px high, as Vega draws a sqrt scale
        return 190 * (1 - np.sqrt(value / top))

    loyal, young = rows["Loyal bargain hunters"], rows["Young mobile-first customers"]
    assert abs(pixels(loyal["label_at"]) - pixels(young["label_at"])) >= 14 - 1e-9
    big = rows["In-store big spenders"]
    assert big["label_at"] == pytest.approx(big["value_per_customer"])
    assert top >= big["value_per_customer"]


def test_map_chart_has_brush_and_small_payload(seg: Segmentation) -> None:
    rng = np.random.default_rng(1)
    points = pd.DataFrame(
        {
            "customer_id": seg.labels.index,
            "x": rng.normal(size=400),
            "y": rng.normal(size=400),
            "segment": seg.named.to_numpy(),
            "monetary": rng.random(400),
            "secret_unused": "do not ship",
        }
    )
    spec = map_chart(points, tooltip=["monetary"]).to_dict()
    params = _find(spec, "params")[0]
    brush = next(p for p in params if p["name"] == "brush")
    assert brush["select"]["type"] == "interval"
    rows = _datasets(spec)[0]
    assert set(rows[0]) == {"customer_id", "x", "y", "segment", "monetary"}
    assert "customer_id" in _fields(spec)
    # the UI turns the brush rectangle Streamlit reports into customer ids
    ids = brushed_ids(points, {"brush": {"x": [0.0, 5.0], "y": [-5.0, 0.0]}})
    expected = points.loc[(points.x >= 0) & (points.y <= 0), "customer_id"].tolist()
    assert ids == expected
    assert brushed_ids(points, {}) == []
    assert "params" not in json.dumps(map_chart(points, brush=False).to_dict())


def test_geo_chart_is_offline_and_aggregated(seg: Segmentation) -> None:
    rng = np.random.default_rng(2)
    customers = pd.DataFrame(
        {
            "latitude": rng.choice([51.5, 53.48, 55.95], 400),
            "longitude": rng.choice([-0.12, -2.24, -3.19], 400),
            "segment": seg.named.to_numpy(),
        }
    )
    spec = geo_chart(customers).to_dict()
    rows = next(d for d in _datasets(spec) if d and "customers" in d[0])
    assert sum(r["customers"] for r in rows) == 400 and len(rows) <= 9
    assert "http" not in json.dumps(spec.get("datasets", {})) and '"url"' not in json.dumps(spec)
    world = geo_chart(customers.assign(longitude=rng.uniform(-120, 120, 400)), world=True).to_dict()
    assert {"sphere": True} in _find(world, "data") or _find(world, "sphere")
    assert _find(world, "graticule")


def test_missing_columns_are_explained() -> None:
    with pytest.raises(ValueError, match="needs the columns"):
        sizes_chart(pd.DataFrame({"segment": ["A"]}))


def test_charts_are_altair_top_level(seg: Segmentation) -> None:
    chart = sizes_chart(segment_sizes(seg))
    assert isinstance(chart, alt.TopLevelMixin)
    assert chart.to_dict()["config"]["font"].startswith("Inter")


def test_large_layouts_are_sampled_per_segment_and_seeded() -> None:
    rng = np.random.default_rng(3)
    n = 12_000
    points = pd.DataFrame(
        {
            "customer_id": [f"C{i}" for i in range(n)],
            "x": rng.normal(size=n),
            "y": rng.normal(size=n),
            "segment": rng.choice(["Big", "Small"], size=n, p=[0.98, 0.02]),
        }
    )
    spec = map_chart(points).to_dict()  # would raise MaxRowsError without sampling
    rows = _datasets(spec)[0]
    assert len(rows) <= MAX_ROWS
    assert {r["segment"] for r in rows} == {"Big", "Small"}
    assert rows == _datasets(map_chart(points).to_dict())[0]
    assert len(brushed_ids(points, {"x": [-10, 10], "y": [-10, 10]})) == n


def test_geo_chart_coarsens_to_stay_under_row_limit() -> None:
    rng = np.random.default_rng(4)
    n = 20_000
    customers = pd.DataFrame(
        {"latitude": rng.uniform(-50, 60, n), "longitude": rng.uniform(-120, 140, n), "segment": "All"}
    )
    rows = next(d for d in _datasets(geo_chart(customers).to_dict()) if d and "customers" in d[0])
    assert len(rows) <= MAX_ROWS and sum(r["customers"] for r in rows) == n


@pytest.mark.parametrize(
    ("per_customer", "measure"), [(5_000.0, "revenue"), (4.0, "orders"), (0.09, "orders")]
)
def test_priority_chart_ticks_read_as_plain_distinct_numbers(per_customer: float, measure: str) -> None:
    """Ticks at a tenth, a fifth and half of the top: 2.5 orders once read "3" beside a "3", and
    ",.3~g" wrote revenue as 5e+3."""
    import re

    from segmentation.outputs.report import chart_svg

    profiles = pd.DataFrame(
        {"segment": ["a", "b"], "customers": [100, 50], "measure": measure,
         "revenue": [100 * per_customer, 50 * per_customer / 3], "value": [100 * per_customer, 50 * per_customer / 3]}
    )  # fmt: skip
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", chart_svg(priority_chart(profiles)))
    title = texts.index(f"{measure.capitalize()} per customer")
    ticks = texts[texts.index("Customers in the segment") + 1 : title]
    assert len(ticks) == 5 and len(set(ticks)) == 5, ticks
    assert all(re.fullmatch(r"[0-9][0-9,]*(\.[0-9]+)?", t) for t in ticks), ticks
