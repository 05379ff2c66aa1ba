"""Churn and repeat-purchase scores from a time split, on a synthetic history with a planted signal."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from segmentation.catalog import CustomerTable, Feature
from segmentation.features import PredictionResult, churn_and_propensity, predict_churn, with_predictions

END = pd.Timestamp("2024-12-31")


def synthetic_history(n: int = 600, days: int = 730, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """Half the customers keep buying every few weeks; the other half buy rarely and drift away."""
    rng = np.random.default_rng(seed)
    rows = []
    loyal = pd.Series(rng.random(n) < 0.5, index=[f"c{i:04d}" for i in range(n)])
    for cid, is_loyal in loyal.items():
        gap = rng.uniform(10, 35) if is_loyal else rng.uniform(40, 150)
        stop = days if is_loyal else rng.uniform(60, days)
        t = rng.uniform(0, 60)
        k = 0
        while t < min(stop, days):
            ts = END - pd.Timedelta(days=days - t)
            rows.append((cid, f"{cid}-{k}", ts, float(rng.gamma(2, 30)), False))
            t += rng.exponential(gap)
            k += 1
    tx = pd.DataFrame(rows, columns=["customer_id", "order_id", "ts", "amount", "is_return"])
    return tx, loyal


def full_table(con: duckdb.DuckDBPyConnection) -> CustomerTable:
    frame = (
        con.sql(
            """
            with o as (select customer_id, order_id, min(ts) ts, sum(amount) amount from tx group by all),
            g as (select customer_id, date_diff('day', lag(ts) over (partition by customer_id order by ts), ts) gap
                  from o)
            select o.customer_id, date_diff('day', max(ts), TIMESTAMP '2024-12-31') recency_days,
                   count(*)::DOUBLE frequency, sum(amount) monetary,
                   date_diff('day', min(ts), TIMESTAMP '2024-12-31') tenure_days,
                   (select avg(gap) from g where g.customer_id = o.customer_id) mean_days_between_orders
            from o group by o.customer_id
            """
        )
        .df()
        .set_index("customer_id")
    )
    frame.loc["prospect-1"] = [np.nan, 0.0, 0.0, np.nan, np.nan]
    return CustomerTable(frame, tuple(Feature(c, "behavioural", c) for c in frame.columns), END)


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    tx, _ = synthetic_history()
    connection = duckdb.connect()
    connection.register("tx_df", tx)
    connection.execute("create table tx as select * from tx_df")
    return connection


@pytest.fixture(scope="module")
def result(con: duckdb.DuckDBPyConnection) -> PredictionResult:
    return predict_churn(con, "tx", full_table(con), horizon_days=120)


def test_planted_churn_signal_is_found(con: duckdb.DuckDBPyConnection, result: PredictionResult) -> None:
    assert result.holdout_auc > 0.7
    assert result.n_train > 100 and 0 < result.repeat_rate < 1
    scores = result.scores
    assert set(scores.columns) == {"churn_probability", "repeat_propensity"}
    buyers = scores.drop(index="prospect-1")
    assert buyers.notna().all().all() and buyers.stack().between(0, 1).all()
    assert np.allclose(buyers.sum(axis=1), 1)
    assert scores.loc["prospect-1"].isna().all()
    # Truly loyal customers score a higher repeat chance than those who drifted away.
    _, loyal = synthetic_history()
    rep = buyers["repeat_propensity"]
    assert rep[loyal.reindex(rep.index)].median() > rep[~loyal.reindex(rep.index)].median()
    assert "ranks a returning customer" in result.summary()
    assert "_segmentation_history_before_cutoff" not in con.sql("show tables").df().to_string()


def test_default_horizon_and_attrs(con: duckdb.DuckDBPyConnection) -> None:
    scores = churn_and_propensity(con, "tx", full_table(con))
    result = scores.attrs["prediction"]
    assert 90 <= result.horizon_days <= 180
    assert len(scores) == 601


def test_short_history_and_one_class_raise_plain_errors(con: duckdb.DuckDBPyConnection) -> None:
    table = full_table(con)
    with pytest.raises(ValueError, match="too short"):
        predict_churn(con, "tx", table, horizon_days=720)
    # Everyone buys every week until the end: nobody leaves, nothing to learn.
    weekly = duckdb.connect()
    weekly.execute(
        "create table tx as select 'c' || c::VARCHAR customer_id, c::VARCHAR || '-' || w::VARCHAR order_id, "
        "TIMESTAMP '2024-01-01' + to_days(7 * w::INTEGER) ts, 10.0 amount, false is_return "
        "from range(100) a(c), range(52) b(w)"
    )
    with pytest.raises(ValueError, match="Too few customers"):
        predict_churn(weekly, "tx", full_table(weekly), horizon_days=60)


def test_with_predictions_adds_catalog_entries(
    con: duckdb.DuckDBPyConnection, result: PredictionResult
) -> None:
    table = full_table(con)
    scores = result.scores
    enriched = with_predictions(table, scores)
    assert enriched.feature("churn_probability").family == "predictive"
    assert "predictive" in enriched.by_family()
    assert len(enriched.frame) == len(table.frame)
    again = with_predictions(enriched, scores)
    assert [f.name for f in again.catalog].count("repeat_propensity") == 1
