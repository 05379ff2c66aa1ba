"""Browsing and feedback features from an event log: planted answers and a pandas oracle on seeded logs."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from segmentation.features import build_customer_table
from segmentation.segmenters import available_criteria, cluster_segmentation, default_criteria

TYPES = ["view", "cart", "favourite", "purchase", "review", "rating", "other"]


def random_events(n: int = 6000, users: int = 300, seed: int = 3) -> pd.DataFrame:
    """A seeded event log: views dominate, few purchases, ratings on rating and review events only."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(TYPES, n, p=[0.6, 0.15, 0.07, 0.06, 0.04, 0.05, 0.03])
    rated = np.isin(kind, ["rating", "review"]) & (rng.random(n) < 0.8)
    return pd.DataFrame(
        {
            "customer_id": [f"u{i:03d}" for i in rng.integers(0, users, n)],
            "timestamp": pd.Timestamp("2024-03-01")
            + pd.to_timedelta(rng.integers(0, 90 * 24 * 60, n), unit="min"),
            "event_type": kind,
            # few categories and many events per user: favourite ties are common
            "category": np.where(rng.random(n) < 0.1, None, rng.choice(["Shoes", "Bags", "Hats"], n)),
            "product": [f"p{i}" for i in rng.integers(0, 50, n)],
            "price": rng.integers(5, 80, n).astype(float),
            "rating": np.where(rated, rng.integers(1, 6, n).astype(float), np.nan),
        }
    )


def oracle(events: pd.DataFrame, ref: pd.Timestamp) -> pd.DataFrame:
    """The documented definitions, computed in plain pandas."""
    counts = pd.crosstab(events["customer_id"], events["event_type"]).reindex(columns=TYPES, fill_value=0)
    out = pd.DataFrame(index=counts.index)
    out["views"], out["cart_adds"], out["favourites"] = counts["view"], counts["cart"], counts["favourite"]
    out["browsing_purchases"], out["reviews"] = counts["purchase"], counts["review"]
    views, carts, bought = counts["view"], counts["cart"], counts["purchase"]
    out["view_to_purchase"] = (bought / views.where(views > 0)).clip(upper=1)
    out["cart_abandonment"] = (1 - bought / carts.where(carts > 0)).clip(lower=0)
    last = events.groupby("customer_id")["timestamp"].max().dt.normalize()
    out["days_since_last_visit"] = (ref - last).dt.days.astype(float)
    rated = events[events["event_type"].isin(["rating", "review"]) & events["rating"].notna()]
    out["mean_rating"] = rated.groupby("customer_id")["rating"].mean()
    viewed = events[(events["event_type"] == "view") & events["category"].notna()]
    n = viewed.groupby(["customer_id", "category"]).size().rename("n").reset_index()
    best = n.sort_values(["customer_id", "n", "category"], ascending=[True, False, True])
    out["favourite_browsed_category"] = best.drop_duplicates("customer_id").set_index("customer_id")[
        "category"
    ]
    return out.astype({c: float for c in out.columns if c != "favourite_browsed_category"})


def planted() -> pd.DataFrame:
    """Customer 'a': 10 views, 2 carts, 1 purchase; 'b': a cart never bought; 'c': a purchase, no view."""
    rows = [("a", "2024-05-01 10:00", "view", "Shoes", None)] * 6
    rows += [("a", "2024-05-02 10:00", "view", "Bags", None)] * 4
    rows += [("a", "2024-05-03 10:00", "cart", "Shoes", None)] * 2
    rows += [
        ("a", "2024-05-04 10:00", "purchase", "Shoes", None),
        ("a", "2024-05-05 09:00", "rating", None, 4.0),
    ]
    rows += [("a", "2024-05-05 09:30", "review", None, 2.0), ("a", "2024-05-06 09:30", "view", "Hats", 5.0)]
    rows += [("b", "2024-05-08 12:00", "view", "Bags", None), ("b", "2024-05-08 12:05", "cart", "Bags", None)]
    rows += [("c", "2024-05-09 23:59", "purchase", None, None)]
    frame = pd.DataFrame(rows, columns=["customer_id", "timestamp", "event_type", "category", "rating"])
    return frame.assign(timestamp=pd.to_datetime(frame["timestamp"]))


def test_planted_customer_conversion_and_abandonment() -> None:
    con = duckdb.connect()
    con.register("ev", planted())
    table = build_customer_table(con, None, None, events="ev")
    f = table.frame
    assert list(f.index) == ["a", "b", "c"]  # events alone: the users are the customers
    assert table.reference_date == pd.Timestamp("2024-05-10")  # the day after the last event
    assert (
        f.loc["a", "views"] == 11 and f.loc["a", "cart_adds"] == 2 and f.loc["a", "browsing_purchases"] == 1
    )
    assert f.loc["a", "view_to_purchase"] == pytest.approx(1 / 11)
    assert f.loc["a", "cart_abandonment"] == 0.5
    assert f.loc["b", "cart_abandonment"] == 1 and f.loc["b", "view_to_purchase"] == 0
    # no views, no carts: the ratios are unknown, not 0 or 1
    assert np.isnan(f.loc["c", "view_to_purchase"]) and np.isnan(f.loc["c", "cart_abandonment"])
    # a rating on a view (e.g. the product's average shown on the page) is not the customer's rating
    assert f.loc["a", "mean_rating"] == 3 and f.loc["a", "reviews"] == 1
    assert (
        f.loc["a", "favourite_browsed_category"] == "Shoes"
        and f.loc["b", "favourite_browsed_category"] == "Bags"
    )
    assert pd.isna(f.loc["c", "favourite_browsed_category"])
    assert f.loc["a", "days_since_last_visit"] == 4 and f.loc["c", "days_since_last_visit"] == 1
    families = {feature.name: feature.family for feature in table.catalog}
    assert families["views"] == families["cart_abandonment"] == "behavioural"
    assert families["mean_rating"] == families["reviews"] == "feedback"
    assert families["favourite_browsed_category"] == "product_usage"


