"""Value and prediction benchmark (issue 12): ours vs the textbook model vs one-number baselines.

On the Online Retail file and the sample store (and two more real order histories of the corpus), for
a horizon of a third of the history: cut at ``reference - horizon``, fit on the orders before it,
compare with what happened after; each difference from the textbook with a 95% paired-bootstrap
interval, so a gap of a few thousandths can be told from noise. The textbook
model (BG/NBD + Gamma-Gamma by pymc-marketing, MAP) runs on the same RFM inputs in a child process,
with the interpreter in ``CLV_PYTHON`` (pymc-marketing's pytensor wants an older numba than the app
pins, so it lives in its own environment) or this one when pymc-marketing is importable here.
Then both fit on 1M seeded customers (target: ours at most 60 s on 2 cores).

    python -m bench value
    CLV_PYTHON=/path/to/clv-env/bin/python BENCH_VALUE_1M=0 python -m bench value
    BENCH_VALUE_DATA="sample store" BENCH_VALUE_BOOTSTRAP=500 python -m bench value
    BENCH_VALUE_DATA= python -m bench value                      # the 1M-customer fit only
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
#: The real public order history, beside the checkout as the tests expect it (or BENCH_RETAIL).
RETAIL = Path(os.environ.get("BENCH_RETAIL", ROOT.parent / "shared" / "data" / "online_retail.csv.gz"))
TARGET_FIT_S = 60.0
#: Real order histories of the corpus beside the checkout (issue 12 asks for the first two; the others
#: are real files nobody here wrote: a pharmacy's 2018 sales and Tableau's Superstore orders).
CORPUS = ROOT.parent / "shared" / "data" / "corpus" / "files"
DATASETS = {
    "Online Retail": [RETAIL],
    "sample store": [ROOT / "sample_data" / "store" / f for f in ("orders.csv.gz", "customers.csv.gz")],
    "pharmacy (corpus 02)": [CORPUS / "02_chaoyang_hospital_2018_sales.xlsx"],
    "Superstore (corpus 08)": [CORPUS / "08_sample_superstore.xlsx"],
}
KEYS = ("auc", "pearson_purchases", "spearman_purchases", "pearson_spend", "spearman_spend", "top20_revenue")
BOOTSTRAP = int(os.environ.get("BENCH_VALUE_BOOTSTRAP", "200"))

CHILD = r"""
import importlib.util, json, sys, sysconfig, time
from pathlib import Path
t0, c0 = time.perf_counter(), time.process_time()
import pandas as pd
spec = importlib.util.spec_from_file_location("textbook", sys.argv[1])
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
import pymc_marketing.clv  # noqa: F401  (timed as the import)
t1 = time.perf_counter()
rfm = pd.read_csv(sys.argv[2], dtype={"customer_id": str})
model = mod.TextbookCLV().fit(rfm)
t2, c2 = time.perf_counter(), time.process_time()
model.predict_frame(rfm, float(sys.argv[3])).to_csv(sys.argv[4])
site = Path(sysconfig.get_paths()["purelib"])
size = sum(f.stat().st_size for f in site.rglob("*") if f.is_file()) / 1e6 if sys.argv[5] == "1" else None
print(json.dumps({"params": model.parameters(), "import_s": round(t1 - t0, 1), "fit_s": round(t2 - t1, 1), "fit_cpu_s": round(c2 - c0, 1),
                  "predict_s": round(time.perf_counter() - t2, 1), "environment_mb": size and round(size)}))
