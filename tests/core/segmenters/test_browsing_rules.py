"""Browsing rule sets: offered only with an event log; sizes reconcile with counts taken from the raw log."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from segmentation.catalog import CustomerTable
from segmentation.explain.naming import PLAYBOOK, RULE_DESCRIPTIONS, RULE_PLAYS
from segmentation.features import build_customer_table
from segmentation.segmenters import (
    BROWSING_RULE_SETS,
    CART_NAMES,
    ENGAGEMENT_NAMES,
    NO_VISITS,
    RULE_SETS,
    WINDOW_NAMES,
    available_rule_sets,
    cart_abandoners,
    engaged_browsers,
    window_shoppers,
)

REF = pd.Timestamp("2024-07-01")


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, pd.DataFrame, CustomerTable]:
    """A seeded log of 400 visitors over 120 days, orders of 150 customers (some of them visitors)."""
    rng = np.random.default_rng(21)
    n = 8000
    events = pd.DataFrame(
        {
            "customer_id": [f"c{i:03d}" for i in rng.zipf(1.3, n) % 400],
            "timestamp": REF - pd.to_timedelta(rng.integers(1, 120 * 24, n), unit="h"),
            "event_type": rng.choice(
                ["view", "cart", "favourite", "purchase", "other"], n, p=[0.7, 0.12, 0.08, 0.05, 0.05]
            ),
        }
    )
    buyers = [f"c{i:03d}" for i in range(300, 450)]
    orders = pd.DataFrame(
        {
            "customer_id": buyers,
            "order_id": [f"o{i}" for i in range(len(buyers))],
            "ts": REF - pd.to_timedelta(rng.integers(1, 300, len(buyers)), unit="D"),
            "amount": rng.gamma(2, 30, len(buyers)),
            "is_return": False,
        }
    )
    con = duckdb.connect()
    con.register("ev", events)
    con.register("tx", orders)
    table = build_customer_table(con, "tx", None, events="ev", reference_date=REF)
    return events, orders, table


def counts(events: pd.DataFrame) -> pd.DataFrame:
    return pd.crosstab(events["customer_id"], events["event_type"])


def test_offered_only_with_an_event_log(data) -> None:
    _, orders, table = data
    assert set(BROWSING_RULE_SETS) <= set(available_rule_sets(table))
    assert all(RULE_SETS[k] is BROWSING_RULE_SETS[k] for k in BROWSING_RULE_SETS)
    con = duckdb.connect()
    con.register("tx", orders)
    assert not set(BROWSING_RULE_SETS) & set(available_rule_sets(build_customer_table(con, "tx", None)))


def test_cart_abandoners_reconcile_with_the_raw_log(data) -> None:
    events, orders, table = data
    c = counts(events)
    abandoned = (c["cart"] > 0) & (1 - c["purchase"] / c["cart"] >= 0.5)
    seg = RULE_SETS["cart_abandoners"].function(table)
    sizes = seg.sizes()
    assert seg.names == CART_NAMES and sizes.sum() == len(table.frame) == len(
        set(events["customer_id"]) | set(orders["customer_id"])
    )
    assert sizes["Cart abandoners"] == abandoned.sum()
    assert sizes["Cart completers"] == ((c["cart"] > 0) & ~abandoned).sum()
    assert sizes["Never used the cart"] == (c["cart"] == 0).sum()
    assert sizes[NO_VISITS] == len(set(orders["customer_id"]) - set(events["customer_id"]))
    assert set(seg.named[seg.named == "Cart abandoners"].index) == set(abandoned[abandoned].index)
    stricter = cart_abandoners(table, threshold=0.9).sizes()["Cart abandoners"]
    assert (
        stricter
        == ((c["cart"] > 0) & (1 - c["purchase"] / c["cart"] >= 0.9)).sum()
        < sizes["Cart abandoners"]
    )


def test_window_shoppers_never_bought_in_the_log_or_the_orders(data) -> None:
    events, orders, table = data
    c = counts(events)
    never = c.index[(c["purchase"] == 0) & ~c.index.isin(orders["customer_id"])]
    seg = window_shoppers(table)
    assert seg.names == WINDOW_NAMES
    assert set(seg.named[seg.named == "Window shoppers"].index) == set(never)
    assert seg.sizes()["Browsing buyers"] == len(c) - len(never) and len(never) > 10


def test_engaged_browsers(data) -> None:
    events, _, table = data
    c = counts(events)
    activity = c["view"] + c["cart"] + c["favourite"]
    last = events.groupby("customer_id")["timestamp"].max().dt.normalize()
    recent = (REF - last).dt.days <= 30
    cut = np.quantile(activity.to_numpy(), 2 / 3, method="higher")
    engaged = recent & (activity >= cut) & (activity > 0)
    seg = engaged_browsers(table)
    sizes = seg.sizes()
    assert seg.names == ENGAGEMENT_NAMES and sizes.sum() == len(table.frame)
    assert set(seg.named[seg.named == "Engaged browsers"].index) == set(engaged[engaged].index)
    assert (
        sizes["Casual browsers"] == (recent & ~engaged).sum() and sizes["Lapsed browsers"] == (~recent).sum()
    )
    assert engaged_browsers(table, recent_days=1000).sizes()["Lapsed browsers"] == 0


def test_events_alone_and_clear_errors() -> None:
    events = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "c"],
            "timestamp": pd.to_datetime(
                ["2024-01-01", "2024-01-02", "2024-01-02", "2024-01-03", "2024-01-03"]
            ),
            "event_type": ["view", "cart", "purchase", "view", "cart"],
        }
    )
    con = duckdb.connect()
    con.register("ev", events)
    table = build_customer_table(con, None, None, events="ev")
    assert set(available_rule_sets(table)) == set(BROWSING_RULE_SETS)  # no orders: no RFM
    assert window_shoppers(table).named.to_dict() == {
        "a": "Browsing buyers",
        "b": "Window shoppers",
        "c": "Window shoppers",
    }
    assert cart_abandoners(table).named.to_dict() == {
        "a": "Cart completers",
        "b": "Never used the cart",
        "c": "Cart abandoners",
    }
    with pytest.raises(ValueError, match="threshold"):
        cart_abandoners(table, threshold=0)
    bare = CustomerTable(pd.DataFrame({"frequency": [1.0]}, index=pd.Index(["a"], name="customer_id")), ())
    with pytest.raises(ValueError, match="event log"):
        window_shoppers(bare)


def test_every_browsing_segment_has_a_description_and_plays() -> None:
    for name in {*CART_NAMES, *WINDOW_NAMES, *ENGAGEMENT_NAMES}:
        assert RULE_DESCRIPTIONS[name] and RULE_PLAYS[name], name
        assert all(PLAYBOOK[play] for play in RULE_PLAYS[name]), name


def test_a_log_of_views_and_purchases_only() -> None:
    # five visitors, views 1..5 on the last day, one purchase: no carts or favourites in the log
    events = pd.DataFrame(
        {
            "customer_id": [c for i, c in enumerate("abcde") for _ in range(i + 1)] + ["e"],
            "timestamp": pd.Timestamp("2024-02-01"),
            "event_type": ["view"] * 15 + ["purchase"],
        }
    )
    con = duckdb.connect()
    con.register("ev", events)
    table = build_customer_table(con, None, None, events="ev")
    assert "cart_adds" not in table.frame and "favourites" not in table.frame
    assert set(available_rule_sets(table)) == {"window_shoppers", "engaged_browsers"}
    # the visitor at the two-thirds mark has 4 views: d and e are the engaged ones
    assert engaged_browsers(table).named.to_dict() == {
        "a": "Casual browsers", "b": "Casual browsers", "c": "Casual browsers",
        "d": "Engaged browsers", "e": "Engaged browsers",
    }  # fmt: skip
