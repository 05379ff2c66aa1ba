"""Engine benchmark: k scan, HDBSCAN, UMAP map and 1M-row k-means + profiles, against naive baselines.

Prints wall and CPU seconds next to the targets; never asserts. ``python -m bench engine``.
Naive baselines (KMeans n_init=10 on all rows with full silhouette, UMAP ``fit_transform`` on all
rows) run in a child process capped at ``BENCH_ENGINE_CAP`` seconds (default 120); when the cap is
hit the line says so. Set ``BENCH_ENGINE_1M=0`` to skip the 1M section.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from segmentation.catalog import CustomerTable, Feature
from segmentation.explain import MapLayout, warm_up
from segmentation.segmenters import (
    CriteriaEncoder,
    CriteriaSpec,
    SegmentClusterer,
    cluster_segmentation,
    scan_k,
)

K_TRUE = 6
SPEC = CriteriaSpec(("behavioural", "value", "channel", "demographic", "geographic", "loyalty"))
KS = range(2, 13)


def synthetic_table(n: int, seed: int = 0) -> tuple[CustomerTable, np.ndarray]:
    """``n`` customers in ``K_TRUE`` planted groups: 13 numeric, 2 boolean, 3 categorical columns."""
    rng = np.random.default_rng(seed)
    g = rng.integers(0, K_TRUE, n)
    centre = rng.normal(0, 1.5, (K_TRUE, 10))
    num = centre[g] + rng.normal(0, 1, (n, 10))
    cols: dict[str, Any] = {f"behaviour_{i}": num[:, i] for i in range(7)}
    cols["monetary"] = np.exp(5 + num[:, 7])
    cols["avg_order_value"] = np.exp(3 + num[:, 8])
    cols["frequency"] = rng.poisson(np.exp(1 + 0.5 * num[:, 9]))
    cols["age"] = 40 + 8 * centre[g, 0] + rng.normal(0, 8, n)
    cols["income"] = np.exp(10.5 + 0.3 * centre[g, 1] + rng.normal(0, 0.3, n))
    cols["latitude"] = 50 + centre[g, 2] + rng.normal(0, 1, n)
    cols["loyalty_member"] = rng.random(n) < 0.2 + 0.1 * (g % 3)
    cols["newsletter"] = rng.random(n) < 0.5
    cols["preferred_channel"] = np.array(["Web", "App", "Store", "Social"])[(g + (rng.random(n) < 0.2)) % 4]
    cols["country"] = np.array([f"Country {i}" for i in range(10)])[(g * 2 + rng.integers(0, 2, n)) % 10]
    cols["favourite_category"] = np.array([f"Category {i}" for i in range(8)])[rng.integers(0, 8, n)]
    frame = pd.DataFrame(cols, index=pd.Index([f"C{i:08d}" for i in range(n)], name="customer_id"))
    for c in ("preferred_channel", "country", "favourite_category"):
        frame[c] = frame[c].astype("category")
    catalog = [Feature(f"behaviour_{i}", "behavioural", f"Behaviour {i}") for i in range(7)]
    catalog += [
        Feature("monetary", "value", "Revenue", skewed=True),
        Feature("avg_order_value", "value", "Average order", skewed=True),
        Feature("frequency", "behavioural", "Orders", skewed=True),
        Feature("age", "demographic", "Age"),
        Feature("income", "demographic", "Income", skewed=True),
        Feature("latitude", "geographic", "Latitude"),
        Feature("loyalty_member", "loyalty", "Member", kind="boolean"),
        Feature("newsletter", "loyalty", "Newsletter", kind="boolean"),
        Feature("preferred_channel", "channel", "Channel", kind="categorical"),
        Feature("country", "geographic", "Country", kind="categorical"),
        Feature("favourite_category", "behavioural", "Favourite category", kind="categorical"),
    ]
    return CustomerTable(frame, tuple(catalog)), g


def timed(label: str, fn: Callable[[], Any], target: str = "") -> tuple[Any, float]:
    """Run ``fn``; print wall and CPU seconds (CPU of this process, all threads)."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    secs = time.perf_counter() - start
    print(f"  {label:<50s} {secs:6.1f} s wall {time.process_time() - cpu:6.1f} s cpu  {target}", flush=True)
    return out, secs


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


# ------------------------------------------------------------------ naive baselines (child process)


def _naive_scan(path: str) -> None:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    X = np.load(path)
    for k in KS:
        labels = KMeans(k, n_init=10, random_state=0).fit_predict(X)
        silhouette_score(X, labels)


def _naive_umap(path: str) -> None:
    import umap

    umap.UMAP(random_state=0).fit_transform(np.load(path))


