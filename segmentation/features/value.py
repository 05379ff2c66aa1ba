"""Predicted value and risk per customer over a chosen horizon, learned from the shop's own history.

The history is cut once more inside the known past: features at ``cut - window`` (``history.py``),
outcomes in the ``window`` after it. Three gradient-boosting models learn expected orders (Poisson
loss), spend (Poisson loss) and the chance of ordering at all; an 80% interval for spend comes from
the spread of actual spend among training customers with a similar prediction. The fitted models then
read every customer's features at the cut itself. When the history is shorter than two horizons the
training window is shorter than the horizon and counts and spend are scaled up to it (said in notes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_limits

from segmentation.catalog import CustomerTable, Feature
from segmentation.errors import quote_relation
from segmentation.features.bgnbd import BetaGeoGamma, rfm_from_features
from segmentation.features.history import (
    MIN_TRAIN_CUSTOMERS,
    HistoryCheck,
    check_history,
    customer_notes,
    history_features,
    history_outcomes,
    history_span,
)

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
_BINS = 20
#: Boosting runs on one OpenMP thread: on a shared 2-core machine more threads spin against each other
#: (3,000 customers took 164 s with the default threads under load, 6 s with one).
_MAX_TRAIN = 100_000
_CHECK_SAMPLE = 50_000


def _booster(kind: str, random_state: int) -> Any:
    common = dict(
        max_iter=150, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=50, l2_regularization=1.0
    )
    if kind == "classifier":
        return HistGradientBoostingClassifier(**common, random_state=random_state)  # type: ignore[arg-type]
    return HistGradientBoostingRegressor(loss="poisson", **common, random_state=random_state)  # type: ignore[arg-type]


def _bin_edges(matrix: np.ndarray) -> list[np.ndarray]:
    """Unweighted quantile edges per column, at most 255 bins (the boosters' own limit)."""
    grid = np.linspace(0, 1, 256)[1:-1]
    return [
        np.unique(np.nanquantile(col, grid)) if np.isfinite(col).any() else np.array([]) for col in matrix.T
    ]


def _binned(matrix: np.ndarray, edges: list[np.ndarray]) -> np.ndarray:
    """Bin numbers per column (missing stays missing). Binned before boosting because, given sample
    weights, scikit-learn finds its bins by one weighted percentile per threshold, which took most of
    the fit at scale; with at most 255 distinct values it uses them as they are (binning.py)."""
    out = np.column_stack(
        [np.searchsorted(e, col, side="left").astype(float) for col, e in zip(matrix.T, edges, strict=True)]
    )
    return np.where(np.isnan(matrix), np.nan, out)


class ValueModel(BaseEstimator):  # type: ignore[misc]
    """Expected orders, spend (with an interval) and chance of ordering within a window.

    A blend of the textbook structure and learning: a BG/NBD + Gamma-Gamma model
    (``bgnbd.py``) gives each customer's expected orders, chance of ordering and order value; a
    gradient-boosting model with Poisson loss learns a multiplier on those expected orders (the
    BG/NBD figure is its offset) from the history features, and a gradient-boosting classifier
    learns the chance of ordering with the BG/NBD chance among its inputs. Spend is expected orders
    times the Gamma-Gamma order value.

    Parameters
    ----------
    learn : bool
        Whether the boosting models correct the BG/NBD figures; without, this is BG/NBD + Gamma-Gamma.
    max_train : int
        Training customers kept at most (a seeded sample beyond it), which bounds the fit time.
    interval : float
        Coverage of the spend interval (0.8: from the 10th to the 90th percentile).
    random_state : int
        Seed of the sample and of the boosting models.
    """

    def __init__(
        self, learn: bool = True, max_train: int = _MAX_TRAIN, interval: float = 0.8, random_state: int = 0
    ) -> None:
        self.learn = learn
        self.max_train = max_train
        self.interval = interval
        self.random_state = random_state

    def fit(self, features: pd.DataFrame, outcomes: pd.DataFrame, window_days: float) -> ValueModel:
        """Learn from ``features`` (history_features) and ``outcomes`` (purchases, spend; absent = 0)
        over the ``window_days`` after the features' cut."""
        x = features
        if len(x) > self.max_train:
            keep = np.random.default_rng(self.random_state).choice(len(x), self.max_train, replace=False)
            x = x.iloc[np.sort(keep)]
        y = outcomes.reindex(x.index).fillna(0.0)
        self.features_ = tuple(c for c in features.columns if features[c].notna().any())
        self.window_days_ = float(window_days)
        self.structure_ = BetaGeoGamma(random_state=self.random_state).fit(rfm_from_features(x))
        matrix, base, order_value = self._inputs(x)
        bought = (y["purchases"].to_numpy() > 0).astype(int)
        if bought.min() == bought.max():
            raise ValueError("Everyone or no one bought again in the training window: nothing to learn.")
        if self.learn:
            self.bin_edges_ = _bin_edges(matrix)
            binned = _binned(matrix, self.bin_edges_)
            with threadpool_limits(limits=1, user_api="openmp"):
                self.purchases_ = _booster("regressor", self.random_state).fit(
                    binned, y["purchases"].to_numpy() / base, sample_weight=base
                )
                self.buy_ = _booster("classifier", self.random_state).fit(binned, bought)
        fitted = self._predict(matrix, base)[0] * order_value
        edges = np.unique(np.quantile(fitted, np.linspace(0, 1, _BINS + 1)[1:-1]))
        which = np.searchsorted(edges, fitted)
        tail = (1 - self.interval) / 2
        spend = y["spend"].to_numpy()
        bins = [spend[which == b] for b in range(len(edges) + 1)]
        ratio = [
            np.quantile(s, [tail, 1 - tail]) / max(float(s.mean()), 1e-9) if len(s) else [0, 0] for s in bins
        ]
        self.interval_edges_ = edges
        self.interval_ratios_ = np.asarray(ratio, dtype=float)
        self.n_train_ = len(x)
        return self

    def _predict(self, matrix: np.ndarray, base: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Expected orders and chance of ordering in the window (BG/NBD alone when not learning)."""
        if not self.learn:
            return base, matrix[:, -1]
        binned = _binned(matrix, self.bin_edges_)
        with threadpool_limits(limits=1, user_api="openmp"):
            return self.purchases_.predict(binned) * base, self.buy_.predict_proba(binned)[:, 1]

    def _inputs(self, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Matrix (history features plus the BG/NBD figures), BG/NBD expected orders, order value."""
        rfm = rfm_from_features(features)
        expected = self.structure_.expected_purchases(rfm, self.window_days_) + 1e-3
        buy = 1 - self.structure_.probability_no_purchase(rfm, self.window_days_)
        matrix = np.column_stack([features[list(self.features_)].to_numpy(dtype=float), expected, buy])
        return matrix, expected, self.structure_.expected_order_value(rfm)

    def predict_frame(self, features: pd.DataFrame, scale: float = 1.0) -> pd.DataFrame:
        """Expected orders and spend (times ``scale``), spend interval and chance of ordering."""
        matrix, base, order_value = self._inputs(features)
        purchases, buy = self._predict(matrix, base)
        spend = purchases * order_value
        which = np.searchsorted(self.interval_edges_, spend)
        low, high = (self.interval_ratios_[which] * spend[:, None]).T
        return pd.DataFrame(
            {
                "expected_purchases": purchases * scale,
                "predicted_spend": spend * scale,
                "spend_low": low * scale,
                "spend_high": high * scale,
                "buy_probability": buy,
            },
            index=features.index,
        )


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
    learn, note = choose_learning(
        con, transactions, train_cut, window, horizon_days, random_state, customers=len(now)
    )
    notes.append(note)
    model = ValueModel(learn=learn, random_state=random_state).fit(past, outcomes, window)
    if not learn:  # the structure alone needs no outcomes: fit it on the freshest history
        model.structure_ = BetaGeoGamma(random_state=random_state).fit(rfm_from_features(now))
    return model, now, horizon_days / window, check, notes


def _quality(predicted: pd.DataFrame, actual: pd.DataFrame) -> float:
    """AUC of "ordered" plus Spearman correlation of orders: the yardstick of :func:`choose_learning`."""
    y = actual.reindex(predicted.index).fillna(0.0)["purchases"].to_numpy()
    if not 0 < (y > 0).sum() < len(y):
        return float("nan")
    auc = roc_auc_score(y > 0, predicted["buy_probability"])
    return float(auc + spearmanr(predicted["expected_purchases"], y)[0])


def choose_learning(
    con: duckdb.DuckDBPyConnection,
    transactions: str,
    train_cut: pd.Timestamp,
    window: int,
    horizon_days: int,
    random_state: int = 0,
    *,
    customers: int = 0,
) -> tuple[bool, str]:
    """Does learning beat BG/NBD + Gamma-Gamma alone on this shop? Judged before ``train_cut`` only:
    both fitted at ``train_cut - window/2`` predict the half window after ``train_cut``. Learning
    stays on when there is no room to judge. Beyond 50,000 ``customers`` it is judged on a fixed
    sample of them (by a hash of the id)."""
    if customers > _CHECK_SAMPLE:
        view = "_value_check_sample"
        percent = max(1, round(100 * _CHECK_SAMPLE / customers))
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {quote_relation(transactions)} "
            f"WHERE hash(customer_id) % 100 < {percent}"
        )
        try:
            return choose_learning(con, view, train_cut, window, horizon_days, random_state)
        finally:
            con.execute(f"DROP VIEW IF EXISTS {view}")
    half = max(window // 2, 1)
    start, _ = history_span(con, transactions)
    early = train_cut - pd.Timedelta(days=half)
    if (early - start).days < half:
        return (
            True,
            "Model: BG/NBD corrected by learning (too little history to check it against BG/NBD alone).",
        )
    past = history_features(con, transactions, early, horizon_days)
    now = history_features(con, transactions, train_cut, horizon_days)
    if len(past) < MIN_TRAIN_CUSTOMERS:
        return True, "Model: BG/NBD corrected by learning (too few early customers to check it)."
    seen = history_outcomes(con, transactions, early, train_cut)
    actual = history_outcomes(con, transactions, train_cut, train_cut + pd.Timedelta(days=half))
    try:
        learned = ValueModel(max_train=30_000, random_state=random_state).fit(past, seen, half)
    except ValueError:
        return True, "Model: BG/NBD corrected by learning."
    rfm = rfm_from_features(now)  # the same BG/NBD, not corrected: its own figures
    scores = [
        _quality(p, actual) for p in (learned.predict_frame(now), learned.structure_.predict_frame(rfm, half))
    ]
    if scores[0] >= scores[1] or np.isnan(scores[1]):
        return True, "Model: BG/NBD corrected by learning (it predicted this shop's past better)."
    return False, "Model: BG/NBD + Gamma-Gamma alone (learning did not predict this shop's past better)."


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


#: Catalog entries of the value columns a table gets from :func:`with_value` (family "predictive").
VALUE_FEATURES: tuple[Feature, ...] = (
    Feature("expected_purchases", "predictive", "Expected orders", unit="orders",
            description="Orders the customer is expected to place within the forecast horizon."),
    Feature("predicted_spend", "predictive", "Predicted spend", unit="currency",
            description="Spend expected within the forecast horizon (customer value for the horizon)."),
    Feature("churn_probability", "predictive", "Chance of leaving", unit="share",
            description="Estimated chance that the customer places no order within the forecast horizon."),
)  # fmt: skip


def with_value(table: CustomerTable, prediction: ValuePrediction) -> CustomerTable:
    """A copy of ``table`` with expected orders, predicted spend and chance of leaving (customers
    with no order before the cut get none) and their catalog entries."""
    names = [f.name for f in VALUE_FEATURES]
    frame = table.frame.drop(columns=[c for c in names if c in table.frame.columns])
    frame = frame.join(prediction.scores[names].reindex(frame.index))
    catalog = tuple(f for f in table.catalog if f.name not in names) + VALUE_FEATURES
    return CustomerTable(frame, catalog, table.reference_date, table.notes)
