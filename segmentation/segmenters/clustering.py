"""Clustering customers: several algorithms behind one estimator, in a stable segment order.

``SegmentClusterer`` wraps k-means, Gaussian mixtures, HDBSCAN, Ward and k-prototypes so that every
method sorts its segments the same way (highest mean value first) and can assign new customers.
``scan_k`` (kscan.py) compares numbers of groups; ``cluster_segmentation`` is the one call the app makes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import AgglomerativeClustering, KMeans, MiniBatchKMeans
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

from segmentation.catalog import CustomerTable
from segmentation.segmenters.criteria import CriteriaSpec
from segmentation.segmenters.criteria_encoder import CriteriaEncoder, MixedEncoder
from segmentation.segmenters.kprototypes import KPrototypes
from segmentation.segments import Segmentation

METHODS = ("kmeans", "gmm", "hdbscan", "ward", "kprototypes")
METHOD_LABELS = {
    "kmeans": "k-means (fast, round groups)",
    "gmm": "Gaussian mixture (soft, oval groups)",
    "hdbscan": "HDBSCAN (finds its own number of groups, leaves outliers aside)",
    "ward": "Ward hierarchical (compact groups)",
    "kprototypes": "k-prototypes (mostly categorical criteria)",
}
UNCLUSTERED = "Unclustered"
#: Above this many rows k-means switches to mini-batches.
MINIBATCH_ROWS = 50_000
#: SegmentClusterer fits k-means on at most this many rows and assigns the rest to the nearest centre.
KMEANS_FIT_ROWS = 100_000


def make_kmeans(k: int, n_rows: int, random_state: int = 0, n_init: int = 3) -> KMeans | MiniBatchKMeans:
    """KMeans for small data, MiniBatchKMeans with large batches above ``MINIBATCH_ROWS``."""
    if n_rows > MINIBATCH_ROWS:
        return MiniBatchKMeans(
            n_clusters=k, batch_size=4096, n_init=n_init, max_no_improvement=20, random_state=random_state
        )
    return KMeans(n_clusters=k, n_init=n_init, random_state=random_state)


def check_matrix(X: Any) -> np.ndarray:
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError("There are no customers to group.")
    if not np.isfinite(X).all():
        raise ValueError(
            "The criteria contain missing or infinite values; encode them with CriteriaEncoder first."
        )
    return X


def _nearest(X: np.ndarray, centers: np.ndarray, chunk: int = 65_536) -> np.ndarray:
    """Index of the nearest center for each row (squared euclidean), in chunks to bound memory."""
    out = np.empty(len(X), dtype=np.int64)
    c2 = (centers.astype(np.float64) ** 2).sum(axis=1)
    for start in range(0, len(X), chunk):
        block = X[start : start + chunk].astype(np.float64)
        out[start : start + chunk] = np.argmin(
            c2[None, :] - 2.0 * block @ centers.T.astype(np.float64), axis=1
        )
    return out


class SegmentClusterer(ClusterMixin, BaseEstimator):
    """Cluster a criteria matrix into segments ordered by value, highest first.

    Parameters
    ----------
    method : {"kmeans", "gmm", "hdbscan", "ward", "kprototypes"}
    n_clusters : int
        Wanted number of segments (HDBSCAN finds its own). Fewer come out when customers do not
        differ enough (e.g. all identical).
    random_state : int
        Seed of every random step.
    sample_size : int
        Rows that Ward, HDBSCAN and the Gaussian mixture are fitted on (k-means: at least
        ``KMEANS_FIT_ROWS``); the rest are assigned.
    min_cluster_size : int or None
        HDBSCAN's smallest group; default 1 % of the fitted rows (at least 15).
    categorical : sequence of int or None
        k-prototypes only: columns of ``X`` holding category codes.

    Attributes
    ----------
    labels_ : ndarray of int
        Segment code of each fitted row: 0 is the segment with the highest mean ``value`` (ties by
        size, then centroid); with HDBSCAN, outliers form the last segment ("Unclustered").
    n_segments_ : int
    has_noise_ : bool
    centers_ : ndarray
        Mean criteria row of each segment (noise excluded), in code order.
    """

    def __init__(
        self,
        method: str = "kmeans",
        n_clusters: int = 5,
        random_state: int = 0,
        sample_size: int = 20_000,
        min_cluster_size: int | None = None,
        categorical: Any = None,
    ) -> None:
        self.method = method
        self.n_clusters = n_clusters
        self.random_state = random_state
        self.sample_size = sample_size
        self.min_cluster_size = min_cluster_size
        self.categorical = categorical

    # -- fitting -------------------------------------------------------------------------------
    def fit(self, X: Any, value: Any = None) -> SegmentClusterer:
        """Fit on ``X`` (rows = customers); ``value`` (e.g. monetary) only sets the segment order."""
        if self.method not in METHODS:
            raise ValueError(f"Unknown clustering method {self.method!r}; choose among {list(METHODS)}.")
        if self.n_clusters < 1:
            raise ValueError("Ask for at least one segment.")
        X = check_matrix(X)
        k = min(int(self.n_clusters), len(X))
        rng = np.random.default_rng(self.random_state)
        with warnings.catch_warnings():
            # Fewer distinct customers than k: sklearn warns, we simply keep the non-empty groups.
            warnings.simplefilter("ignore", ConvergenceWarning)
            raw = getattr(self, f"_fit_{self.method}")(X, k, rng)
        self._set_order(X, raw, value)
        self.labels_ = self._codes(raw, X)
        return self

    def _sample(self, n: int, rng: np.random.Generator, size: int | None = None) -> np.ndarray:
        size = self.sample_size if size is None else size
        return np.arange(n) if n <= size else np.sort(rng.choice(n, size, replace=False))

    def _fit_kmeans(self, X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
        # Full k-means on a 100k sample beats mini-batches on all rows (0.3 s against 5-27 s at 1M
        # rows); one thread, as OpenMP contention on 2 shared cores made it 5x slower.
        idx = self._sample(len(X), rng, max(self.sample_size, KMEANS_FIT_ROWS))
        with threadpool_limits(1):
            self.model_ = KMeans(n_clusters=k, n_init=3, random_state=self.random_state).fit(X[idx])
            self.raw_centers_ = self.model_.cluster_centers_
            return np.asarray(self.model_.predict(X))

    def _fit_gmm(self, X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
        idx = self._sample(len(X), rng, max(self.sample_size, 50_000))
        gmm = GaussianMixture(k, covariance_type="full", reg_covar=1e-3, random_state=self.random_state)
        self.model_ = gmm.fit(X[idx])
        self.raw_centers_ = self.model_.means_
        return self.model_.predict(X)

    def _fit_ward(self, X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
        # Ward needs O(n^2) memory: fit a sample, then assign everyone to the nearest centroid.
        idx = self._sample(len(X), rng, min(self.sample_size, 5_000))
        sub = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(X[idx])
        self.raw_centers_ = np.vstack([X[idx][sub == c].mean(axis=0) for c in range(k)])
        return _nearest(X, self.raw_centers_)

    def _fit_hdbscan(self, X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
        import hdbscan  # heavy import, only when this method is chosen

        # Density estimates degrade in many dimensions and get slow on many rows: reduce both.
        self.pca_ = PCA(10, random_state=self.random_state).fit(X) if X.shape[1] > 10 else None
        Z = self._reduce(X)
        idx = self._sample(len(Z), rng)
        size = self.min_cluster_size or max(15, len(idx) // 100)
        # One core-distance job: the default spawns worker processes whose start-up dominated
        # (20 s instead of 3-5 s for 20k rows on 2 shared cores).
        self.model_ = hdbscan.HDBSCAN(
            min_cluster_size=int(size),
            min_samples=min(10, int(size)),
            algorithm="boruvka_kdtree",
            core_dist_n_jobs=1,
            prediction_data=True,
        ).fit(Z[idx])
        raw = np.full(len(Z), -1, dtype=np.int64)
        raw[idx] = self.model_.labels_
        rest = np.setdiff1d(np.arange(len(Z)), idx)
        if len(rest):
            raw[rest] = hdbscan.approximate_predict(self.model_, Z[rest])[0]
        n_raw = int(raw.max()) + 1
        self.raw_centers_ = (
            np.vstack(
                [
                    X[raw == c].mean(axis=0) if (raw == c).any() else np.full(X.shape[1], np.inf)
                    for c in range(n_raw)
                ]
            )
            if n_raw
            else np.empty((0, X.shape[1]), dtype=np.float32)
        )
        return raw

    def _fit_kprototypes(self, X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
        self.model_ = KPrototypes(k, categorical=self.categorical, random_state=self.random_state).fit(X)
        self.raw_centers_ = self.model_.cluster_centers_
        return self.model_.labels_

    def _reduce(self, X: np.ndarray) -> np.ndarray:
        pca = getattr(self, "pca_", None)
        return X if pca is None else pca.transform(X).astype(np.float32)

    # -- stable order --------------------------------------------------------------------------
    def _set_order(self, X: np.ndarray, raw: np.ndarray, value: Any) -> None:
        present = np.unique(raw[raw >= 0])
        vals = (
            None
            if value is None
            else pd.to_numeric(pd.Series(np.asarray(value)), errors="coerce").to_numpy(float)
        )
        keys = []
        for c in present:
            member = raw == c
            mean_value = (
                np.nanmean(vals[member]) if vals is not None and np.isfinite(vals[member]).any() else -np.inf
            )
            centroid = tuple(np.round(X[member].mean(axis=0).astype(float), 6))
            keys.append((-mean_value, -int(member.sum()), centroid, int(c)))
        order = [key[-1] for key in sorted(keys)]
        n_raw = int(raw.max()) + 1 if raw.max() >= 0 else 0
        n_raw = max(n_raw, len(getattr(self, "raw_centers_", [])))
        self.raw_to_code_ = np.full(n_raw, -1, dtype=np.int64)
        self.raw_to_code_[order] = np.arange(len(order))
        self.n_clusters_ = len(order)
        self.has_noise_ = bool((raw < 0).any())
        self.n_segments_ = self.n_clusters_ + int(self.has_noise_)
        self.centers_ = np.vstack([X[raw == c].mean(axis=0) for c in order]) if order else X[:0]
        # Raw clusters left empty (duplicate centers) send their rows to the nearest non-empty one.
        for c in np.flatnonzero(self.raw_to_code_ < 0):
            if c < len(self.raw_centers_) and np.isfinite(self.raw_centers_[c]).all():
                self.raw_to_code_[c] = int(_nearest(self.raw_centers_[c : c + 1], self.centers_)[0])

    def _codes(self, raw: np.ndarray, X: np.ndarray) -> np.ndarray:
        codes = np.where(raw >= 0, self.raw_to_code_[np.clip(raw, 0, None)], -1)
        noise = codes < 0
        if noise.any():
            # Noise gets its own last segment; without one (not seen at fit) the nearest centroid.
            codes[noise] = self.n_clusters_ if self.has_noise_ else _nearest(X[noise], self.centers_)
        return codes.astype(np.int64)

    # -- assigning new customers ---------------------------------------------------------------
    def predict(self, X: Any) -> np.ndarray:
        """Segment codes for new rows, consistent with ``labels_``."""
        X = check_matrix(X)
        if self.method in ("kmeans", "gmm", "kprototypes"):
            raw = np.asarray(self.model_.predict(X))
        elif self.method == "ward":
            raw = _nearest(X, self.raw_centers_)
        else:
            import hdbscan

            raw = hdbscan.approximate_predict(self.model_, self._reduce(X))[0]
        return self._codes(np.asarray(raw, dtype=np.int64), X)

    def segment_names(self) -> tuple[str, ...]:
        names = tuple(f"Segment {i + 1}" for i in range(self.n_clusters_))
        return (*names, UNCLUSTERED) if self.has_noise_ else names


@dataclass(frozen=True)
class FittedSegmenter:
    """What ``cluster_segmentation`` fitted, kept to assign new customers the same way."""

    encoder: CriteriaEncoder | MixedEncoder
    clusterer: SegmentClusterer

    def assign(self, frame: pd.DataFrame) -> pd.Series:
        """Segment code for each row of a customer frame (index kept)."""
        codes = self.clusterer.predict(self.encoder.transform(frame))
        return pd.Series(codes, index=frame.index, name="segment")


def cluster_segmentation(
    table: CustomerTable,
    spec: CriteriaSpec,
    method: str = "kmeans",
    k: int = 5,
    random_state: int = 0,
    value_column: str = "monetary",
    encoded: tuple[CriteriaEncoder, np.ndarray] | None = None,
) -> tuple[Segmentation, FittedSegmenter]:
    """Segment a customer table by clustering the chosen criteria.

    Rows are processed in ``customer_id`` order, so shuffling the input never changes the result.

    Parameters
    ----------
    table : CustomerTable
    spec : CriteriaSpec
        The chosen criteria families, features and weights.
    method : str
        One of ``METHODS``; "kprototypes" keeps categorical columns as categories.
    k : int
        Number of segments (ignored by HDBSCAN).
    random_state : int
    value_column : str
        Column whose per-segment mean sets the order (segment 1 = most valuable).
    encoded : (CriteriaEncoder, ndarray), optional
        An encoder already fitted on ``table.frame`` for ``spec`` and its matrix (rows in frame order),
        reused to save encoding large tables twice; ignored by k-prototypes or when the table's rows
        are not in ``customer_id`` order.

    Returns
    -------
    (Segmentation, FittedSegmenter)
        Segments named "Segment 1".. (profiling names them later) and the fitted objects.
    """
    frame = table.frame.sort_index(kind="stable")
    encoder: CriteriaEncoder | MixedEncoder
    if method == "kprototypes":
        encoder = MixedEncoder(spec, table.catalog).fit(frame)
        categorical = encoder.categorical_columns_
        X = encoder.transform(frame)
    elif encoded is not None and table.frame.index.is_monotonic_increasing:
        (encoder, X), categorical = encoded, None
    else:
        encoder, categorical = CriteriaEncoder(spec, table.catalog).fit(frame), None
        X = encoder.transform(frame)
    value = frame.get(value_column, None)
    clusterer = SegmentClusterer(method, k, random_state=random_state, categorical=categorical).fit(X, value)
    labels = pd.Series(clusterer.labels_, index=frame.index, name="segment").reindex(table.frame.index)
    params = {
        "k": int(k),
        "random_state": int(random_state),
        "criteria": spec.to_dict(),
        "n_segments": clusterer.n_segments_,
    }
    seg = Segmentation(labels, clusterer.segment_names(), method, params)
    return seg, FittedSegmenter(encoder, clusterer)
