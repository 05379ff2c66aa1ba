"""Event-log benchmark: browsing features of 1M and 10M events, beside a plain DuckDB floor.

The floor is the cheapest query that reads the same log: one count per customer. The features need
one scan for the counts and a customer-by-category grouping of the views for the most viewed
category; target: at most 5x the floor. Prints wall seconds and the ratio; never asserts.
``python -m bench events``; ``BENCH_EVENTS_10M=0`` skips the 10M run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import duckdb

from segmentation.features import build_customer_table

TYPES = "['view', 'view', 'view', 'view', 'view', 'view', 'cart', 'favourite', 'purchase', 'rating']"


def make_log(con: duckdb.DuckDBPyConnection, n: int, users: int) -> None:
    """``n`` seeded events of ``users`` users over 90 days: mostly views, 40 categories."""
    con.execute("SELECT setseed(0.42)")
    con.execute(
        f"""CREATE OR REPLACE TABLE ev AS SELECT 'u' || (random() * {users})::INT AS customer_id,
            TIMESTAMP '2024-01-01' + to_seconds((random() * 90 * 86400)::BIGINT) AS timestamp,
            {TYPES}[(random() * 10)::INT % 10 + 1] AS event_type, 'cat' || (random() * 40)::INT AS category,
            CASE WHEN random() < 0.03 THEN (random() * 4 + 1)::INT END::DOUBLE AS rating
            FROM range({n})"""
    )


def timed(label: str, run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    print(f"  {label:<44} {seconds:6.2f} s", flush=True)
    return seconds


def main() -> None:
    sizes = [(1_000_000, 100_000)]
    if os.environ.get("BENCH_EVENTS_10M", "1") != "0":
        sizes.append((10_000_000, 1_000_000))
    for n, users in sizes:
        run(n, users)


def run(n: int, users: int) -> None:
    con = duckdb.connect()
    make_log(con, n, users)
    print(f"{n:,} events, {users:,} users", flush=True)
    floor = timed(
        "floor: count per customer",
        lambda: con.sql("SELECT customer_id, count(*) FROM ev GROUP BY 1").fetchall(),
    )
    ours = timed(
        "browsing features (build_customer_table)", lambda: build_customer_table(con, None, None, events="ev")
    )
    print(f"  {'ratio to the floor (target: at most 5)':<44} {ours / floor:6.1f} x", flush=True)


if __name__ == "__main__":
    main()
