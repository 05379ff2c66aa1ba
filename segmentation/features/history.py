"""Order history at a time cut: what was known about each customer before the cut, and what they
did in a window after it. Everything the value models learn from or are judged on comes from here.

Only purchase lines (not returns) make an order; an order's spend is the sum of its positive purchase
amounts, dated by its first purchase line. Features use orders strictly before the cut, outcomes only
orders in ``[start, end)``: nothing after the cut can reach the features.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from segmentation.errors import quote_relation

#: Customers, repeat buyers and days of history the value models want (as the commercial tools ask).
MIN_CUSTOMERS = 500
MIN_REPEAT_BUYERS = 100
MIN_TRAIN_CUSTOMERS = 50
_DAY = 86400.0


def ts_sql(value: pd.Timestamp) -> str:
    return f"TIMESTAMP '{pd.Timestamp(value):%Y-%m-%d %H:%M:%S}'"


def _orders_sql(rel: str, cols: set[str], before: str, since: str | None = None) -> str:
    """Purchase orders (one row each) with ts in ``[since, before)``."""
    where = f"NOT is_return AND ts < {before}" + (f" AND ts >= {since}" if since else "")
    cat = ", count(DISTINCT category) AS n_cat" if "category" in cols else ", 0 AS n_cat"
    qty = ", sum(quantity) AS qty" if "quantity" in cols else ", NULL::DOUBLE AS qty"
    return (
        f"SELECT customer_id, order_id, min(ts) AS ts, sum(greatest(amount, 0)) AS spend{cat}{qty} "
        f"FROM {rel} WHERE {where} GROUP BY customer_id, order_id"
    )


def columns_of(con: duckdb.DuckDBPyConnection, rel: str) -> set[str]:
    result = con.execute(f"SELECT * FROM {rel} LIMIT 0")
    names = {d[0] for d in result.description}
    result.fetchall()  # finish the result: DuckDB runs nothing else on the connection before
    return names


def history_span(con: duckdb.DuckDBPyConnection, transactions: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last purchase timestamp; ``ValueError`` when there is no purchase at all."""
    rel = quote_relation(transactions)
    ((first, last),) = con.execute(f"SELECT min(ts), max(ts) FROM {rel} WHERE NOT is_return").fetchall()
    if first is None:
        raise ValueError("There are no purchases to learn from.")
    return pd.Timestamp(first), pd.Timestamp(last)


def history_features(
    con: duckdb.DuckDBPyConnection, transactions: str, cutoff: pd.Timestamp, horizon_days: float
) -> pd.DataFrame:
    """One row per customer with a purchase before ``cutoff``: RFM, gaps, recent windows, returns.

    Windows are sized by the horizon (a quarter, one and two horizons back), so a model learned at
    one cut reads the same way at another. Times are in days, measured to the cut.
    """
    rel = quote_relation(transactions)
    cols = columns_of(con, rel)
    cut = ts_sql(cutoff)
    h = float(horizon_days)
    windows = {"q": h / 4, "h": h, "h2": 2 * h}
    recent = "".join(
        f", count(CASE WHEN age < {d} THEN 1 END)::DOUBLE AS orders_last_{k}"
        f", coalesce(sum(CASE WHEN age < {d} THEN spend END), 0)::DOUBLE AS spend_last_{k}"
        for k, d in windows.items()
    )
    sql = f"""
        WITH o AS ({_orders_sql(rel, cols, cut)}),
        g AS (SELECT *, date_diff('second', ts, {cut}) / {_DAY} AS age,
                     date_diff('second', lag(ts) OVER (PARTITION BY customer_id ORDER BY ts, order_id), ts)
                         / {_DAY} AS gap FROM o),
        r AS (SELECT customer_id, count(*) AS n_ret, coalesce(sum(-amount), 0) AS ret_amount
              FROM {rel} WHERE is_return AND ts < {cut} GROUP BY customer_id)
        SELECT g.customer_id, count(*)::DOUBLE AS n_orders, min(age) AS recency_days, max(age) AS tenure_days,
               max(age) - min(age) AS active_days, sum(spend)::DOUBLE AS spend_total,
               avg(spend) AS avg_order_value, max(spend) AS max_order_value, arg_min(spend, ts) AS first_order_spend,
               avg(gap) AS mean_gap_days, stddev_samp(gap) AS sd_gap_days, arg_max(gap, ts) AS last_gap_days,
               max(n_cat)::DOUBLE AS max_categories_per_order, avg(qty) AS units_per_order{recent},
               coalesce(any_value(r.n_ret), 0)::DOUBLE AS n_return_lines,
               coalesce(any_value(r.ret_amount), 0) / nullif(sum(spend), 0) AS return_share
        FROM g LEFT JOIN r USING (customer_id) GROUP BY g.customer_id ORDER BY g.customer_id
    """
    frame = con.sql(sql).df().set_index("customer_id")
    frame.index = frame.index.astype(str)
    if "category" in cols:
        cats = con.sql(
            f"SELECT customer_id, count(DISTINCT category)::DOUBLE AS n_categories FROM {rel} "
            f"WHERE NOT is_return AND ts < {cut} GROUP BY customer_id"
        ).df()
        frame = frame.join(cats.set_index(cats["customer_id"].astype(str))["n_categories"])
    frame["recency_over_gap"] = frame["recency_days"] / frame["mean_gap_days"]
    frame["orders_per_day"] = frame["n_orders"] / (frame["tenure_days"] + h)
    frame["window_days"] = h
    return frame.astype(float)


