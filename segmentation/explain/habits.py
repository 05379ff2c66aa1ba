"""Per segment: the best next offers (from each customer's next products) and the best time to reach
its customers (the weekday and hour at which they order)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from segmentation.errors import quote_relation

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def best_offers(frame: pd.DataFrame, labels: pd.Series, n: int = 3) -> dict[object, list[tuple[str, float]]]:
    """Per segment, the ``n`` items most often among its customers' next products (``next_product_*``
    columns of the customer table), each with the share of the segment's customers it is suggested to."""
    columns = [c for c in frame.columns if c.startswith("next_product_")]
    if not columns:
        return {}
    # Column after column, each customer's segment beside their suggestion (no stacking of text cells,
    # no join): rows without a segment or a suggestion are left out by value_counts.
    segment_of = labels.reindex(frame.index).to_numpy()
    pairs = pd.DataFrame(
        {
            "segment": np.tile(segment_of, len(columns)),
            "item": pd.concat([frame[c] for c in columns], ignore_index=True),
        }
    )
    counts = pairs.value_counts(["segment", "item"])
    sizes = labels.value_counts()
    ranked = counts.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
    out: dict[object, list[tuple[str, float]]] = {}
    # Pairs as items() yields them; zipped so that the (segment, item) keys unpack (typed as one Hashable).
    for (segment, item), count in zip(ranked.index, ranked, strict=True):
        chosen = out.setdefault(segment, [])
        if len(chosen) < n:
            chosen.append((str(item), float(count / sizes[segment])))
    return out


@dataclass(frozen=True)
class BestTime:
    """When a segment's customers order: the busiest weekday and (with timestamps) hour, with shares."""

    weekday: str
    weekday_share: float
    hour: int | None
    hour_share: float

    def sentence(self) -> str:
        day = f"{self.weekday}s ({self.weekday_share:.0%} of their orders)"
        if self.hour is None:
            return f"{day}. Orders carry dates only, so the best hour is unknown."
        return f"{day}, around {self.hour:02d}:00 ({self.hour_share:.0%} of their orders start that hour)."


def best_times(
    con: duckdb.DuckDBPyConnection, transactions: str, labels: pd.Series, *, has_time: bool
) -> dict[object, BestTime]:
    """Per segment (``labels``: segment by customer id), the weekday and hour with most orders."""
    # The segments join the orders inside DuckDB: only a few rows per segment come back to pandas.
    # A name of its own per call: sessions share the connection and may ask at the same moment.
    name = f"segment_of_{uuid.uuid4().hex}"
    segments = pd.DataFrame({"customer_id": labels.index.astype(str), "segment": labels.to_numpy()})
    con.register(name, segments)
    try:
        orders = con.sql(
            "SELECT s.segment, isodow(o.ts) - 1 AS dow, hour(o.ts) AS hr, count(*)::DOUBLE AS n FROM "
            f"(SELECT customer_id::VARCHAR AS customer_id, order_id, min(ts) AS ts FROM {quote_relation(transactions)} "
            f"WHERE NOT is_return GROUP BY ALL) o JOIN {name} s USING (customer_id) GROUP BY ALL"
        ).df()
    finally:
        con.unregister(name)
    out: dict[object, BestTime] = {}
    for segment, part in orders.groupby("segment", sort=False):
        days = part.groupby("dow")["n"].sum()
        hours = part.groupby("hr")["n"].sum()
        total = float(days.sum())
        out[segment] = BestTime(
            WEEKDAYS[int(days.idxmax())], float(days.max() / total),
            int(hours.idxmax()) if has_time else None, float(hours.max() / total) if has_time else 0.0,
        )  # fmt: skip
    return out
