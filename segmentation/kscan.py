"""Choosing the number of segments: a k-means scan from 2 to 12 groups with quality and stability.

Silhouette, Calinski-Harabasz and Davies-Bouldin on a sample, inertia on all rows, stability as the
mean adjusted Rand index over bootstrap refits; the recommendation comes with a one-line reason.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from segmentation.clustering import _check_matrix, make_kmeans


def stability_word(ari: float) -> str:
    """Plain word for a bootstrap ARI: "stable" (>= 0.85), "fairly stable" (>= 0.65) or "shaky"."""
    if ari >= 0.85:
        return "stable"
    return "fairly stable" if ari >= 0.65 else "shaky"


@dataclass(frozen=True)
class KScan:
    """Quality of each number of groups: ``table`` has k, silhouette, calinski_harabasz,
    davies_bouldin, inertia and stability (mean bootstrap ARI); ``reason`` explains the pick."""

    table: pd.DataFrame
    recommended_k: int
    reason: str


def silhouettes(X: np.ndarray, labelings: dict[int, np.ndarray], chunk: int = 1024) -> dict[int, float]:
    """Mean silhouette of several labelings of the same rows, sharing one pass over the distances.

    Sums of distances to each cluster are matrix products of a distance block with one-hot labels,
    so the cost is one distance matrix (in blocks) for all labelings together.
    """
    X = np.asarray(X, dtype=np.float32)
    sq = (X.astype(np.float64) ** 2).sum(axis=1)
    onehots = {k: np.eye(int(lab.max()) + 1, dtype=np.float32)[lab] for k, lab in labelings.items()}
    sums = {k: np.zeros(oh.shape, dtype=np.float64) for k, oh in onehots.items()}
    for start in range(0, len(X), chunk):
        block = X[start : start + chunk]
        d2 = sq[start : start + chunk, None] + sq[None, :] - 2.0 * (block @ X.T)
        dist = np.sqrt(np.maximum(d2, 0.0)).astype(np.float32)
        for k, oh in onehots.items():
            sums[k][start : start + chunk] = dist @ oh
    out = {}
    for k, lab in labelings.items():
        counts = onehots[k].sum(axis=0).astype(np.float64)
        own = counts[lab]
        a = sums[k][np.arange(len(lab)), lab] / np.maximum(own - 1, 1)
        mean_other = sums[k] / np.maximum(counts, 1)[None, :]
        mean_other[np.arange(len(lab)), lab] = np.inf
        mean_other[:, counts == 0] = np.inf
        b = mean_other.min(axis=1)
        s = np.where(own > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
        out[k] = float(np.mean(s[np.isfinite(s)])) if np.isfinite(s).any() else 0.0
    return out


def _recommend(table: pd.DataFrame) -> tuple[int, str]:
    """Best silhouette among stable k (if any), preferring fewer groups when within 0.02."""
    stable = table[table["stability"] >= 0.75]
    pool = stable if len(stable) else table
    best = pool["silhouette"].max()
    row = pool[pool["silhouette"] >= best - 0.02].sort_values("k").iloc[0]
    k, sil, word = int(row["k"]), float(row["silhouette"]), stability_word(float(row["stability"]))
    clarity = "the clearest separation" if sil >= table["silhouette"].max() - 0.02 else "a clear separation"
    tail = "stable across resamples" if word == "stable" else f"{word} across resamples"
    return k, f"{k} groups: {clarity} (silhouette {sil:.2f}) and {tail}"


def scan_k(
    X: Any,
    ks: Any = range(2, 13),
    random_state: int = 0,
    sample_size: int = 10_000,
    n_bootstrap: int = 3,
    fit_size: int = 20_000,
) -> KScan:
    """Compare numbers of groups with k-means and recommend one.

    Each k is fitted on a sample of ``fit_size`` rows; silhouette, Calinski-Harabasz and
    Davies-Bouldin are measured on a sample of ``sample_size`` rows, inertia on all rows; stability
    is the mean adjusted Rand index between the reference fit and fits on ``n_bootstrap`` bootstrap
    resamples (compared on the metric sample).

    Returns
    -------
    KScan
        Example reason: "5 groups: the clearest separation (silhouette 0.41) and stable across resamples".
    """
    from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, davies_bouldin_score

    X = _check_matrix(X)
    n = len(X)
    n_distinct = len(np.unique(X[: min(n, 5_000)], axis=0))
    ks = [int(k) for k in ks if 2 <= k < min(n, n_distinct + 1)]
    if not ks:
        raise ValueError(
            f"Only {n_distinct} distinct customer profile(s) on these criteria: too few to compare numbers of groups."
        )
    rng = np.random.default_rng(random_state)
    fit_idx = np.sort(rng.choice(n, min(n, fit_size), replace=False))
    ev = X[np.sort(rng.choice(n, min(n, sample_size), replace=False))]
    rows, labelings = [], {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for k in ks:
            model = make_kmeans(k, len(fit_idx), random_state).fit(X[fit_idx])
            ref = model.predict(ev)
            aris = []
            for b in range(n_bootstrap):
                boot = X[rng.choice(fit_idx, len(fit_idx), replace=True)]
                other = make_kmeans(k, len(boot), random_state + b + 1, n_init=1).fit(boot)
                aris.append(adjusted_rand_score(ref, other.predict(ev)))
            inertia = float(np.sum(np.min(_sq_dist(X, model.cluster_centers_), axis=1)))
            several = len(np.unique(ref)) > 1
            rows.append(
                {
                    "k": k,
                    "calinski_harabasz": calinski_harabasz_score(ev, ref) if several else 0.0,
                    "davies_bouldin": davies_bouldin_score(ev, ref) if several else np.inf,
                    "inertia": inertia,
                    "stability": float(np.mean(aris)) if aris else np.nan,
                }
            )
            labelings[k] = ref
    sil = silhouettes(ev, labelings)
    table = pd.DataFrame(rows)
    table.insert(1, "silhouette", [sil[k] for k in table["k"]])
    if n_bootstrap == 0:
        table["stability"] = 1.0
    k, reason = _recommend(table)
    return KScan(table, k, reason)


def _sq_dist(X: np.ndarray, centers: np.ndarray, chunk: int = 65_536) -> np.ndarray:
    out = np.empty((len(X), len(centers)))
    c2 = (centers.astype(np.float64) ** 2).sum(axis=1)
    for start in range(0, len(X), chunk):
        b = X[start : start + chunk].astype(np.float64)
        out[start : start + chunk] = (b**2).sum(1)[:, None] - 2.0 * b @ centers.T + c2[None, :]
    return np.maximum(out, 0.0)
