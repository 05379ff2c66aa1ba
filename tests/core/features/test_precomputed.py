"""Customer lists with precomputed behaviour: the same features, segments and tiers as the order history."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from segmentation.features import build_customer_table
from segmentation.features.precomputed import short_names
from segmentation.samples import generate
from segmentation.segmenters import (
    CriteriaSpec,
    available_rule_sets,
    cluster_segmentation,
    lifecycle_stages,
    loyalty_tiers,
    rfm_segments,
    value_tiers,
)


@pytest.fixture(scope="module")
def store_lines() -> tuple[pd.DataFrame, pd.Series]:
    """The sample store's order lines in canonical form, and every customer id (prospects too)."""
    store = generate(3000, seed=5)
    o = store.orders
    lines = pd.DataFrame(
        {
            "customer_id": o["Customer ID"].astype(str),
            "order_id": o["Order ID"].astype(str),
            "ts": o["Order date"],
            "amount": o["Quantity"] * o["Unit price"],
            "quantity": o["Quantity"].astype(float),
            "is_return": o["Quantity"] < 0,
            "category": o["Category"].astype(str),
            "channel": o["Channel"].astype(str),
        }
    )
    return lines, store.customers["Customer ID"].astype(str)


def summary(lines: pd.DataFrame, ids: pd.Series, ref: pd.Timestamp) -> pd.DataFrame:
    """What a CRM would export per customer, computed from the order lines in plain pandas."""
    bought = lines[~lines["is_return"]]
    last = bought.groupby("customer_id")["ts"].max().dt.normalize()
    out = pd.DataFrame(index=pd.Index(ids, name="customer_id"))
    out["recency_days"] = (ref - last).dt.days.astype(float)
    out["frequency"] = bought.groupby("customer_id")["order_id"].nunique().astype(float)
    out["monetary"] = lines.groupby("customer_id")["amount"].sum()
    spend = bought.assign(s=bought["amount"].clip(lower=0)).pivot_table("s", "customer_id", "category", "sum")
    orders = bought.drop_duplicates("order_id").pivot_table("order_id", "customer_id", "channel", "count")
    out = out.join(spend.add_prefix("category_spend:")).join(orders.add_prefix("channel_orders:"))
    filled = ["frequency", "monetary", *(c for c in out if ":" in c)]
    out[filled] = out[filled].fillna(0.0)  # prospects: no orders, no spend, no recency
    return out.reset_index()


@pytest.fixture(scope="module")
def both(store_lines: tuple[pd.DataFrame, pd.Series]):
    lines, ids = store_lines
    con = duckdb.connect()
    con.register("tx", lines)
    from_orders = build_customer_table(con, "tx", pd.DataFrame({"customer_id": ids}))
    crm = summary(lines, ids, from_orders.reference_date)
    from_list = build_customer_table(duckdb.connect(), None, crm, reference_date=from_orders.reference_date)
    return from_orders, from_list, crm


def test_a_customer_list_gives_the_same_rfm_segments_and_tiers(both) -> None:
    from_orders, from_list, _ = both
    assert list(from_list.frame.index) == list(from_orders.frame.index)
    for grid in ("rfm11", "rfm6"):
        a, b = rfm_segments(from_orders, grid), rfm_segments(from_list, grid)  # type: ignore[arg-type]
        assert a.names == b.names and (a.labels == b.labels).all(), grid
        assert len(set(a.labels)) > 5  # a real spread of segments, not one big group
    assert (value_tiers(from_orders).labels == value_tiers(from_list).labels).all()
    assert (loyalty_tiers(from_orders).labels == loyalty_tiers(from_list).labels).all()
    for name in ("recency_days", "frequency", "monetary", "avg_order_value", "n_categories"):
        np.testing.assert_allclose(from_list.frame[name], from_orders.frame[name], rtol=1e-9, err_msg=name)


