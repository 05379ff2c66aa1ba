"""k-prototypes: clustering on numbers and categories at once (``SegmentClusterer(method="kprototypes")``)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin


class KPrototypes(ClusterMixin, BaseEstimator):
    """Compact k-prototypes (Huang 1997): squared distance on numbers plus ``gamma`` per category mismatch.

    Parameters
    ----------
    n_clusters : int
    categorical : sequence of int
        Columns of ``X`` holding integer category codes; the others are numbers.
    gamma : float or None
        Weight of one mismatch; default half the mean standard deviation of the numeric columns.
    n_init, max_iter, random_state : int
    """

    def __init__(
        self,
        n_clusters: int = 5,
        categorical: Any = None,
        gamma: float | None = None,
        n_init: int = 3,
        max_iter: int = 30,
        random_state: int = 0,
    ) -> None:
        self.n_clusters = n_clusters
        self.categorical = categorical
        self.gamma = gamma
        self.n_init = n_init
        self.max_iter = max_iter
        self.random_state = random_state

    def _split(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cat = np.zeros(X.shape[1], dtype=bool)
        cat[list(self.categorical or [])] = True
        return X[:, ~cat].astype(np.float64), X[:, cat].astype(np.int64)

    def _cost(self, num: np.ndarray, cat: np.ndarray, c_num: np.ndarray, c_cat: np.ndarray) -> np.ndarray:
        cost = (num**2).sum(1)[:, None] - 2.0 * num @ c_num.T + (c_num**2).sum(1)[None, :]
        for j in range(cat.shape[1]):
            cost += self.gamma_ * (cat[:, j][:, None] != c_cat[:, j][None, :])
        return cost

    def fit(self, X: Any, y: Any = None) -> KPrototypes:
        X = np.asarray(X)
        num, cat = self._split(X)
        k, n = min(self.n_clusters, len(num)), len(num)
        std = float(num.std(axis=0).mean()) if num.shape[1] else 0.0
        self.gamma_ = self.gamma if self.gamma is not None else (0.5 * std if std > 0 else 1.0)
        n_values = cat.max(axis=0) + 1 if len(cat) and cat.shape[1] else np.zeros(0, dtype=np.int64)
        rng = np.random.default_rng(self.random_state)
        best: tuple[float, np.ndarray, np.ndarray, np.ndarray] | None = None
        for _ in range(self.n_init):
            start = rng.choice(n, k, replace=False)
            c_num, c_cat = num[start].copy(), cat[start].copy()
            labels = np.full(n, -1)
            for _ in range(self.max_iter):
                new = np.argmin(self._cost(num, cat, c_num, c_cat), axis=1)
                if np.array_equal(new, labels):
                    break
                labels = new
                for c in np.unique(labels):  # empty clusters keep their previous prototype
                    c_num[c] = num[labels == c].mean(axis=0)
                for j, m in enumerate(n_values):
                    counts = np.bincount(labels * m + cat[:, j], minlength=k * m).reshape(k, m)
                    filled = counts.sum(axis=1) > 0
                    c_cat[filled, j] = counts[filled].argmax(axis=1)
            total = float(self._cost(num, cat, c_num, c_cat)[np.arange(n), labels].sum())
            if best is None or total < best[0]:
                best = (total, labels, c_num, c_cat)
        assert best is not None
        self.cost_, self.labels_, self.num_centers_, self.cat_centers_ = best
        centers = np.empty((k, X.shape[1]))
        cat_mask = np.zeros(X.shape[1], dtype=bool)
        cat_mask[list(self.categorical or [])] = True
        centers[:, ~cat_mask], centers[:, cat_mask] = self.num_centers_, self.cat_centers_
        self.cluster_centers_ = centers
        return self

    def predict(self, X: Any) -> np.ndarray:
        num, cat = self._split(np.asarray(X))
        return np.argmin(self._cost(num, cat, self.num_centers_, self.cat_centers_), axis=1)
