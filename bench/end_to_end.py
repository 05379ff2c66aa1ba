"""End to end: a 10M-line order CSV (1M customers) -> customer table -> default recipe -> profiles -> map.

Target (issue 3): at most 30 s and 4 GB peak on 2 cores. In the same run, the naive notebook path
(pandas read_csv + groupby, a KMeans k scan with silhouette, UMAP fit_transform on all rows) runs in
a child process with a time cap; the ratio of the two is the headline figure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.intake import generate

ROOT = Path(__file__).resolve().parents[1]
CAP = float(os.environ.get("BENCH_NAIVE_CAP", "400"))

OURS = r"""
import json, resource, sys, time
from pathlib import Path
t = {}
from segmentation import explain, recipe
from segmentation.segmenters import default_criteria
w = time.perf_counter(); explain.warm_up(); warm = time.perf_counter() - w  # the app does this at start
s = time.perf_counter()
from segmentation.dataset import SourceFile, load_dataset
path = Path(sys.argv[1])
ds = load_dataset([SourceFile(path.name, path)], predictions=False); t["customer table"] = time.perf_counter() - s
r = time.perf_counter(); encoded = recipe.encode(ds.table, default_criteria(ds.table))
t["criteria matrix"] = time.perf_counter() - r
r = time.perf_counter(); rec = recipe.default_recipe(ds, encoded=encoded); t["default recipe (k scan)"] = time.perf_counter() - r
r = time.perf_counter(); seg = recipe.segment(ds.table, rec, encoded); t["k-means + names"] = time.perf_counter() - r
r = time.perf_counter(); profiles = explain.profile_segments(ds.table, seg); t["profiles"] = time.perf_counter() - r
r = time.perf_counter()
xy = explain.umap_layout(encoded[1], strata=seg.labels.to_numpy()); t["map (UMAP)"] = time.perf_counter() - r
t["total"] = time.perf_counter() - s
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"times": t, "peak_mb": peak, "customers": len(ds.table.frame), "k": len(seg.names),
                  "warm_up": warm}))
"""

NAIVE = r"""
import sys, time
import numpy as np, pandas as pd
s = time.perf_counter()
df = pd.read_csv(sys.argv[1])
df = df.dropna(subset=["customer"])
df["amount"] = df["quantity"] * df["price"]
ref = pd.to_datetime(df["ts"]).max()
g = df.assign(ts=pd.to_datetime(df["ts"])).groupby("customer").agg(
    recency=("ts", lambda x: (ref - x.max()).days), frequency=("invoice", "nunique"), monetary=("amount", "sum"))
print(f"read_csv + groupby {time.perf_counter() - s:.1f}", flush=True)
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
X = StandardScaler().fit_transform(np.log1p(g.clip(lower=0)))
for k in range(2, 13):
    labels = KMeans(k, n_init=10, random_state=0).fit_predict(X)
    silhouette_score(X, labels)
    print(f"k scan k={k} {time.perf_counter() - s:.1f}", flush=True)
import umap
umap.UMAP(random_state=0).fit_transform(X)
print(f"umap {time.perf_counter() - s:.1f}", flush=True)
"""


def naive(path: Path) -> tuple[float | None, str]:
    """Run the naive path with a cap; return its total (None when capped) and the last stage reached."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", NAIVE, str(path)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    last = "starting"
    try:
        proc.wait(timeout=CAP)
    except subprocess.TimeoutExpired:
        proc.kill()
    out = proc.stdout.read() if proc.stdout else ""
    lines = [line for line in out.splitlines() if line.strip()]
    last = lines[-1] if lines else last
    done = proc.returncode == 0 and last.startswith("umap")
    return (time.perf_counter() - start if done else None), last


def main() -> None:
    n_lines = int(os.environ.get("BENCH_E2E_LINES", "10000000"))
    path = generate(n_lines)
    done = subprocess.run(
        [sys.executable, "-c", OURS, str(path)], capture_output=True, text=True, cwd=ROOT, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"{n_lines:,} lines -> {result['customers']:,} customers, {result['k']} segments (load "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    for stage, secs in result["times"].items():
        print(f"  {stage:<26} {secs:7.1f} s")
    total = result["times"]["total"]
    print(f"  peak memory {result['peak_mb']:,.0f} MB   (targets: total <= 30 s, peak <= 4,096 MB)")
    print(
        f"  (not counted: the map engine's one-off compile, {result['warm_up']:.0f} s, which the app runs in "
        "the background when it starts)"
    )
    naive_total, last = naive(path)
    if naive_total is None:
        print(
            f"naive path: not finished within the {CAP:.0f} s cap (last stage: {last}); ratio >= "
            f"{CAP / total:.0f}x"
        )
    else:
        print(f"naive path: {naive_total:.1f} s; ratio {naive_total / total:.0f}x")


if __name__ == "__main__":
    main()
