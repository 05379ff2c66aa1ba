"""RFM with ties: one-time buyers score F=1, bands never split equal values, edges are kept and reused."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from segmentation.catalog import CustomerTable, Feature
from segmentation.features import build_customer_table
from segmentation.segmenters import (
    RFM11_NAMES,
    describe_edges,
    fit_rfm_edges,
    rfm_scores,
    rfm_segments,
    tie_aware_edges,
)


def _web_shop_orders(n_customers: int = 1000, one_time: float = 0.62, seed: int = 3) -> CustomerTable:
    """An order history in which ``one_time`` of the buyers ordered exactly once."""
    rng = np.random.default_rng(seed)
    n_once = round(one_time * n_customers)
    counts = np.concatenate([np.ones(n_once, int), 2 + rng.geometric(0.35, n_customers - n_once) - 1])
    rows = []
    start = pd.Timestamp("2024-01-01")
    for c, k in enumerate(counts):
        days = np.sort(rng.integers(0, 730, k))
        for j, d in enumerate(days):
            rows.append(
                (f"c{c:04d}", f"o{c:04d}-{j}", start + pd.Timedelta(days=int(d)), float(rng.gamma(2, 30)))
            )
    tx = pd.DataFrame(rows, columns=["customer_id", "order_id", "ts", "amount"]).assign(is_return=False)
    con = duckdb.connect()
    con.register("tx_df", tx)
    con.execute("CREATE TABLE tx AS SELECT * FROM tx_df")
    table = build_customer_table(con, "tx", None, has_time=False)
    assert (table.frame["frequency"] == 1).mean() == pytest.approx(one_time)
    return table


def test_one_time_buyers_all_score_f1_and_fill_new_promising_lost() -> None:
    table = _web_shop_orders()
    frame = table.frame
    scores = rfm_scores(table)
    once = frame["frequency"] == 1
    assert (scores.loc[once, "F"] == 1).all()
    assert (scores.loc[~once, "F"] > 1).all()  # the band of one-time buyers holds nobody else
    seg = rfm_segments(table, "rfm11")
    sizes = seg.sizes()
    for name in ("New", "Promising", "Lost"):
        assert sizes[name] > 0, name
    # New customers are recent one-time buyers; Lost ones bought long ago.
    new, lost = frame[seg.named == "New"], frame[seg.named == "Lost"]
    assert (new["frequency"] == 1).all()
    assert new["recency_days"].max() < lost["recency_days"].min()
    # Champions are never one-time buyers.
    assert (frame.loc[seg.named == "Champions", "frequency"] > 1).all()


def test_equal_values_share_a_band_and_bands_follow_the_values() -> None:
    table = _web_shop_orders(one_time=0.45, seed=5)
    scores, frame = rfm_scores(table), table.frame
    for col, key in (("frequency", "F"), ("monetary", "M"), ("recency_days", "R")):
        assert (scores.groupby(frame[col])[key].nunique() == 1).all(), key
    # higher frequency never scores lower; more days since the last order never scores higher
    order = frame["frequency"].argsort(kind="stable")
    assert np.all(np.diff(scores["F"].to_numpy()[order]) >= 0)
    order = frame["recency_days"].argsort(kind="stable")
    assert np.all(np.diff(scores["R"].to_numpy()[order]) <= 0)


@pytest.mark.parametrize(
    ("values", "bins", "expected"),
    [
        (list(range(1, 101)), 5, [20.0, 40.0, 60.0, 80.0]),  # no ties: plain quintiles
        ([1] * 62 + [2] * 20 + [3] * 10 + [4] * 5 + [9] * 3, 5, [1.0, 2.0, 3.0, 4.0]),
        ([1] * 90 + [2] * 10, 5, [1.0]),  # two values: two bands
        ([1] * 10 + [2] * 90, 5, [1.0]),  # the top value never swallows the lower one
        ([7] * 20, 5, []),  # one value: one band
    ],
)
def test_tie_aware_edges(values: list[int], bins: int, expected: list[float]) -> None:
    assert tie_aware_edges(values, bins) == expected


def test_edges_in_words() -> None:
    edges = {"R": [-300.0, -120.0, -60.0, -20.0], "F": [1.0, 2.0, 3.0, 5.0], "M": [25.0, 49.5]}
    words = describe_edges(edges)
    assert words["F"] == "F=1: 1 order; F=2: 2 orders; F=3: 3 orders; F=4: 4-5 orders; F=5: 6 orders or more"
    assert words["M"] == "M=1: up to 25; M=2: more than 25, up to 49.50; M=3: more than 49.50"
    assert words["R"].startswith("R=1: last order 300 days ago or more; R=2: last order 120-299 days ago")
    assert words["R"].endswith("R=5: last order 0-19 days ago")


def test_saved_edges_score_new_data_the_same_way() -> None:
    table = _web_shop_orders()
    seg = rfm_segments(table)
    edges = seg.params["edges"]
    assert edges == fit_rfm_edges(table)
    assert all(isinstance(x, float) for v in edges.values() for x in v)  # plain JSON numbers
    # New customers scored with the saved edges, not refitted on themselves.
    frame = pd.DataFrame({"recency_days": [1.0, 5.0], "frequency": [1.0, 1.0], "monetary": [10.0, 11.0]})
    frame.index = pd.Index(["n1", "n2"], name="customer_id")
    catalog = tuple(Feature(c, "behavioural", c) for c in frame.columns)
    fresh = CustomerTable(frame, catalog)
    again = rfm_segments(fresh, edges=edges)
    assert (again.scores["F"] == 1).all() and again.params["edges"] == edges
    assert set(again.named) <= set(RFM11_NAMES)
