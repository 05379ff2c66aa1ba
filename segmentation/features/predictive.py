"""Predicted behaviour: chance of leaving (churn) and of buying again, learned from the shop's own history.

The history is cut at ``reference - horizon``: features are built on the orders before the cut, the
label is "bought again within the horizon", and a gradient-boosting model learns one from the other.
The model then scores every customer on their full-history features. No data leaves the machine and
no external model is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from segmentation.catalog import CustomerTable, Feature

#: Behavioural and value features the model may use, when present in both tables.
MODEL_FEATURES: tuple[str, ...] = (
    "recency_days",
    "frequency",
    "tenure_days",
    "mean_days_between_orders",
    "max_gap_days",
    "return_rate",
    "units",
    "monetary",
    "avg_order_value",
)
PREDICTIVE_FEATURES: tuple[Feature, ...] = (
    Feature(
        "churn_probability",
        "predictive",
        "Chance of leaving",
        unit="share",
        description="Estimated chance that the customer does not buy again within the forecast window.",
    ),
    Feature(
        "repeat_propensity",
        "predictive",
        "Chance of buying again",
        unit="share",
        description="Estimated chance that the customer buys again within the forecast window.",
    ),
)
_MIN_LABELLED = 50


@dataclass(frozen=True)
class PredictionResult:
    """Scores per customer plus how well the model did on customers it had not seen."""

    scores: pd.DataFrame
    holdout_auc: float
    horizon_days: int
    cutoff: pd.Timestamp
    n_train: int
    repeat_rate: float
    features: tuple[str, ...]

    def summary(self) -> str:
        """One plain sentence on quality, for the UI."""
        quality = "good" if self.holdout_auc >= 0.75 else "fair" if self.holdout_auc >= 0.65 else "weak"
        return (
            f"Trained on {self.n_train:,} customers' history up to {self.cutoff:%d %b %Y}; predicting "
            f"purchases in the next {self.horizon_days} days is {quality} "
            f"(it ranks a returning customer above a leaving one {self.holdout_auc:.0%} of the time)."
        )


def default_horizon(table: CustomerTable) -> int:
    """Forecast window in days: twice the typical time between orders, kept within 90-180 days."""
    gaps = table.frame.get("mean_days_between_orders")
    typical = float(gaps.dropna().median()) if gaps is not None and gaps.notna().any() else 60.0
    return int(np.clip(round(2 * typical), 90, 180))


def _basic_features(con: duckdb.DuckDBPyConnection, view: str, reference: pd.Timestamp) -> pd.DataFrame:
    """Minimal behavioural features by SQL, used only when ``segmentation.features.customer_table`` is not available."""
    ref = f"TIMESTAMP '{reference:%Y-%m-%d %H:%M:%S}'"
    sql = f"""
        with orders as (
            select customer_id, order_id, min(ts) ts, sum(amount) amount
            from {view} group by customer_id, order_id),
        gaps as (
            select customer_id, ts, date_diff('second', lag(ts) over (partition by customer_id order by ts), ts)
                / 86400.0 gap from orders)
        select o.customer_id,
               date_diff('second', max(o.ts), {ref}) / 86400.0 recency_days,
               count(*)::DOUBLE frequency,
               date_diff('second', min(o.ts), {ref}) / 86400.0 tenure_days,
               sum(o.amount) monetary, avg(o.amount) avg_order_value,
               (select avg(gap) from gaps g where g.customer_id = o.customer_id) mean_days_between_orders,
               (select max(gap) from gaps g where g.customer_id = o.customer_id) max_gap_days
        from orders o group by o.customer_id
    """
    return con.sql(sql).df().set_index("customer_id")


def _history_features(con: duckdb.DuckDBPyConnection, view: str, cutoff: pd.Timestamp) -> pd.DataFrame:
    try:
        from segmentation.features.customer_table import build_customer_table
    except ImportError:
        return _basic_features(con, view, cutoff)
    return build_customer_table(con, view, None, has_time=False, reference_date=cutoff).frame


def predict_churn(
    con: duckdb.DuckDBPyConnection,
    transactions: str,
    table: CustomerTable,
    *,
    horizon_days: int | None = None,
    random_state: int = 0,
) -> PredictionResult:
    """Fit the churn / repeat-purchase model on a time split and score every customer.

    Parameters
    ----------
    con, transactions
        DuckDB connection and the name of the canonical transactions table or view in it.
    table
        Full-history customer table (from ``features.build_customer_table``) to score.
    horizon_days
        Forecast window; by default :func:`default_horizon`.
    random_state
        Seed of the holdout split and the model.

    Raises
    ------
    ValueError
        When the history is too short for the window, or nearly everyone (or no one) bought again.
    """
    horizon = int(horizon_days or default_horizon(table))
    start, end = con.execute(f"select min(ts), max(ts) from {transactions}").fetchall()[0]
    if start is None:
        raise ValueError("There are no orders to learn from.")
    reference = pd.Timestamp(table.reference_date or end)
    cutoff = reference - pd.Timedelta(days=horizon)
    span = (reference - pd.Timestamp(start)).days
    if span < horizon + 30:
        raise ValueError(
            f"Your order history covers {span} days, too short to predict the next {horizon} days: "
            f"it needs at least {horizon + 30} days. Upload a longer history or choose a shorter window."
        )
    view = "_segmentation_history_before_cutoff"
    cut_sql = f"TIMESTAMP '{cutoff:%Y-%m-%d %H:%M:%S}'"
    con.execute(f"create or replace temp view {view} as select * from {transactions} where ts < {cut_sql}")
    try:
        past = _history_features(con, view, cutoff)
        returned = con.execute(
            f"select distinct customer_id from {transactions} where ts >= ? and ts <= ? and not is_return",
            [cutoff, reference],
        ).df()["customer_id"]
    finally:
        con.execute(f"drop view if exists {view}")
    past = past[past["frequency"].fillna(0) > 0]
    past.index = past.index.astype(str)
    y = past.index.isin(pd.Index(returned.astype(str))).astype(int)
    features = tuple(c for c in MODEL_FEATURES if c in past.columns and c in table.frame.columns)
    _check_labels(y, horizon)
    x = past[list(features)].astype(float).to_numpy()
    model, auc = _fit_with_holdout(x, y, random_state)
    scores = _score(model, table, features)
    return PredictionResult(scores, auc, horizon, cutoff, len(y), float(y.mean()), features)


def _check_labels(y: np.ndarray, horizon: int) -> None:
    minority = int(min(y.sum(), len(y) - y.sum()))
    if len(y) < _MIN_LABELLED or minority < 10:
        raise ValueError(
            f"Too few customers either came back or stayed away within {horizon} days to learn the "
            "difference. Try a longer history, a different window, or use the lifecycle stages instead."
        )


def _fit_with_holdout(x: np.ndarray, y: np.ndarray, random_state: int) -> tuple[Any, float]:
    """Holdout AUC on a stratified quarter, then refit on everyone for scoring."""
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.25, stratify=y, random_state=random_state)

    def make() -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(
            max_iter=150,
            learning_rate=0.08,
            max_leaf_nodes=15,
            min_samples_leaf=20,
            random_state=random_state,
        )

    auc = float(roc_auc_score(y_te, make().fit(x_tr, y_tr).predict_proba(x_te)[:, 1]))
    return make().fit(x, y), auc


def _score(model: Any, table: CustomerTable, features: tuple[str, ...]) -> pd.DataFrame:
    """Scores for buyers; customers who never ordered get no score (NaN): there is nothing to go on."""
    frame = table.frame
    buyers = frame["frequency"].fillna(0).to_numpy() > 0
    repeat = np.full(len(frame), np.nan)
    if buyers.any():
        repeat[buyers] = model.predict_proba(frame.loc[buyers, list(features)].astype(float).to_numpy())[:, 1]
    return pd.DataFrame({"churn_probability": 1 - repeat, "repeat_propensity": repeat}, index=frame.index)


def churn_and_propensity(
    con: duckdb.DuckDBPyConnection,
    transactions: str,
    table: CustomerTable,
    *,
    horizon_days: int | None = None,
    random_state: int = 0,
) -> pd.DataFrame:
    """Per-customer ``churn_probability`` and ``repeat_propensity`` (0..1, index customer_id).

    Same as :func:`predict_churn` but returns the scores only; the full :class:`PredictionResult`
    (holdout AUC, window, cutoff) is attached as ``scores.attrs["prediction"]``.
    """
    result = predict_churn(con, transactions, table, horizon_days=horizon_days, random_state=random_state)
    scores = result.scores.copy()
    scores.attrs["prediction"] = result
    return scores


def with_predictions(table: CustomerTable, scores: pd.DataFrame) -> CustomerTable:
    """A copy of ``table`` with the two predictive columns and their catalog entries (family "predictive")."""
    names = [f.name for f in PREDICTIVE_FEATURES]
    frame = table.frame.drop(columns=[c for c in names if c in table.frame.columns])
    frame = frame.join(scores[names].reindex(frame.index))
    catalog = tuple(f for f in table.catalog if f.name not in names) + PREDICTIVE_FEATURES
    return CustomerTable(frame, catalog, table.reference_date, table.notes)