"""


def _clv_python() -> str | None:
    if os.environ.get("CLV_PYTHON"):
        return os.environ["CLV_PYTHON"]
    from segmentation.features import textbook_available

    return sys.executable if textbook_available() else None


def textbook(rfm: pd.DataFrame, horizon: float, size: bool = False) -> tuple[pd.DataFrame | None, dict]:
    """Fit and predict the textbook model in a child process; (None, reason) when not installed. With
    ``size``, the size of that environment's site-packages too. Its fit_cpu_s includes the import."""
    python = _clv_python()
    if python is None:
        return None, {"skipped": "pymc-marketing not installed (set CLV_PYTHON)"}
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "rfm.csv", Path(tmp) / "pred.csv"
        rfm.to_csv(src, index=False)
        module = ROOT / "segmentation" / "features" / "textbook.py"
        run = subprocess.run([python, "-W", "ignore", "-c", CHILD, str(module), str(src), str(horizon), str(out),
                              "1" if size else "0"],
                             capture_output=True, text=True, check=False)  # fmt: skip
        if run.returncode:
            return None, {"skipped": run.stderr.strip().splitlines()[-1]}
        times = json.loads(run.stdout.strip().splitlines()[-1])
        pred = pd.read_csv(out, dtype={"customer_id": str}).set_index("customer_id")
    return pred, times


def _dataset(name: str):
    from segmentation.dataset import SourceFile, load_dataset

    return load_dataset([SourceFile(p.name, p) for p in DATASETS[name]], predictions=False)


def paired_bootstrap(
    ours: pd.DataFrame, theirs: pd.DataFrame, actual: pd.DataFrame, rounds: int = BOOTSTRAP, seed: int = 0
) -> pd.DataFrame:
    """95% intervals of ours minus theirs on each of the six figures, customers resampled with
    replacement (the same draw for both models): a difference whose interval holds 0 is noise."""
    from segmentation.features import score_predictions

    rng = np.random.default_rng(seed)
    y = actual.reindex(ours.index).fillna(0.0)
    diffs = []
    for _ in range(rounds):
        pick = rng.integers(0, len(ours), len(ours))
        idx = pd.RangeIndex(len(pick))
        a, b, yy = (frame.iloc[pick].set_axis(idx) for frame in (ours, theirs, y))
        m_a, m_b = score_predictions("a", a, yy), score_predictions("b", b, yy)
        diffs.append([getattr(m_a, k) - getattr(m_b, k) for k in KEYS])
    # a figure undefined on a draw (no revenue in it, ...) is left out of its interval
    diffs = np.array(diffs)
    low, high = np.nanpercentile(np.where(np.isfinite(diffs), diffs, np.nan), [2.5, 97.5], axis=0)
    return pd.DataFrame({"low": low, "high": high}, index=list(KEYS))


def compare(name: str) -> pd.DataFrame:
    from segmentation.features import (
        backtest_next_product,
        backtest_value,
        history_features,
        history_outcomes,
        history_span,
        rfm_from_features,
        score_predictions,
    )

    ds = _dataset(name)
    first, last = history_span(ds.con, ds.transactions)
    reference = last + pd.Timedelta(seconds=1)
    horizon = int((reference - first).days / 3)
    t, cpu = time.perf_counter(), time.process_time()
    bt = backtest_value(ds.con, ds.transactions, horizon_days=horizon, reference=reference)
    ours_s, ours_cpu = time.perf_counter() - t, time.process_time() - cpu
    cutoff = bt.cutoff
    features = history_features(ds.con, ds.transactions, cutoff, horizon)
    pred, times = textbook(rfm_from_features(features), horizon, size=name == "Online Retail")
    metrics = list(bt.metrics)
    if pred is not None:
        actual = history_outcomes(ds.con, ds.transactions, cutoff, reference)
        metrics.insert(1, score_predictions("textbook", pred.reindex(features.index), actual))
    table = pd.DataFrame(
        {m.name: {"AUC bought again": m.auc, "Pearson purchases": m.pearson_purchases,
                  "Spearman purchases": m.spearman_purchases, "Pearson spend": m.pearson_spend,
                  "Spearman spend": m.spearman_spend, "top 10% revenue": m.top10_revenue,
                  "top 20% revenue": m.top20_revenue, "80% interval covers": m.interval_coverage}
         for m in metrics}
    )  # fmt: skip
    print(f"\n{name}: {bt.customers:,} customers before the cut {cutoff:%Y-%m-%d}, horizon {horizon} days, "
          f"{bt.buyers:,} bought again")  # fmt: skip
    for note in bt.notes:
        print(f"  {note}")
    print(table.round(3).to_string())
    ours = bt.by_name("ours")
    print(f"  {ours.summary('the holdout period')}")
    print(f"  {ours.targeting_sentence(0.3, 'the holdout period')}")
    print(f"  {ours.totals_sentence('the holdout period')}")
    if pred is not None:
        print(f"  {_parameters(rfm_from_features(features), times.pop('params'))}")
    print(f"  ours: backtest (fit + predict) {ours_s:.1f} s wall, {ours_cpu:.1f} s CPU; textbook: {times}")
    offers = backtest_next_product(ds.con, ds.transactions, horizon_days=horizon, reference=reference)
    print(f"  next {offers.item}: hit rate at {offers.n} {offers.hit_rate:.1%} vs best sellers "
          f"{offers.popularity_hit_rate:.1%} ({offers.customers:,} returning customers)")  # fmt: skip
    if pred is not None:
        _judge(table, ds, cutoff, horizon, pred.reindex(features.index), actual)
    return table