def history_outcomes(
    con: duckdb.DuckDBPyConnection, transactions: str, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Orders and purchase spend per customer with an order in ``[start, end)`` (others: none)."""
    rel = quote_relation(transactions)
    sql = (
        f"SELECT customer_id, count(*)::DOUBLE AS purchases, sum(spend)::DOUBLE AS spend FROM "
        f"({_orders_sql(rel, columns_of(con, rel), ts_sql(end), ts_sql(start))}) GROUP BY customer_id"
    )
    frame = con.sql(sql).df()
    return frame.set_index(frame["customer_id"].astype(str))[["purchases", "spend"]]


def spend_known(con: duckdb.DuckDBPyConnection, transactions: str) -> bool:
    """Whether any order line has an amount (a history of quantities without prices has none)."""
    return bool(con.execute(f"SELECT count(amount) > 0 FROM {quote_relation(transactions)}").fetchall()[0][0])


@dataclass(frozen=True)
class HistoryCheck:
    """Is there enough history to predict the horizon? ``level``: "enough", "thin" or "too thin"."""

    level: str
    customers: int
    repeat_buyers: int
    history_days: int
    horizon_days: int
    messages: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.level != "too thin"

    def summary(self) -> str:
        head = {
            "enough": "There is enough history to predict value.",
            "thin": "The history is thin: read the predictions as rough guides.",
            "too thin": "The history is too thin to predict value.",
        }[self.level]
        return " ".join((head, *self.messages))


def check_history(features: pd.DataFrame, history_days: int, horizon_days: int) -> HistoryCheck:
    """Judge the shop's history before the cut (customers, repeat buyers, length against the horizon)."""
    customers = len(features)
    repeat = int((features["n_orders"] > 1).sum()) if customers else 0
    messages: list[str] = []
    level = "enough"
    if customers < MIN_TRAIN_CUSTOMERS or repeat < 10:
        level = "too thin"
        messages.append(
            f"Only {customers:,} customers and {repeat:,} repeat buyers: at least {MIN_TRAIN_CUSTOMERS} "
            "customers and 10 repeat buyers are needed. Upload a longer or larger order history."
        )
    elif customers < MIN_CUSTOMERS or repeat < MIN_REPEAT_BUYERS:
        level = "thin"
        messages.append(
            f"{customers:,} customers, {repeat:,} of them repeat buyers: predictions are steadier from "
            f"{MIN_CUSTOMERS} customers and {MIN_REPEAT_BUYERS} repeat buyers."
        )
    if history_days < horizon_days:
        level = "too thin"
        messages.append(
            f"The history before the cut covers {history_days} days, shorter than the {horizon_days}-day "
            "horizon: choose a horizon at most as long as the history."
        )
    elif history_days < 2 * horizon_days and level == "enough":
        level = "thin"
        messages.append(
            f"The history covers {history_days} days, less than twice the {horizon_days}-day horizon: "
            "the learned model trains on a shorter window and scales it up."
        )
    return HistoryCheck(level, customers, repeat, int(history_days), int(horizon_days), tuple(messages))


def customer_notes(features: pd.DataFrame, horizon_days: float) -> pd.Series:
    """A plain word per customer on how much their own history says (empty when it is enough)."""
    note = np.where(
        features["n_orders"] <= 1,
        "One order only: the forecast leans on customers like them.",
        np.where(
            features["tenure_days"] < horizon_days / 4,
            "New customer: little history of their own yet.",
            "",
        ),
    )
    return pd.Series(note, index=features.index, name="prediction_note")
