"""Engine benchmark: k scan, HDBSCAN, UMAP map and 1M-row k-means, against naive baselines.

Prints figures next to the targets; never asserts. ``python -m bench engine`` (set
``BENCH_ENGINE_NAIVE_UMAP=0`` to skip the slow naive UMAP fit at 100k).
"""

from __future__ import annotations

import os
import resource
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from segmentation.catalog import CustomerTable, Feature
from segmentation.clustering import SegmentClusterer
from segmentation.criteria import CriteriaEncoder, CriteriaSpec
from segmentation.embedding import MapLayout, warm_up
from segmentation.kscan import scan_k

K_TRUE = 6
SPEC = CriteriaSpec(("behavioural", "value", "channel", "demographic", "geographic", "loyalty"))


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
    start = time.perf_counter()
    out = fn()
    secs = time.perf_counter() - start
    print(f"  {label:<52s} {secs:7.1f} s  {target}", flush=True)
    return out, secs


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def naive_scan(X: np.ndarray, ks: range) -> float:
    """KMeans (n_init=10) on all rows per k; full silhouette measured at 20k and scaled by n^2."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    fit = sum(
        timed(f"naive KMeans k={k} on all rows", lambda k=k: KMeans(k, n_init=10, random_state=0).fit(X))[1]
        for k in ks
    )
    sub = X[:20_000]
    labels = KMeans(5, n_init=1, random_state=0).fit_predict(sub)
    _, sil20k = timed("naive full silhouette at 20k rows (one k)", lambda: silhouette_score(sub, labels))
    estimate = fit + len(ks) * sil20k * (len(X) / len(sub)) ** 2
    print(f"  naive k scan total (silhouette extrapolated n^2)      {estimate:7.1f} s  (estimate)")
    return estimate


def main() -> None:
    from sklearn.metrics import adjusted_rand_score

    warnings.filterwarnings("ignore")
    print(f"cpu cores: {os.cpu_count()}, NUMBA_CACHE_DIR={os.environ.get('NUMBA_CACHE_DIR')}")
    _, cold = timed("UMAP warm_up (numba compile in this process)", warm_up)
    ks = range(2, 13)

    print("\n100k customers")
    table, truth = synthetic_table(100_000)
    X, _ = timed("encode criteria", lambda: CriteriaEncoder(SPEC, table.catalog).fit_transform(table.frame))
    print(f"  matrix {X.shape[0]:,} x {X.shape[1]} columns")
    scan, t_scan = timed("k scan 2-12 (sampled, 3 bootstraps)", lambda: scan_k(X, ks), "target <= 10 s")
    print(f"  recommended k={scan.recommended_k} (planted {K_TRUE}): {scan.reason}")
    hdb, _ = timed(
        "HDBSCAN (PCA 10 + 20k sample + approx. predict)",
        lambda: SegmentClusterer("hdbscan").fit(X),
        "target <= 15 s",
    )
    print(
        f"  HDBSCAN segments {hdb.n_segments_} (noise: {hdb.has_noise_}), ARI {adjusted_rand_score(truth, hdb.labels_):.2f}"
    )
    _lay, t_map = timed(
        "UMAP map warm (20k stratified fit + transform)", lambda: MapLayout().fit(X, truth), "target <= 8 s"
    )
    naive = naive_scan(X, ks)
    print(f"  ratio naive / ours k scan: {naive / t_scan:.0f}x")
    if os.environ.get("BENCH_ENGINE_NAIVE_UMAP", "1") != "0":
        import umap

        _, t_naive = timed(
            "naive UMAP fit_transform on all 100k rows", lambda: umap.UMAP(random_state=0).fit_transform(X)
        )
        print(f"  ratio naive / ours map: {t_naive / t_map:.0f}x")
    else:
        print("  naive UMAP at 100k skipped (BENCH_ENGINE_NAIVE_UMAP=0)")

    print("\n1M customers")
    table, truth = synthetic_table(1_000_000, seed=1)
    X, _ = timed("encode criteria", lambda: CriteriaEncoder(SPEC, table.catalog).fit_transform(table.frame))
    scan, _ = timed("k scan 2-12 (sampled)", lambda: scan_k(X, ks))
    k = scan.recommended_k
    model, _ = timed(
        f"k-means (MiniBatch) with recommended k={k}",
        lambda: SegmentClusterer("kmeans", k).fit(X, table.frame["monetary"]),
        "target <= 20 s",
    )
    print(
        f"  ARI vs planted {adjusted_rand_score(truth, model.labels_):.2f}; profiles: profiling.py not measured here"
    )
    timed("UMAP map (20k fit + transform 980k)", lambda: MapLayout().fit(X, model.labels_), "target <= 20 s")
    print(
        f"  peak RSS of this process {peak_rss_gb():.2f} GB (target <= 4 GB); naive k scan and UMAP at 1M skipped (minutes)"
    )
    print(f"\nfirst UMAP use in this process (compile) took {cold:.1f} s")


if __name__ == "__main__":
    main()
