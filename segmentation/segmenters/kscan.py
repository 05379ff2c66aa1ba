"""Choosing the number of segments: a k-means scan from 2 to 12 groups with quality and stability.

Everything runs on fixed-size samples (10k rows fitted, 5k measured), so the scan costs the same for
100k or 1M customers: silhouette, Calinski-Harabasz and Davies-Bouldin on the metric sample, inertia
of the fit sample scaled to all rows, stability as the mean adjusted Rand index over bootstrap
refits. The recommendation prefers 3 to 8 groups (see ``recommend``) and comes with a one-line reason.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from segmentation.segmenters.clustering import check_matrix, make_kmeans


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

    def stability(self, k: int) -> float:
        """Mean bootstrap ARI of ``k`` groups (1 = the same groups come back every time)."""
        return float(self.table.loc[self.table["k"] == k, "stability"].iloc[0])

    @property
    def why(self) -> str:
        """The reason as a sentence, without its leading "k groups: "."""
        return self.reason.split(": ", 1)[-1].capitalize()


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


#: Numbers of groups a marketer can act on; others need a clearly better separation to be recommended.
PREFERRED_K = range(3, 9)
#: How much higher the silhouette of a k outside ``PREFERRED_K`` must be to win ("clearly better").
CLEAR_MARGIN = 0.05
#: Bootstrap ARI from which a k counts as stable enough to recommend.
STABLE_ARI = 0.75


def _balance(pool: pd.DataFrame) -> pd.Series:
    """Mean of silhouette, Calinski-Harabasz and (reversed) Davies-Bouldin, each rescaled to 0..1."""

    def unit(v: pd.Series) -> pd.Series:
        v = v.replace([np.inf, -np.inf], np.nan)
        span = v.max() - v.min()
        return (v - v.min()) / span if span > 0 else v * 0.0 + 1.0

    score = (unit(pool["silhouette"]) + unit(pool["calinski_harabasz"]) + unit(-pool["davies_bouldin"])) / 3
    return score.fillna(0.0)


def recommend(table: pd.DataFrame) -> tuple[int, str]:
    """The recommended number of groups and the reason, in plain words.

    Rule: among the stable k (bootstrap ARI >= ``STABLE_ARI``; all k if none is), take the k in
    ``PREFERRED_K`` (3 to 8) with the best balance of silhouette, Calinski-Harabasz and Davies-Bouldin
    (each rescaled 0..1, averaged; ties go to fewer groups). A k outside 3 to 8 (2 groups, or many)
    wins only when its silhouette is higher by at least ``CLEAR_MARGIN``: silhouette alone usually
    peaks at 2, which splits customers into "more" and "less" and is rarely actionable.
    """
    stable = table[table["stability"] >= STABLE_ARI]
    pool = (stable if len(stable) else table).assign(balance=lambda t: _balance(t))
    inside = pool[pool["k"].isin(PREFERRED_K)].sort_values(["balance", "k"], ascending=[False, True])
    outside = pool[~pool["k"].isin(PREFERRED_K)].sort_values(["silhouette", "k"], ascending=[False, True])
    sil_in = float(inside["silhouette"].iloc[0]) if len(inside) else -np.inf
    clearly = bool(len(outside)) and float(outside["silhouette"].iloc[0]) >= sil_in + CLEAR_MARGIN
    row = outside.iloc[0] if clearly else inside.iloc[0]
    k, sil = int(row["k"]), float(row["silhouette"])
    word = stability_word(float(row["stability"]))
    # Plain words for marketers; the figures stay in the scan table and chart.
    tail = f"and {word} when the app re-runs on other samples of customers"
    sharpness = "sharply" if sil >= 0.5 else "clearly" if sil >= 0.25 else "only loosely"
    if clearly and len(inside):
        why = f"customers split {sharpness} into {k} groups, much better than into 3 to 8"
    elif k in PREFERRED_K:
        why = f"among 3 to 8 groups, {k} separate customers best ({sharpness} apart) while staying compact"
    else:
        why = f"{k} groups separate customers best ({sharpness} apart)"
    return k, f"{k} groups: {why}, {tail}"


def scan_k(
    X: Any,
    ks: Any = range(2, 13),
    random_state: int = 0,
    sample_size: int = 5_000,
    n_bootstrap: int = 2,
    fit_size: int = 10_000,
) -> KScan:
    """Compare numbers of groups with k-means and recommend one.

    Each k is fitted (k-means, 2 starts) on one sample of ``fit_size`` rows; silhouette,
    Calinski-Harabasz and Davies-Bouldin are measured on a sample of ``sample_size`` rows; inertia is
    the fit sample's, scaled to all rows; stability is the mean adjusted Rand index between the
    reference fit and single-start fits on ``n_bootstrap`` bootstrap resamples of the fit sample
    (compared on the metric sample). The cost is thus independent of the number of customers.

    The recommendation (see ``recommend``) prefers 3 to 8 groups, balancing silhouette,
    Calinski-Harabasz and Davies-Bouldin among the stable k; 2 groups (or more than 8) only when
    clearly better separated.

    Returns
    -------
    KScan
        Example reason: "5 groups: the best balance of separation (silhouette 0.41) and compactness
        among 3 to 8 groups, stable across resamples".
    """
    X = check_matrix(X)
    n = len(X)
    n_distinct = len(np.unique(X[: min(n, 5_000)], axis=0))
    ks = [int(k) for k in ks if 2 <= k < min(n, n_distinct + 1)]
    if not ks:
        raise ValueError(
            f"Only {n_distinct} distinct customer profile(s) on these criteria: too few to compare numbers of groups."
        )
    rng = np.random.default_rng(random_state)
    fit = X[np.sort(rng.choice(n, min(n, fit_size), replace=False))]
    ev = X[np.sort(rng.choice(n, min(n, sample_size), replace=False))]
    boots = [rng.integers(0, len(fit), len(fit)) for _ in range(n_bootstrap)]
    rows, labelings = [], {}
    # One thread: on 10k rows OpenMP start-up and contention with other processes cost more than they
    # give (measured 7x slower with 2 threads on a loaded 2-core machine).
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        for k in ks:
            row, labelings[k] = _score_k(k, fit, ev, boots, random_state, n_rows=n)
            rows.append(row)
    sil = silhouettes(ev, labelings)
    table = pd.DataFrame(rows)
    table.insert(1, "silhouette", [sil[k] for k in table["k"]])
    k, reason = recommend(table)
    return KScan(table, k, reason)


def _score_k(
    k: int, fit: np.ndarray, ev: np.ndarray, boots: list[np.ndarray], random_state: int, n_rows: int
) -> tuple[dict[str, float], np.ndarray]:
    """Scores of k groups (silhouette aside) and the reference labels of the metric sample ``ev``.

    The reference k-means is fitted on ``fit``; stability compares it with single-start fits on the
    bootstrap resamples ``boots`` of ``fit``. Inertia is the fit sample's, scaled to ``n_rows``.
    """
    from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, davies_bouldin_score

    model = make_kmeans(k, len(fit), random_state, n_init=2).fit(fit)
    ref = model.predict(ev)
    aris = [
        adjusted_rand_score(
            ref, make_kmeans(k, len(fit), random_state + b + 1, n_init=1).fit(fit[idx]).predict(ev)
        )
        for b, idx in enumerate(boots)
    ]
    several = len(np.unique(ref)) > 1
    row = {
        "k": k,
        "calinski_harabasz": calinski_harabasz_score(ev, ref) if several else 0.0,
        "davies_bouldin": davies_bouldin_score(ev, ref) if several else np.inf,
        "inertia": float(model.inertia_) * n_rows / len(fit),
        "stability": float(np.mean(aris)) if aris else 1.0,
    }
    return row, ref