def _judge(table, ds, cutoff, horizon, theirs, actual) -> None:
    """Issue 12's target on the point figures, then on the paired bootstrap: "short" only when the
    interval of ours minus the textbook lies below 0, "better" only when it lies above."""
    from segmentation.features import fit_value_model

    names = dict(zip(KEYS, ["AUC bought again", "Pearson purchases", "Spearman purchases", "Pearson spend",
                            "Spearman spend", "top 20% revenue"], strict=True))  # fmt: skip
    point = table.loc[list(names.values()), "ours"] - table.loc[list(names.values()), "textbook"]
    print(f"  target on the point figures: ours >= textbook on all six: {bool((point >= -1e-12).all())}; "
          f"better on {int((point > 1e-12).sum())} of 6 (target >= 2)")  # fmt: skip
    model, now, scale, *_ = fit_value_model(ds.con, ds.transactions, cutoff, horizon)  # as backtest_value
    ci = paired_bootstrap(model.predict_frame(now, scale), theirs, actual)
    verdict = np.where(ci["low"] > 0, "better", np.where(ci["high"] < 0, "short", "tie (noise)"))
    for key, (low, high), word in zip(KEYS, ci.to_numpy(), verdict, strict=True):
        print(
            f"    ours - textbook, {names[key]:<18} {point[names[key]]:+.3f}  95% [{low:+.3f}, {high:+.3f}]  {word}"
        )
    print(
        f"  target on the bootstrap ({BOOTSTRAP} paired resamples of customers): short on "
        f"{int((verdict == 'short').sum())} of 6 (target 0); better on {int((verdict == 'better').sum())} of 6"
    )


def _parameters(rfm: pd.DataFrame, theirs: dict[str, float]) -> str:
    """Our BG/NBD + Gamma-Gamma parameters (fitted at the cut, as ``ours`` is when it does not learn)
    beside the textbook's on the same inputs, and the BG/NBD log-likelihood of the orders under each:
    maximum likelihood (ours) against MAP under pymc-marketing's default priors (theirs)."""
    from segmentation.features import BetaGeoGamma

    ours = BetaGeoGamma().fit(rfm)
    at_theirs = copy.copy(ours)
    for k, v in theirs.items():  # the textbook's parameters in our model, to read their likelihood
        setattr(at_theirs, f"{k}_", v)

    def show(model: BetaGeoGamma) -> str:
        values = " ".join(f"{k} {getattr(model, k + '_'):.4g}" for k in theirs)
        return f"{values}, log-likelihood {model.log_likelihood(rfm):,.1f}"

    return f"parameters on the same inputs: ours {show(ours)}; textbook {show(at_theirs)}"


