"""Segment movement: hand-made transitions, membership history, and counts that reconcile with both
segmentations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation.explain import LOST, NEW, membership_history, movement
from segmentation.segments import Segmentation


def _seg(assign: dict[str, str], names: tuple[str, ...] = ("X", "Y")) -> Segmentation:
    index = pd.Index(list(assign), name="customer_id")
    return Segmentation.from_codes([names.index(v) for v in assign.values()], index, names, "test", {})


def test_hand_made_transitions() -> None:
    then = _seg({"a": "X", "b": "X", "c": "Y", "d": "Y"})
    now = _seg({"a": "X", "b": "Y", "c": "Y", "e": "X"})
    revenue = pd.Series({"a": 10.0, "b": 5.0, "e": 7.0})
    m = movement(then, now, revenue=revenue, then_label="2024-01-01", now_label="2024-04-01")
    cells = {(r.from_segment, r.to_segment): (r.customers, r.revenue) for r in m.transitions.itertuples()}
    assert cells == {
        ("X", "X"): (1, 10.0), ("X", "Y"): (1, 5.0), ("X", LOST): (0, 0.0),
        ("Y", "X"): (0, 0.0), ("Y", "Y"): (1, 0.0), ("Y", LOST): (1, 0.0),
        (NEW, "X"): (1, 7.0), (NEW, "Y"): (0, 0.0),
    }  # fmt: skip
    rows = m.customers.set_index("customer_id")
    assert rows["status"].to_dict() == {"a": "stayed", "b": "moved", "c": "stayed", "d": "lost", "e": "new"}
    assert rows.loc["b", "previous_segment"] == "X" and rows.loc["b", "since"] == "2024-04-01"
    assert rows.loc["a", "since"] == "2024-01-01" and pd.isna(rows.loc["a", "previous_segment"])
    assert pd.isna(rows.loc["d", "segment_now"]) and pd.isna(rows.loc["e", "segment_then"])
    assert m.counts() == {"stayed": 2, "moved": 1, "new": 1, "lost": 1}
    assert m.matrix().loc["X", "Y"] == 1 and m.matrix("revenue").loc[NEW, "X"] == 7.0


def test_biggest_moves_in_plain_words() -> None:
    names = ("Champions", "At Risk", "Lost")
    then = _seg({f"c{i}": "Champions" for i in range(500)} | {f"r{i}": "At Risk" for i in range(30)}, names)
    now_map = {f"c{i}": "At Risk" if i < 412 else "Champions" for i in range(500)}
    now_map |= {f"r{i}": "Lost" for i in range(30)} | {f"n{i}": "Champions" for i in range(3)}
    m = movement(then, _seg(now_map, names))
    lines = m.biggest_moves()
    assert lines[0] == "412 Champions became At Risk"
    assert lines[1] == "30 At Risk became Lost"
    assert "88 of 530 customers present at both moments (17%) kept their segment" in lines
    assert lines[-1] == "3 new customers, most of them in Champions (3)"


def test_membership_history_over_several_moments() -> None:
    moments = [
        ("m1", _seg({"a": "X", "b": "Y", "c": "X"})),
        ("m2", _seg({"a": "X", "b": "X", "c": "Y"})),
        ("m3", _seg({"a": "X", "b": "X", "d": "Y"})),
    ]
    h = membership_history(moments).fillna("-")
    assert h.loc["a"].tolist() == ["X", "m1", "-"]
    assert h.loc["b"].tolist() == ["X", "m2", "Y"]
    assert h.loc["c"].tolist() == ["Y", "m2", "X"]  # last seen at m2
    assert h.loc["d"].tolist() == ["Y", "m3", "-"]


def test_counts_reconcile_with_both_segmentations() -> None:
    rng = np.random.default_rng(7)
    names = ("A", "B", "C", "D")
    ids = np.array([f"k{i}" for i in range(5000)])
    then_ids, now_ids = ids[rng.random(5000) < 0.9], ids[rng.random(5000) < 0.95]
    then = _seg(dict(zip(then_ids, rng.choice(names, len(then_ids)), strict=True)), names)
    now = _seg(dict(zip(now_ids, rng.choice(names, len(now_ids)), strict=True)), names)
    m = movement(then, now, revenue=pd.Series(1.0, index=ids))
    t = m.transitions
    from_sizes = t[t["from_segment"] != NEW].groupby("from_segment")["customers"].sum()
    to_sizes = t[t["to_segment"] != LOST].groupby("to_segment")["customers"].sum()
    assert from_sizes.reindex(list(names)).tolist() == then.sizes().tolist()
    assert to_sizes.reindex(list(names)).tolist() == now.sizes().tolist()
    union = set(then_ids) | set(now_ids)
    assert len(m.customers) == len(union) == t["customers"].sum() == m.customers["customer_id"].nunique()
    assert t["revenue"].sum() == pytest.approx(len(union))
    both = len(set(then_ids) & set(now_ids))
    counts = m.counts()
    assert counts["stayed"] + counts["moved"] == both
    assert counts["new"] == len(set(now_ids) - set(then_ids))
    assert counts["lost"] == len(set(then_ids) - set(now_ids))


def test_customers_who_joined_between_the_dates_are_new(tmp_path) -> None:
    # With a customer list, a customer who signed up (and first bought) after the earlier date was not a
    # customer then: new at the later date, not a prospect who moved.
    from segmentation import recipe
    from segmentation.dataset import SourceFile, load_dataset
    from segmentation.samples import write

    paths = write(tmp_path, n_customers=1_500, seed=3)
    dataset = load_dataset([SourceFile(p.name, p) for p in (paths["orders"], paths["customers"])])
    start, end = "2025-09-01", str(dataset.table.reference_date.date())
    first, second, moved = recipe.compare_dates(recipe.Recipe("lifecycle"), dataset, start, end)
    # Oracle from the raw files: before the earlier date, who had ordered or signed up.
    customers = pd.read_csv(paths["customers"], dtype=str)
    orders = pd.read_csv(paths["orders"], dtype=str)
    bought = set(orders.loc[pd.to_datetime(orders["Order date"]) < pd.Timestamp(start), "Customer ID"])
    signed = set(customers.loc[pd.to_datetime(customers["Signup date"]) < pd.Timestamp(start), "Customer ID"])
    known = bought | signed
    assert set(first.segmentation.labels.index) == known
    assert len(second.segmentation.labels) == len(customers)
    counts = moved.counts()
    assert counts["new"] == len(customers) - len(known) > 0
    assert counts["lost"] == 0  # within one order history nobody leaves
    new = moved.customers.loc[moved.customers["status"] == "new", "customer_id"]
    assert not set(new) & known
