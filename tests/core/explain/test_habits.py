"""Best next offers and best time to reach per segment, against hand-counted oracles."""

from __future__ import annotations

import duckdb
import pandas as pd

from segmentation.explain import best_offers, best_times


def test_best_offers_count_the_suggestions_of_each_segment() -> None:
    frame = pd.DataFrame(
        {"next_product_1": ["a", "a", "b", "c"], "next_product_2": ["b", "c", "c", None]},
        index=pd.Index(["x", "y", "z", "w"], name="customer_id"),
    )
    labels = pd.Series([0, 0, 1, 1], index=frame.index)
    offers = best_offers(frame, labels, n=2)
    assert offers[0] == [("a", 1.0), ("b", 0.5)]  # ties broken by name: b before c
    assert offers[1] == [("c", 1.0), ("b", 0.5)]
    assert best_offers(frame.drop(columns=list(frame.columns)), labels) == {}


def orders(stamps: list[str], customers: list[str]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    frame = pd.DataFrame({"customer_id": customers, "order_id": [f"o{i}" for i in range(len(stamps))],
                          "ts": pd.to_datetime(stamps), "is_return": False})  # fmt: skip
    con.register("tx", frame)
    return con


def test_best_times_find_the_busiest_weekday_and_hour() -> None:
    # 2025-06-02 is a Monday; customer b's Friday orders must not reach segment 0
    con = orders(["2025-06-02 09:10", "2025-06-09 09:40", "2025-06-03 18:00", "2025-06-06 20:00",
                  "2025-06-13 20:30"], ["a", "a", "a", "b", "b"])  # fmt: skip
    labels = pd.Series([0, 1], index=["a", "b"])
    times = best_times(con, "tx", labels, has_time=True)
    assert (times[0].weekday, times[0].hour) == ("Monday", 9)
    assert abs(times[0].weekday_share - 2 / 3) < 1e-9
    assert (times[1].weekday, times[1].hour, times[1].hour_share) == ("Friday", 20, 1.0)
    dates_only = best_times(con, "tx", labels, has_time=False)[0]
    assert dates_only.hour is None and "dates only" in dates_only.sentence()