def test_ten_views_two_carts_one_purchase() -> None:
    rows = ["view"] * 10 + ["cart"] * 2 + ["purchase"]
    events = pd.DataFrame({"customer_id": "x", "timestamp": pd.Timestamp("2024-01-01"), "event_type": rows})
    con = duckdb.connect()
    con.register("ev", events)
    f = build_customer_table(con, None, None, events="ev").frame
    assert f.loc["x", "view_to_purchase"] == pytest.approx(0.1) and f.loc["x", "cart_abandonment"] == 0.5


@pytest.mark.parametrize("seed", [3, 11])
def test_features_match_a_pandas_oracle_on_a_seeded_log(seed: int) -> None:
    events = random_events(seed=seed)
    con = duckdb.connect()
    con.register("ev", events)
    table = build_customer_table(con, None, None, events="ev")
    expected = oracle(events, table.reference_date)
    f = table.frame
    assert list(f.index) == sorted(expected.index)
    numeric = [c for c in expected.columns if c != "favourite_browsed_category"]
    pd.testing.assert_frame_equal(f[numeric], expected.loc[f.index, numeric], check_names=False)
    favourite = f["favourite_browsed_category"].astype(object).where(f["favourite_browsed_category"].notna())
    assert favourite.to_dict() == expected.loc[f.index, "favourite_browsed_category"].to_dict()
    # a table from events alone supports criteria and clustering
    families = {info.family for info in available_criteria(table)}
    assert {"behavioural", "feedback", "product_usage"} <= families
    seg, _ = cluster_segmentation(table, default_criteria(table), "kmeans", 3)
    assert seg.sizes().sum() == len(f)


def test_joined_with_orders_and_customers() -> None:
    events = planted()
    orders = pd.DataFrame(
        {
            "customer_id": ["a", "d"],
            "order_id": ["o1", "o2"],
            "ts": pd.to_datetime(["2024-05-04 10:00", "2024-05-20 10:00"]),
            "amount": [40.0, 15.0],
            "is_return": [False, False],
        }
    )
    customers = pd.DataFrame({"customer_id": ["a", "b", "e"], "gender": ["F", "M", "F"]})
    con = duckdb.connect()
    con.register("ev", events)
    con.register("tx", orders)
    table = build_customer_table(con, "tx", customers, events="ev")
    f = table.frame
    assert list(f.index) == ["a", "b", "c", "d", "e"]  # buyers, visitors and customer-file prospects
    # the reference date follows the later of the last order and the last event
    assert table.reference_date == pd.Timestamp("2024-05-21")
    assert f.loc["a", "days_since_last_visit"] == 15 and f.loc["a", "recency_days"] == 17
    # a buyer or prospect missing from the log browsed nothing; a visitor who never ordered has 0 orders
    assert (
        f.loc["d", "views"] == 0
        and f.loc["e", "cart_adds"] == 0
        and np.isnan(f.loc["d", "days_since_last_visit"])
    )
    assert f.loc["b", "frequency"] == 0 and f.loc["b", "monetary"] == 0 and f.loc["b", "gender"] == "M"
    assert any("Visitors with no orders" in n and "1 customer." in n for n in table.notes)
    assert any("no event in the event log" in n and "2 customers" in n for n in table.notes)


def test_events_with_customers_only_keep_everyone() -> None:
    con = duckdb.connect()
    con.register("ev", planted())
    customers = pd.DataFrame({"customer_id": ["a", "z"], "age": [30.0, 40.0]})
    f = build_customer_table(con, None, customers, events="ev").frame
    assert list(f.index) == ["a", "b", "c", "z"] and f.loc["z", "views"] == 0 and f.loc["a", "age"] == 30
    assert np.isnan(f.loc["b", "age"])


def test_log_without_purchases_or_optional_columns() -> None:
    events = planted()
    events = events[events["event_type"] != "purchase"][["customer_id", "timestamp", "event_type"]]
    con = duckdb.connect()
    con.register("ev", events)
    table = build_customer_table(con, None, None, events="ev")
    absent = {"view_to_purchase", "cart_abandonment", "browsing_purchases", "mean_rating"}
    assert not absent & set(table.frame.columns) and "favourite_browsed_category" not in table.frame
    assert any("no purchases" in n for n in table.notes)
    assert table.frame.loc["a", "views"] == 11


def test_event_log_errors() -> None:
    con = duckdb.connect()
    with pytest.raises(ValueError, match="could not be found"):
        build_customer_table(con, None, None, events="nothing_here")
    con.register("bad", pd.DataFrame({"customer_id": ["a"], "event_type": ["view"]}))
    with pytest.raises(ValueError, match="timestamp"):
        build_customer_table(con, None, None, events="bad")


def test_a_review_log_keeps_only_what_it_records() -> None:
    reviews = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "timestamp": pd.to_datetime(["2015-01-01", "2015-02-01", "2015-03-01"]),
            "event_type": "review",
            "rating": [5.0, 3.0, 1.0],
        }
    )
    con = duckdb.connect()
    con.register("ev", reviews)
    table = build_customer_table(con, None, None, events="ev")
    f = table.frame
    assert {"views", "cart_adds", "favourites", "browsing_purchases"}.isdisjoint(f.columns)
    assert f["reviews"].to_dict() == {"a": 2, "b": 1} and f["mean_rating"].to_dict() == {"a": 4, "b": 1}
    assert any("records no views, cart additions, favourites" in n for n in table.notes)
    assert {info.family for info in available_criteria(table)} == {"behavioural", "feedback"}
