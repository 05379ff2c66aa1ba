"""The customer map: a 2-D layout of the criteria matrix (PCA at once, UMAP when ready).

UMAP is fitted on a stratified sample (so every segment is present) and the other customers are
placed at the weighted mean of their nearest fitted neighbours (``MapLayout.transform``); the browser receives at most ~20k points (``plot_sample``). ``umap`` is
imported lazily: its first use compiles numba code for tens of seconds, which ``warm_up`` does in a
background thread when the app starts (with ``NUMBA_CACHE_DIR`` set, later processes reuse part of it).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import PCA

#: UMAP switches from exact neighbours to NN-descent (another numba code path) at this many rows.
UMAP_APPROX_ROWS = 4096


def quick_layout(X: Any, random_state: int = 0) -> np.ndarray:
    """Instant 2-D layout (first two principal components), float32 of shape (n, 2)."""
    X = np.asarray(X, dtype=np.float32)
    out = np.zeros((len(X), 2), dtype=np.float32)
    n_comp = min(2, X.shape[1], len(X))
    if n_comp:
        solver = "randomized" if len(X) > 50_000 else "auto"
        out[:, :n_comp] = PCA(n_comp, svd_solver=solver, random_state=random_state).fit_transform(X)
    return out


def stratified_sample(strata: Any, size: int, random_state: int = 0) -> np.ndarray:
    """Sorted row positions: ``size`` rows spread over strata in proportion, at least a few per stratum.

    Stable: the same strata and seed choose the same rows; small strata are kept whole.
    """
    strata = pd.Series(np.asarray(strata)).reset_index(drop=True)
    n = len(strata)
    if n <= size:
        return np.arange(n)
    rng = np.random.default_rng(random_state)
    counts = strata.value_counts(sort=False)
    quota = np.maximum(np.floor(counts * size / n), np.minimum(counts, 50)).astype(int)
    chosen = []
    for value, q in quota.items():
        members = np.flatnonzero((strata == value).to_numpy())
        chosen.append(members if q >= len(members) else rng.choice(members, q, replace=False))
    return np.sort(np.concatenate(chosen))


def plot_sample(labels: pd.Series, max_points: int = 20_000, random_state: int = 0) -> pd.Index:
    """Customers to draw on the map: at most ``max_points``, every segment represented.

    Chosen by a seeded hash of the customer id within each segment, so the same customers are drawn
    whatever the row order, and a customer stays on the map when the data grows a little.
    """
    if len(labels) <= max_points:
        return labels.index
    key = pd.util.hash_pandas_object(labels.index.to_series(), index=False, hash_key=f"{random_state:016d}")
    ranked = pd.DataFrame({"seg": labels.to_numpy(), "key": key.to_numpy()}, index=labels.index)
    ranked["rank"] = ranked.groupby("seg")["key"].rank(method="first")
    counts = ranked["seg"].value_counts()
    quota = pd.Series(
        np.maximum(np.floor(counts * max_points / len(labels)), np.minimum(counts, 50)), index=counts.index
    )
    return ranked.index[(ranked["rank"] <= ranked["seg"].map(quota)).to_numpy()]


class MapLayout(TransformerMixin, BaseEstimator):
    """UMAP layout fitted on a stratified sample; the other rows are placed next to their neighbours.

    Parameters
    ----------
    sample_size : int
        Rows UMAP is fitted on (stratified by ``strata`` when given).
    n_neighbors, min_dist : UMAP parameters.
    n_epochs : int
        Layout epochs of the fit (UMAP's own default is 500 up to 10k rows, 200 above).
    init : {"pca", "spectral"}
        Starting layout; "pca" skips the spectral eigen-solve (about 3 s at 10k rows) at no
        measured loss of trustworthiness.
    exact_transform : bool
        Place new rows with UMAP's own ``transform`` (nearest neighbours plus extra layout epochs,
        about 10x slower) instead of the neighbour-weighted mean (see ``transform``).
    random_state : int
        Seed; UMAP then runs single-threaded and is reproducible.

    Attributes
    ----------
    embedding_ : ndarray of shape (n, 2), float32
        Positions of all fitted rows.
    sample_ : ndarray of int
        Rows the UMAP model was fitted on.
    """

    def __init__(
        self,
        sample_size: int = 10_000,
        n_neighbors: int = 15,
        min_dist: float = 0.1,
        n_epochs: int = 200,
        init: str = "pca",
        exact_transform: bool = False,
        random_state: int = 0,
    ) -> None:
        self.sample_size = sample_size
        self.n_neighbors = n_neighbors
        self.min_dist = min_dist
        self.n_epochs = n_epochs
        self.init = init
        self.exact_transform = exact_transform
        self.random_state = random_state

    def _umap(self, n_rows: int, knn: tuple[np.ndarray, np.ndarray] | None = None) -> Any:
        import umap  # lazy: importing compiles numba code

        return umap.UMAP(
            n_neighbors=min(self.n_neighbors, max(n_rows - 1, 2)),
            min_dist=self.min_dist,
            n_epochs=self.n_epochs,
            init=self.init if n_rows > 3 else "random",
            random_state=self.random_state,
            n_jobs=1,
            precomputed_knn=(*knn, None) if knn is not None else (None, None, None),
        )

    def _fit_umap(self, Xs: np.ndarray, approximate: bool = False) -> Any:
        """UMAP on the sample, with its neighbours found by scikit-learn.

        Exact neighbours of at most ``sample_size`` rows take a fraction of a second, and skip the
        approximate-neighbour code whose numba compilation dominates a fresh process's first map
        (about 25 s of the 30 s measured here).
        """
        from sklearn.neighbors import NearestNeighbors

        k = min(self.n_neighbors, max(len(Xs) - 1, 2))
        self.neighbours_: Any = None
        if len(Xs) <= UMAP_APPROX_ROWS or self.exact_transform or approximate:
            return self._umap(len(Xs)).fit(Xs)
        self.neighbours_ = NearestNeighbors(n_neighbors=k).fit(Xs)
        dist, ind = self.neighbours_.kneighbors(Xs)
        with warnings.catch_warnings():  # UMAP's own transform is not used: rows are placed by _place
            warnings.filterwarnings("ignore", message="precomputed_knn", category=UserWarning)
            return self._umap(len(Xs), (ind, dist.astype(np.float32))).fit(Xs)

    def fit(self, X: Any, strata: Any = None) -> MapLayout:
        """Fit UMAP on a stratified sample of ``X`` and place every row; returns ``self``."""
        X = np.ascontiguousarray(X, dtype=np.float32)
        if len(X) < 3:
            raise ValueError("A map needs at least three customers.")
        strata = np.zeros(len(X)) if strata is None else np.asarray(strata)
        self.sample_ = stratified_sample(strata, self.sample_size, self.random_state)
        many = len(X) - len(self.sample_) > EXACT_PLACEMENT_ROWS
        self.model_ = self._fit_umap(X[self.sample_], approximate=many)
        embedding = np.empty((len(X), 2), dtype=np.float32)
        embedding[self.sample_] = self.model_.embedding_
        rest = np.setdiff1d(np.arange(len(X)), self.sample_)
        if len(rest):
            embedding[rest] = self.transform(X[rest])
        self.embedding_ = embedding
        return self

    def fit_transform(self, X: Any, y: Any = None, **fit_params: Any) -> np.ndarray:
        """Fit on ``X`` (``y``: the strata, as in ``fit``) and return the positions of its rows, ``embedding_``.

        The fitted sample keeps its UMAP positions instead of being placed again by ``transform``.
        """
        return self.fit(X, y, **fit_params).embedding_

    def transform(self, X: Any, chunk: int = 100_000) -> np.ndarray:
        """Place new rows on the fitted map, in chunks to bound memory.

        Each row goes to the mean position of its ``n_neighbors`` nearest fitted customers, weighted
        by UMAP's own membership strengths: this is UMAP's starting point for new rows, without the
        extra layout epochs that cost 90 % of its ``transform`` time and barely move points.
        """
        X = np.ascontiguousarray(X, dtype=np.float32)
        place = self.model_.transform if self.exact_transform else self._place
        parts = [place(X[i : i + chunk]) for i in range(0, len(X), chunk)]
        return np.vstack(parts).astype(np.float32) if parts else np.empty((0, 2), np.float32)

    def _place(self, X: np.ndarray) -> np.ndarray:
        from umap.umap_ import smooth_knn_dist

        model = self.model_
        k = int(model._n_neighbors)
        index = getattr(model, "_knn_search_index", None)
        if self.neighbours_ is not None:
            dist, ind = self.neighbours_.kneighbors(X, k)
        elif index is not None:
            ind, dist = index.query(X, k, epsilon=0.12)
        else:  # small fits use UMAP's exact neighbours and keep no search index
            return np.asarray(model.transform(X), dtype=np.float32)
        dist = dist.astype(np.float32)
        sigmas, rhos = smooth_knn_dist(dist, float(k), local_connectivity=0.0)
        weights = np.exp(-np.maximum(dist - rhos[:, None], 0.0) / sigmas[:, None])
        weights /= weights.sum(axis=1, keepdims=True)
        return np.einsum("ij,ijd->id", weights, model.embedding_[ind]).astype(np.float32)


#: Above this many rows to place, the sample's neighbours come from UMAP's own approximate index
#: (pynndescent): exact search of a million rows against the sample is slower than building and
#: querying it. Below, exact neighbours skip that index's long numba compilation in a fresh app.
EXACT_PLACEMENT_ROWS = 200_000


def umap_layout(X: Any, strata: Any = None, sample_size: int = 10_000, random_state: int = 0) -> np.ndarray:
    """UMAP positions (n, 2) of every row: fitted on a stratified sample, the rest placed by neighbours."""
    return MapLayout(sample_size, random_state=random_state).fit(X, strata).embedding_


def trustworthiness(
    X: Any, embedding: Any, n_neighbors: int = 10, sample_size: int = 3_000, random_state: int = 0
) -> float:
    """How well the map keeps each customer's nearest neighbours (1 = perfectly), on a sample.

    Compare a sampled-and-transformed layout with a full UMAP fit on a modest size to check that
    sampling did not cost quality.
    """
    from sklearn.manifold import trustworthiness as sk_trust

    X, embedding = np.asarray(X, dtype=np.float32), np.asarray(embedding, dtype=np.float32)
    idx = np.arange(len(X))
    if len(X) > sample_size:
        idx = np.sort(np.random.default_rng(random_state).choice(len(X), sample_size, replace=False))
    return float(sk_trust(X[idx], embedding[idx], n_neighbors=min(n_neighbors, len(idx) // 2 - 1)))


def warm_up(n_features: int = 8, random_state: int = 0, large: bool = True) -> float:
    """Compile UMAP's numba code (the >= 4096-row fit path and ``transform``); returns seconds taken.

    Meant for a background thread at app start; a fit on fewer than 4096 rows would use exact
    neighbours and leave the big path and ``transform`` uncompiled.
    """
    import time

    start = time.perf_counter()
    X = (
        np.random.default_rng(random_state)
        .normal(size=(UMAP_APPROX_ROWS + 200, n_features))
        .astype(np.float32)
    )
    layout = MapLayout(sample_size=len(X), n_epochs=5, random_state=random_state)
    layout.fit(X[: len(X) - 64])
    layout.transform(X[-64:])
    if large:  # the path of very large tables (approximate index), compiled after the common one
        layout.model_ = layout._fit_umap(X, approximate=True)
        layout.transform(X[:64])
    return time.perf_counter() - start
