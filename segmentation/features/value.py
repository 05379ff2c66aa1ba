"""Predicted value and risk per customer over a chosen horizon, learned from the shop's own history.

The history is cut once more inside the known past: features at ``cut - window`` (``history.py``),
outcomes in the ``window`` after it; the :class:`ValueModel` (``value_model.py``) learns from them and
then reads every customer's features at the cut itself. Whether its learned correction is used, and
how much of it goes into the spend, is judged one more half window back (:func:`_judge_learning`), never
on what the predictions are judged on. When the history is shorter than two horizons the training
window is shorter than the horizon and counts and spend are scaled up to it (said in notes).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import roc_auc_score

from segmentation.errors import quote_relation
from segmentation.features.history import (
    MIN_TRAIN_CUSTOMERS,
    HistoryCheck,
    check_history,
    customer_notes,
    history_features,
    history_outcomes,
    history_span,
    spend_known,
)
from segmentation.features.value_model import ValueModel

#: Columns of :func:`predict_value`'s scores, in order.
VALUE_COLUMNS = (
    "expected_purchases",
    "predicted_spend",
    "spend_low",
    "spend_high",
    "churn_probability",
    "next_order_date",
    "avg_days_between_orders",
    "prediction_note",
)
_CHECK_SAMPLE = 50_000
#: Weights of the learned figures tried against BG/NBD + Gamma-Gamma alone (ValueModel's ``blend``).
_BLENDS = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class ValuePrediction:
    """Per-customer value and risk at ``cutoff`` for the next ``horizon_days``, and how it was made."""

    scores: pd.DataFrame
    cutoff: pd.Timestamp
    horizon_days: int
    train_window_days: int
    check: HistoryCheck
    model: ValueModel
    notes: tuple[str, ...]

    def summary(self) -> str:
        return " ".join((self.check.summary(), *self.notes))


def fit_value_model(
    con: duckdb.DuckDBPyConnection,
    transactions: str,
    cutoff: pd.Timestamp,
    horizon_days: int,
    *,
    random_state: int = 0,
) -> tuple[ValueModel, pd.DataFrame, float, HistoryCheck, list[str]]:
    """Fit on orders before ``cutoff`` only. Returns the model, the features at the cut, the scale
    from the training window to the horizon, the history check and notes."""
    start, _ = history_span(con, transactions)
    cutoff = pd.Timestamp(cutoff)
    history_days = (cutoff - start).days
    now = history_features(con, transactions, cutoff, horizon_days)
    check = check_history(now, history_days, horizon_days)
    if not check.ok:
        raise ValueError(check.summary())
    window = int(min(horizon_days, history_days // 2))
    notes = []
    if window < horizon_days:
        notes.append(
            f"The learned model trained on a {window}-day window (half the history) and scales it to "
            f"{horizon_days} days."
        )
    train_cut = cutoff - pd.Timedelta(days=window)
    past = history_features(con, transactions, train_cut, horizon_days)
    if len(past) < 20:
        raise ValueError(
            f"Only {len(past)} customers had ordered {window} days before the cut: too few to learn from."
        )
    outcomes = history_outcomes(con, transactions, train_cut, cutoff)
    learn, blend, note = _judge_learning(
        con, transactions, train_cut, window, horizon_days, random_state, customers=len(now)
    )
    notes.append(note)
    model = ValueModel(learn=learn, blend=blend, random_state=random_state).fit(past, outcomes, window)
    return (
        model.refresh(now),
        now,
        horizon_days / window,
        check,
        notes,
    )  # BG/NBD needs no outcomes: fit it fresh


def _yardstick(predicted: pd.DataFrame, actual: pd.DataFrame) -> tuple[float, float]:
    """AUC of "ordered", and the backtest's figures summed: that AUC, Pearson and Spearman correlations
    of orders and of spend, and the top 20%'s share of spend (nan when nothing can be ranked)."""
    y = actual.reindex(predicted.index).fillna(0.0)
    orders, spend = y["purchases"].to_numpy(), y["spend"].to_numpy()
    if not 0 < (orders > 0).sum() < len(orders) or np.ptp(spend) == 0:
        return float("nan"), float("nan")
    top = np.argsort(-predicted["predicted_spend"].to_numpy(), kind="stable")[: max(1, len(spend) // 5)]
    pairs = ((predicted["expected_purchases"], orders), (predicted["predicted_spend"], spend))
    auc = float(roc_auc_score(orders > 0, predicted["buy_probability"]))
    return auc, auc + sum(pearsonr(p, a)[0] + spearmanr(p, a)[0] for p, a in pairs) + spend[
        top
    ].sum() / spend.sum()


def _judge_learning(
    con: duckdb.DuckDBPyConnection,
    transactions: str,
    train_cut: pd.Timestamp,
    window: int,
    horizon_days: int,
    random_state: int = 0,
    *,
    customers: int = 0,
) -> tuple[bool, float, str]:
    """Does learning beat BG/NBD + Gamma-Gamma alone on this shop, and with which weight of the learned
    figures (of ``_BLENDS``)? Judged before ``train_cut`` only: both fitted at ``train_cut - window/2``
    predict the half window after ``train_cut``; the blend whose backtest figures sum highest wins and
    learning is off at weight 0. Learning stays on when there is no room to judge. Beyond 50,000
    ``customers`` it is judged on a fixed sample of them (by a hash of the id)."""
    if customers > _CHECK_SAMPLE:
        return _judge_on_sample(con, transactions, train_cut, window, horizon_days, random_state, customers)
    half = max(window // 2, 1)
    start, _ = history_span(con, transactions)
    early = train_cut - pd.Timedelta(days=half)
    unjudged = "Model: BG/NBD corrected by learning"
    if (early - start).days < half:
        return True, 1.0, f"{unjudged} (too little history to check it against BG/NBD alone)."
    past = history_features(con, transactions, early, horizon_days)
    now = history_features(con, transactions, train_cut, horizon_days)
    if len(past) < MIN_TRAIN_CUSTOMERS:
        return True, 1.0, f"{unjudged} (too few early customers to check it)."
    seen = history_outcomes(con, transactions, early, train_cut)
    actual = history_outcomes(con, transactions, train_cut, train_cut + pd.Timedelta(days=half))
    try:
        model = ValueModel(max_train=30_000, random_state=random_state).fit(past, seen, half).refresh(now)
    except ValueError:
        return True, 1.0, f"{unjudged}."
    # blend 0 is what learn=False predicts: BG/NBD + Gamma-Gamma fitted at the cut itself
    # the best sum among blends that rank buyers at least as well as BG/NBD alone (the AUC the grade shows)
    scores = {w: _yardstick(model.set_params(blend=w).predict_frame(now), actual) for w in _BLENDS}
    fair = [w for w, (auc, total) in scores.items() if not auc < scores[0.0][0] and not np.isnan(total)]
    blend = max(fair, key=lambda w: scores[w][1], default=0.0)
    if blend == 0:
        return (
            False,
            0.0,
            "Model: BG/NBD + Gamma-Gamma alone (learning did not predict this shop's past better).",
        )
    return (
        True,
        blend,
        (
            f"Model: {blend:.0%} BG/NBD corrected by learning, {1 - blend:.0%} BG/NBD alone: the mix that "
            "predicted this shop's past best."
        ),
    )


def _judge_on_sample(
    con: duckdb.DuckDBPyConnection,
    transactions: str,
    train_cut: pd.Timestamp,
    window: int,
    horizon_days: int,
    random_state: int,
    customers: int,
) -> tuple[bool, float, str]:
    """:func:`_judge_learning` on a fixed sample of the customers, read through a view named for this
    call alone (the demo's connection is shared by every session), dropped afterwards."""
    view = f"_value_check_{uuid.uuid4().hex}"
    percent = max(1, round(100 * _CHECK_SAMPLE / customers))
    con.execute(
        f"CREATE TEMP VIEW {view} AS SELECT * FROM {quote_relation(transactions)} "
        f"WHERE hash(customer_id) % 100 < {percent}"
    )
    try:
        return _judge_learning(con, view, train_cut, window, horizon_days, random_state)
    finally:
        con.execute(f"DROP VIEW IF EXISTS {view}")


def predict_value(
    con: duckdb.DuckDBPyConnection,
    transactions: str,
    *,
    horizon_days: int,
    cutoff: pd.Timestamp | None = None,
    random_state: int = 0,
) -> ValuePrediction:
    """Predicted value and risk for every customer with a purchase before ``cutoff``.

    Parameters
    ----------
    con, transactions
        DuckDB connection and the canonical transactions relation in it.
    horizon_days
        Days ahead to predict; at most the length of the history before the cut.
    cutoff
        The moment predictions are made at; by default just after the last purchase. Orders at or
        after it are never read.
    random_state
        Seed of the models.

    Returns
    -------
    ValuePrediction
        ``scores`` indexed by customer_id with :data:`VALUE_COLUMNS`.

    Raises
    ------
    ValueError
        With a plain message when the history is too thin (see :func:`check_history`).
    """
    if horizon_days < 1:
        raise ValueError("The horizon must be at least one day.")
    if cutoff is None:
        cutoff = history_span(con, transactions)[1] + pd.Timedelta(seconds=1)
    cutoff = pd.Timestamp(cutoff)
    model, now, scale, check, notes = fit_value_model(
        con, transactions, cutoff, horizon_days, random_state=random_state
    )
    raw = model.predict_frame(now, scale)
    scores = raw.drop(columns="buy_probability")
    scores["churn_probability"] = 1 - raw["buy_probability"]
    scores["next_order_date"] = next_order_dates(cutoff, raw["expected_purchases"], horizon_days)
    scores["avg_days_between_orders"] = now["mean_gap_days"]
    scores["prediction_note"] = customer_notes(now, horizon_days)
    if not spend_known(con, transactions):  # spend unknown, not 0
        scores[["predicted_spend", "spend_low", "spend_high"]] = np.nan
        notes.append(
            "The orders carry no prices, so spend is not predicted: only orders and the chance of leaving."
        )
    return ValuePrediction(
        scores[list(VALUE_COLUMNS)], cutoff, int(horizon_days), round(horizon_days / scale), check, model,
        tuple(notes),
    )  # fmt: skip


def next_order_dates(cutoff: pd.Timestamp, expected: pd.Series, horizon_days: float) -> pd.Series:
    """Expected date of the next order at the predicted rate; blank when not expected within two horizons."""
    days = horizon_days / expected.clip(lower=1e-9)
    dates = pd.Timestamp(cutoff).normalize() + pd.to_timedelta(
        np.ceil(days.clip(upper=2 * horizon_days + 1)), unit="D"
    )
    return dates.where(days <= 2 * horizon_days)
