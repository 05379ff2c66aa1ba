"""The value model: BG/NBD + Gamma-Gamma (``bgnbd.py``) corrected by gradient boosting learned on the
shop's own history. :mod:`value` decides whether and how much of the correction to use."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from segmentation.features.bgnbd import BetaGeoGamma, rfm_from_features

_BINS = 20
#: Boosting runs on one OpenMP thread: on a shared 2-core machine more threads spin against each other
#: (3,000 customers took 164 s with the default threads under load, 6 s with one).
_MAX_TRAIN = 100_000


def _booster(kind: str, random_state: int) -> Any:
    common = dict(
        max_iter=150, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=50, l2_regularization=1.0
    )
    if kind == "classifier":
        return HistGradientBoostingClassifier(**common, random_state=random_state)  # type: ignore[arg-type]
    return HistGradientBoostingRegressor(loss="poisson", **common, random_state=random_state)  # type: ignore[arg-type]


def _bin_edges(matrix: np.ndarray) -> list[np.ndarray]:
    """Unweighted quantile edges per column, at most 255 bins (the boosters' own limit); infinite
    values (a ratio over a zero gap) fall in the outermost bins without moving the edges."""
    grid = np.linspace(0, 1, 256)[1:-1]
    finite = np.where(np.isfinite(matrix), matrix, np.nan)
    return [
        np.unique(np.nanquantile(col, grid)) if np.isfinite(col).any() else np.array([]) for col in finite.T
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
    learns the chance of ordering with the BG/NBD chance among its inputs. The figures given are a
    blend of these and those of ``fresh_``, BG/NBD + Gamma-Gamma fitted on the features at the cut
    itself (set by :meth:`refresh`; the training structure until then). Spend is the blended orders
    times the Gamma-Gamma order value.

    Parameters
    ----------
    learn : bool
        Whether the boosting models correct the BG/NBD figures; without, this is BG/NBD + Gamma-Gamma.
    max_train : int
        Training customers kept at most (a seeded sample beyond it), which bounds the fit time.
    blend : float
        Weight of the learned figures against ``fresh_`` (0: BG/NBD + Gamma-Gamma alone, 1: learned only).
    interval : float
        Coverage of the spend interval (0.8: from the 10th to the 90th percentile).
    random_state : int
        Seed of the sample and of the boosting models.
    """

    def __init__(
        self,
        learn: bool = True,
        max_train: int = _MAX_TRAIN,
        blend: float = 1.0,
        interval: float = 0.8,
        random_state: int = 0,
    ) -> None:
        self.learn = learn
        self.blend = blend
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
        self.structure_ = self.fresh_ = BetaGeoGamma(random_state=self.random_state).fit(rfm_from_features(x))
        matrix, base = self._inputs(x)
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
        fitted = self._blended(x, *self._predict(matrix, base), 1.0)[2]
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

    def _inputs(self, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Matrix (history features plus the BG/NBD figures) and BG/NBD expected orders."""
        rfm = rfm_from_features(features)
        expected = self.structure_.expected_purchases(rfm, self.window_days_) + 1e-3
        buy = 1 - self.structure_.probability_no_purchase(rfm, self.window_days_)
        matrix = np.column_stack([features[list(self.features_)].to_numpy(dtype=float), expected, buy])
        return matrix, expected

    def refresh(self, features: pd.DataFrame) -> ValueModel:
        """Fit the BG/NBD + Gamma-Gamma of the spend on the features at the cut (no outcomes needed)."""
        self.fresh_ = BetaGeoGamma(random_state=self.random_state).fit(rfm_from_features(features))
        if not self.learn:
            self.structure_ = self.fresh_
        return self

    def _blended(
        self, features: pd.DataFrame, purchases: np.ndarray, buy: np.ndarray, scale: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Orders over the window times ``scale``, chance of ordering in the window and spend: the
        learned figures blended with those of ``fresh_`` (geometric for orders, linear for the chance)."""
        rfm = rfm_from_features(features)
        w = self.blend if self.learn else 0.0
        plain = self.fresh_.expected_purchases(rfm, self.window_days_ * scale) + 1e-3
        orders = np.exp(w * np.log(purchases * scale) + (1 - w) * np.log(plain))
        chance = w * buy + (1 - w) * (1 - self.fresh_.probability_no_purchase(rfm, self.window_days_))
        return orders, chance, orders * self.fresh_.expected_order_value(rfm)

    def predict_frame(self, features: pd.DataFrame, scale: float = 1.0) -> pd.DataFrame:
        """Expected orders and spend (times ``scale``), spend interval and chance of ordering."""
        matrix, base = self._inputs(features)
        purchases, buy, spend = self._blended(features, *self._predict(matrix, base), scale)
        purchases, spend = purchases / scale, spend / scale
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