def test_category_spend_gives_the_order_history_shares_and_favourite(both) -> None:
    from_orders, from_list, _ = both
    shares = sorted(c for c in from_orders.frame if c.startswith("share_cat_"))
    assert shares == sorted(c for c in from_list.frame if c.startswith("share_cat_")) and len(shares) == 8
    np.testing.assert_allclose(from_list.frame[shares], from_orders.frame[shares], rtol=1e-9)
    a, b = from_orders.frame["favourite_category"], from_list.frame["favourite_category"]
    assert (a.astype(object).fillna("-") == b.astype(object).fillna("-")).all()


def test_channel_orders_give_order_shares_and_favourite_channel(both) -> None:
    _, from_list, crm = both
    counts = crm.set_index("customer_id").filter(like="channel_orders:")
    counts.columns = [c.split(":", 1)[1] for c in counts.columns]
    f = from_list.frame
    total = counts.sum(axis=1).where(lambda s: s > 0)
    for channel in counts:
        name = "share_ch_" + channel.lower().replace(" ", "_")
        np.testing.assert_allclose(f[name], counts[channel] / total, rtol=1e-12, err_msg=channel)
        assert from_list.feature(name).label == f"Share of orders via {channel}"
    # most orders, ties to the alphabetically first channel; prospects have none
    best = counts[sorted(counts.columns)].idxmax(axis=1).where(counts.max(axis=1) > 0)
    assert f["preferred_channel"].astype(object).fillna("-").to_dict() == best.fillna("-").to_dict()


def test_rule_sets_and_clustering_work_on_the_list_alone(both) -> None:
    _, from_list, _ = both
    assert {"rfm11", "rfm6", "lifecycle", "loyalty", "value"} <= set(available_rule_sets(from_list))
    seg, _ = cluster_segmentation(from_list, CriteriaSpec(("behavioural", "value", "channel")), "kmeans", 4)
    assert seg.sizes().sum() == len(from_list.frame)


def test_the_order_history_wins_and_says_so() -> None:
    con = duckdb.connect()
    con.register(
        "tx",
        pd.DataFrame(
            {
                "customer_id": ["a", "a", "b"],
                "order_id": ["1", "2", "3"],
                "ts": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-09"]),
                "amount": [10.0, 20.0, 5.0],
                "is_return": False,
                "category": ["Toys", "Books", "Toys"],
            }
        ),
    )
    crm = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "recency_days": [999.0, 999.0],
            "frequency": [50.0, 50.0],
            "category_spend:Wine": [1.0, 2.0],
            "channel_orders:Web": [3.0, 1.0],
        }
    )
    table = build_customer_table(con, "tx", crm)
    f = table.frame
    assert f.loc["a", "recency_days"] == 5 and f.loc["a", "frequency"] == 2 and f.loc["a", "monetary"] == 30
    assert "share_cat_wine" not in f and f.loc["a", "favourite_category"] == "Books"
    assert f.loc["a", "preferred_channel"] == "Web"  # the orders have no channel: the list's is used
    note = next(n for n in table.notes if n.startswith("Taken from the order history"))
    assert "days since last purchase" in note and "number of orders" in note and "spend per category" in note


def test_category_mix_with_pooling_and_ties_matches_a_plain_reference() -> None:
    rng = np.random.default_rng(4)
    n = 400
    cats = ["MntWines", "MntFruits", "MntMeatProducts", "MntGoldProds", "MntSweets"]
    spend = pd.DataFrame(rng.integers(0, 4, (n, len(cats))).astype(float), columns=cats)
    spend.iloc[::7, 1] = np.nan  # blanks count as no spend
    crm = pd.DataFrame({"customer_id": [f"c{i:03d}" for i in range(n)]}).join(
        spend.add_prefix("category_spend:")
    )
    table = build_customer_table(duckdb.connect(), None, crm, max_categories=2)
    f = table.frame.loc[crm["customer_id"]]
    short = dict(zip(cats, ["Wines", "Fruits", "Meat Products", "Gold Prods", "Sweets"], strict=True))
    named = spend.fillna(0).rename(columns=short).set_axis(crm["customer_id"])
    top = sorted(named.columns, key=lambda c: (-named[c].sum(), c))[:2]
    total = named.sum(axis=1).where(lambda s: s > 0)
    for c in top:
        np.testing.assert_allclose(f["share_cat_" + c.lower().replace(" ", "_")], named[c] / total)
    rest = [c for c in named if c not in top]
    np.testing.assert_allclose(f["share_cat_other"], named[rest].sum(axis=1) / total)
    best = named[sorted(named.columns)].idxmax(axis=1).where(named.max(axis=1) > 0)
    assert f["favourite_category"].astype(object).fillna("-").to_dict() == best.fillna("-").to_dict()
    np.testing.assert_array_equal(f["n_categories"], (named > 0).sum(axis=1))
    np.testing.assert_allclose(f["monetary"], named.sum(axis=1))  # no total given: the sum of the spend
    assert any("sum of the spend per category" in n for n in table.notes)