def synthetic(con: duckdb.DuckDBPyConnection, n: int, seed: int = 0) -> str:
    """Seeded BG/NBD-like order history of ``n`` customers over 2 years, as a canonical table."""
    rng = np.random.default_rng(seed)
    days = 730.0
    first = rng.uniform(0, days * 0.9, n)
    rate = rng.gamma(0.8, 1 / 40, n)  # orders per day
    drop = rng.beta(1.0, 4.0, n)
    k = rng.poisson(rate * (days - first)) + 1
    k = np.minimum(k, rng.geometric(np.clip(drop, 1e-3, 1)) + 0)
    cust = np.repeat(np.arange(n), k)
    offs = rng.uniform(0, 1, len(cust)) * (days - first[cust])
    offs[np.r_[0, np.cumsum(k)[:-1]]] = 0.0
    ts = pd.Timestamp("2023-01-01") + pd.to_timedelta(first[cust] + offs, unit="D")
    spend = rng.gamma(3.0, rng.gamma(2.0, 15.0, n)[cust] / 3.0)
    frame = pd.DataFrame({"cust": cust, "ts": ts, "amount": spend})
    con.register("synthetic_df", frame)
    con.execute("CREATE OR REPLACE TABLE synthetic AS SELECT 'c' || lpad(cust::VARCHAR, 7, '0') AS customer_id, "
                "(row_number() OVER ())::VARCHAR AS order_id, ts, amount, false AS is_return FROM synthetic_df")  # fmt: skip
    return "synthetic"


def at_scale(n: int = 1_000_000) -> None:
    from segmentation.features import fit_value_model, history_features, history_span, rfm_from_features

    con = duckdb.connect()
    t = time.perf_counter()
    rel = synthetic(con, n)
    orders = con.execute(f"SELECT count(*) FROM {rel}").fetchone()[0]  # type: ignore[index]
    print(f"\n{n:,} customers, {orders:,} orders generated in {time.perf_counter() - t:.1f} s")
    first, last = history_span(con, rel)
    reference = last + pd.Timedelta(seconds=1)
    horizon = int((reference - first).days / 3)
    t, cpu = time.perf_counter(), time.process_time()
    model, *_ = fit_value_model(con, rel, reference, horizon)
    ours, ours_cpu = time.perf_counter() - t, time.process_time() - cpu
    print(f"  ours: fit {ours:.1f} s wall, {ours_cpu:.1f} s CPU (target <= {TARGET_FIT_S:.0f} s; wall depends on "
          f"the load of the shared machine, CPU does not; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores); learned correction used: {model.learn}")  # fmt: skip
    if not model.learn:
        boosting_at_scale(con, rel, reference, horizon)
    rfm = rfm_from_features(history_features(con, rel, reference, horizon))
    _, times = textbook(rfm, horizon)
    times.pop("params", None)
    print(f"  textbook (pymc-marketing MAP on all {len(rfm):,}): {times}")


def boosting_at_scale(
    con: duckdb.DuckDBPyConnection, rel: str, reference: pd.Timestamp, horizon: int
) -> None:
    """The boosting the check turned down, timed alone: a shop where learning wins pays for it too."""
    from segmentation.features import ValueModel, history_features, history_outcomes

    cut = reference - pd.Timedelta(days=horizon)
    past, outcomes = history_features(con, rel, cut, horizon), history_outcomes(con, rel, cut, reference)
    t, cpu = time.perf_counter(), time.process_time()
    ValueModel().fit(past, outcomes, horizon)
    print(f"  + the boosting on its 100k sample when learning wins: {time.perf_counter() - t:.1f} s wall, "
          f"{time.process_time() - cpu:.1f} s CPU")  # fmt: skip


def main() -> None:
    for name in filter(None, os.environ.get("BENCH_VALUE_DATA", ",".join(DATASETS)).split(",")):
        compare(name)
    if os.environ.get("BENCH_VALUE_1M", "1") != "0":
        at_scale()


if __name__ == "__main__":
    main()
