"""The movement flow chart: its nodes and ribbons reconcile with the transition counts and both dates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation.explain import movement
from segmentation.outputs import FLOW_GONE, FLOW_NEW, flow_frames, movement_flow
from segmentation.segments import Segmentation

NAMES = ("Champions", "Loyal", "At risk", "Lapsed")


@pytest.fixture(scope="module")
def moved():
    rng = np.random.default_rng(5)
    ids = pd.Index([f"c{i}" for i in range(600)], name="customer_id")
    then_codes = rng.choice(4, 600, p=[0.1, 0.3, 0.4, 0.2])
    now_codes = np.where(rng.random(600) < 0.7, then_codes, rng.integers(0, 4, 600))
    then = Segmentation.from_codes(then_codes[:520], ids[:520], NAMES, "t", {})  # 80 new by the later date
    now = Segmentation.from_codes(now_codes[40:], ids[40:], NAMES, "t", {})  # 40 gone by then
    revenue = pd.Series(rng.gamma(2.0, 30.0, 600), index=ids)
    return then, now, movement(then, now, revenue=revenue)


def test_nodes_hold_each_dates_segments_and_the_new_and_gone(moved):
    then, now, m = moved
    nodes, _ = flow_frames(m.transitions)
    left = nodes[nodes["side"] == "then"].set_index("name")["customers"]
    right = nodes[nodes["side"] == "now"].set_index("name")["customers"]
    assert left.drop(FLOW_NEW).to_dict() == {n: int(c) for n, c in zip(then.names, then.sizes(), strict=True)}
    assert right.drop(FLOW_GONE).to_dict() == {n: int(c) for n, c in zip(now.names, now.sizes(), strict=True)}
    assert left[FLOW_NEW] == m.counts()["new"] == 80 and right[FLOW_GONE] == m.counts()["lost"] == 40
    assert left.sum() == right.sum() == len(m.customers)  # every customer once on each side
    assert list(left.index) == [*then.names, FLOW_NEW] and list(right.index) == [*now.names, FLOW_GONE]


def test_ribbons_are_the_moves_with_customers_and_tile_their_nodes(moved):
    _, _, m = moved
    nodes, links = flow_frames(m.transitions)
    t = m.transitions[m.transitions["customers"] > 0]
    assert len(links) == len(t)
    assert links["customers"].sum() == t["customers"].sum()
    assert links["revenue"].sum() == pytest.approx(t["revenue"].sum())
    for side, column in (("then", "from_segment"), ("now", "to_segment")):
        for node in nodes[nodes["side"] == side].itertuples():
            mine = links[links[column] == node.name]
            widths = mine[f"y1_{side}"] - mine[f"y0_{side}"]
            assert mine[f"y0_{side}"].min() == pytest.approx(node.y0)
            assert mine[f"y1_{side}"].max() == pytest.approx(node.y1)
            # each ribbon as wide as its share of the node's customers
            assert np.allclose(widths / (node.y1 - node.y0), mine["customers"] / node.customers)
        ordered = nodes[nodes["side"] == side]
        assert (ordered["y0"].to_numpy()[1:] > ordered["y1"].to_numpy()[:-1]).all()  # no overlap


def test_the_chart_carries_every_move_with_its_counts_and_revenue(moved):
    _, _, m = moved
    spec = movement_flow(m.transitions).to_dict()
    frames = [pd.DataFrame(rows) for rows in spec["datasets"].values()]
    ribbons = next(f for f in frames if "link" in f.columns)
    per_link = ribbons.groupby(["from_segment", "to_segment"])[["customers", "revenue"]].first()
    t = m.transitions[m.transitions["customers"] > 0].copy()
    t = t.replace({"(new customer)": FLOW_NEW, "(no longer a customer)": FLOW_GONE})
    expected = t.set_index(["from_segment", "to_segment"])[["customers", "revenue"]].sort_index()
    pd.testing.assert_frame_equal(per_link.sort_index(), expected, check_dtype=False)
    boxes = next(f for f in frames if "label" in f.columns)
    assert f"{FLOW_NEW} · 80" in set(boxes["label"])


def test_a_segment_called_new_keeps_the_long_labels_apart():
    ids = pd.Index(["a", "b", "c"], name="customer_id")
    then = Segmentation.from_codes([0, 1], ids[:2], ("New", "Old"), "t", {})
    now = Segmentation.from_codes([0, 0], ids[1:], ("New", "Old"), "t", {})
    nodes, _ = flow_frames(movement(then, now).transitions)
    assert set(nodes.loc[nodes["side"] == "then", "name"]) == {"New", "Old", "(new customer)"}


def test_nothing_to_draw_is_said_plainly():
    empty = pd.DataFrame({"from_segment": ["A"], "to_segment": ["A"], "customers": [0], "revenue": [0.0]})
    with pytest.raises(ValueError, match="no moves"):
        movement_flow(empty)