def naive(label: str, target: Callable[[str], None], X: np.ndarray, cap: float) -> float | None:
    """Wall seconds of ``target`` on ``X`` in a child process, or None when it passed ``cap``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "X.npy")
        np.save(path, X)
        proc = mp.get_context("spawn").Process(target=target, args=(path,))
        start = time.perf_counter()
        proc.start()
        proc.join(cap)
        secs = time.perf_counter() - start
        if proc.is_alive():
            proc.terminate()
            proc.join()
            print(f"  {label:<50s} skipped: still running after the {cap:.0f} s cap", flush=True)
            return None
    print(f"  {label:<50s} {secs:6.1f} s wall (child process)", flush=True)
    return secs


def ratio(naive_secs: float | None, ours: float) -> str:
    return "n/a (naive skipped)" if naive_secs is None else f"{naive_secs / ours:.0f}x"


# ---------------------------------------------------------------------------------------- runs


def engine_size(n: int, cap: float) -> None:
    """Our engine and the naive baselines on ``n`` synthetic customers."""
    from sklearn.metrics import adjusted_rand_score

    print(f"\n{n:,} customers")
    table, truth = synthetic_table(n)
    X, _ = timed("encode criteria", lambda: CriteriaEncoder(SPEC, table.catalog).fit_transform(table.frame))
    print(f"  matrix {X.shape[0]:,} x {X.shape[1]} columns")
    scan, t_scan = timed("k scan 2-12 (10k fit sample, 5k metric sample)", lambda: scan_k(X, KS), "<= 10 s")
    print(f"  recommended k={scan.recommended_k} (planted {K_TRUE}): {scan.reason}")
    hdb, _ = timed(
        "HDBSCAN (PCA 10 + 20k sample + approx. predict)",
        lambda: SegmentClusterer("hdbscan").fit(X),
        "<= 15 s",
    )
    ari = adjusted_rand_score(truth, hdb.labels_)
    print(f"  HDBSCAN segments {hdb.n_segments_} (noise: {hdb.has_noise_}), ARI vs planted {ari:.2f}")
    _, t_map = timed(
        "UMAP map warm (10k stratified fit + placement)", lambda: MapLayout().fit(X, truth), "<= 8 s"
    )
    t_naive = naive("naive k scan (KMeans n_init=10, full silhouette)", _naive_scan, X, cap)
    print(f"  ratio naive / ours, k scan: {ratio(t_naive, t_scan)}")
    t_naive = naive("naive UMAP fit_transform on all rows", _naive_umap, X, cap)
    print(f"  ratio naive / ours, map: {ratio(t_naive, t_map)}")


def engine_1m() -> None:
    from sklearn.metrics import adjusted_rand_score

    from segmentation.explain import profile_segments

    print("\n1,000,000 customers (naive baselines skipped: minutes to hours)")
    table, truth = synthetic_table(1_000_000, seed=1)
    X, _ = timed(
        "encode criteria (for the scan)",
        lambda: CriteriaEncoder(SPEC, table.catalog).fit_transform(table.frame),
    )
    scan, _ = timed("k scan 2-12 (sampled)", lambda: scan_k(X, KS))
    k = scan.recommended_k
    start, cpu = time.perf_counter(), time.process_time()
    (seg, _fitted), _ = timed(
        f"encode + k-means k={k} (100k-row fit, all assigned)",
        lambda: cluster_segmentation(table, SPEC, "kmeans", k),
    )
    profiles, _ = timed("profiles (profiling.profile_segments)", lambda: profile_segments(table, seg))
    total = time.perf_counter() - start
    print(f"  k-means + profiles total {total:.1f} s wall {time.process_time() - cpu:.1f} s cpu  <= 20 s")
    print(f"  ARI vs planted {adjusted_rand_score(truth, seg.labels):.2f}; {len(profiles)} profiles")
    timed(
        "UMAP map (10k fit + placement of 990k)", lambda: MapLayout().fit(X, seg.labels.to_numpy()), "<= 20 s"
    )
    print(f"  peak RSS of this process {peak_rss_gb():.2f} GB (<= 4 GB)")


def main() -> None:
    warnings.filterwarnings("ignore")
    cap = float(os.environ.get("BENCH_ENGINE_CAP", "120"))
    print(
        f"cpu cores: {os.cpu_count()}, load {os.getloadavg()[0]:.1f}, NUMBA_CACHE_DIR={os.environ.get('NUMBA_CACHE_DIR')}"
    )
    _, cold = timed("UMAP warm_up (numba compile in this process)", warm_up)
    for n in (20_000, 100_000):
        engine_size(n, cap)
    if os.environ.get("BENCH_ENGINE_1M", "1") != "0":
        engine_1m()
    print(f"\nload at the end {os.getloadavg()[0]:.1f}; first UMAP use (compile) took {cold:.1f} s")


if __name__ == "__main__":
    main()