def test_short_names() -> None:
    assert short_names(["NumWebPurchases", "NumCatalogPurchases", "NumStorePurchases"]) == [
        "Web",
        "Catalog",
        "Store",
    ]
    assert short_names(["Wine", "Wool"]) == ["Wine", "Wool"]  # no shared word to drop
    assert short_names(["spend_home_garden", "spend_toys"]) == ["home garden", "toys"]
    assert short_names(["Fresh", "Frozen"]) == ["Fresh", "Frozen"] and short_names(["Gold"]) == ["Gold"]
    assert short_names(["AppOrders", "Orders"]) == ["App Orders", "Orders"]  # shortening would blank one


def test_birth_year_signup_and_campaign_response() -> None:
    ref = pd.Timestamp("2014-06-30")
    crm = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "birth_year": pd.array([1980, 1893, None, 1990], dtype="Int64"),
            "birth_date": pd.to_datetime([None, None, None, "1990-12-31"]),
            "signup_date": pd.to_datetime(["2014-06-20", "2012-01-01", "2013-06-30", "2014-01-01"]),
            "recency_days": [3.0, 300.0, 20.0, 5.0],
            "frequency": [1.0, 4.0, 6.0, 3.0],
            "monetary": [50.0, 200.0, 300.0, 80.0],
            "campaign_response": [1.0, 0.0, 0.0, 1.0],
        }
    )
    table = build_customer_table(duckdb.connect(), None, crm, reference_date=ref)
    f = table.frame
    assert f.loc["a", "age"] == 34  # the age reached in the reference year
    assert np.isnan(f.loc["b", "age"]) and np.isnan(f.loc["c", "age"])  # 121 is a mistyped year
    assert f.loc["d", "age"] == 23  # the full birth date wins: the 24th birthday is in December
    assert "birth_year" not in f and any("over 110" in n and "1 customer" in n for n in table.notes)
    assert f.loc["b", "tenure_days"] == (ref - pd.Timestamp("2012-01-01")).days
    assert table.feature("tenure_days").family == "lifecycle" and "days_since_signup" not in f
    assert (
        table.feature("campaign_response").family == "psychographic" and f["campaign_response"].dtype == float
    )
    assert f.loc["c", "avg_order_value"] == 50
    stages = lifecycle_stages(table).named
    # a: first became a customer 10 days ago; b: no purchase for 300 days; c: repeat buyer, recent
    assert stages["a"] == "New" and stages["b"] == "Lost" and stages["c"] == "Repeat"


def test_clustering_recovers_groups_planted_in_a_customer_list() -> None:
    rng = np.random.default_rng(8)
    n = 400
    group = rng.integers(0, 2, n)
    crm = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "recency_days": np.where(group == 0, rng.integers(1, 20, n), rng.integers(200, 400, n)).astype(
                float
            ),
            "frequency": np.where(group == 0, rng.integers(8, 15, n), rng.integers(1, 3, n)).astype(float),
            "category_spend:Wine": np.where(group == 0, rng.gamma(5, 100, n), rng.gamma(2, 10, n)),
            "category_spend:Fish": rng.gamma(2, 10, n),
        }
    )
    table = build_customer_table(duckdb.connect(), None, crm)
    seg, _ = cluster_segmentation(table, CriteriaSpec(("behavioural", "value")), "kmeans", 2)
    truth = pd.Series(group, index=crm["customer_id"]).reindex(table.frame.index)
    assert adjusted_rand_score(truth, seg.labels) > 0.9
