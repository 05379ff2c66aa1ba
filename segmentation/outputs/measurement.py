"""Campaign measurement: what each group of a randomized send did, per segment and overall.

The input is one row per customer: the group the customer was in (the app's holdout flag
``target``/``holdout``, or any column whose values name the arms, one of them the control), an
optional segment, and outcome columns: 0/1 rates (opened, clicked, converted) or amounts (revenue).
:func:`outcomes_from_orders` derives ``converted``, ``orders`` and ``revenue`` from an order history
after the send date instead.

For every segment, outcome and treated arm the difference from control gets a 95% interval
(Newcombe's hybrid score interval for rates, Welch's for means; see :mod:`.stats`), the incremental
conversions or revenue among the treated customers, and a label that respects sample size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from segmentation.errors import DataError
from segmentation.outputs.results_file import RowCount, clean_results
from segmentation.outputs.stats import newcombe_interval, welch_interval
from segmentation.outputs.verdict import OVERALL, verdicts

#: Customers needed in each arm (treated and control) of a segment before the difference is judged.
MIN_PER_ARM = 30
#: Interval level below which a difference that misses 95% is still called promising.
PROMISING_LEVEL = 0.80
LABELS = {
    "significant": "significant",
    "promising": "promising",
    "not_significant": "not significant",
    "too_few": "too few customers to tell",
}


@dataclass(frozen=True)
class Measurement:
    """The result of :func:`measure`.

    ``arms``: one row per segment (``OVERALL`` first), outcome and arm with ``n``, ``mean`` and
    ``total``. ``lifts``: one row per segment, outcome and treated arm with ``control_mean``,
    ``mean``, ``diff``, ``low``, ``high`` (the interval at ``level``), ``incremental`` (``diff`` times
    the arm's customers), ``label`` (a key of :data:`LABELS`) and ``label_text``.
    """

    arms: pd.DataFrame
    lifts: pd.DataFrame
    kinds: dict[str, str]
    control: str
    treated: tuple[str, ...]
    rows: RowCount
    level: float = 0.95
    min_per_arm: int = MIN_PER_ARM

    @property
    def segments(self) -> list[str]:
        """Segment names in result order, without ``OVERALL``."""
        return [s for s in dict.fromkeys(self.arms["segment"]) if s != OVERALL]

    def to_dict(self) -> dict[str, Any]:
        """``{"overall": {outcome: {"arms": ..., "lift": ...}}, "by_segment": {segment: {...}}}``."""
        return {
            "overall": self._block(OVERALL),
            "by_segment": {str(s): self._block(s) for s in self.segments},
        }

    def _block(self, segment: str) -> dict[str, Any]:
        arms = self.arms[self.arms["segment"] == segment]
        lifts = self.lifts[self.lifts["segment"] == segment]
        out: dict[str, Any] = {}
        for outcome in self.kinds:
            a = arms[arms["outcome"] == outcome]
            lift = lifts[lifts["outcome"] == outcome]
            out[outcome] = {
                "arms": {
                    str(arm): {"n": int(n), "mean": _num(mean)}
                    for arm, n, mean in zip(a["arm"], a["n"], a["mean"], strict=True)
                },
                "lift": {
                    str(r.arm): {
                        "diff": _num(r.diff),
                        "low": _num(r.low),
                        "high": _num(r.high),
                        "incremental": _num(r.incremental),
                        "label": r.label_text,
                    }
                    for r in lift.itertuples(index=False)
                },
            }
        return out

    def verdicts(self) -> list[str]:
        """One sentence per treated arm and outcome, in plain words."""
        return verdicts(self)


def _num(value: Any) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), 6)


def measure(
    results: pd.DataFrame,
    *,
    group_column: str,
    control: str,
    outcomes: Sequence[str],
    segment_column: str | None = None,
    id_column: str | None = None,
    segments: pd.Series | None = None,
    by_segment: bool = True,
    level: float = 0.95,
    min_per_arm: int = MIN_PER_ARM,
) -> Measurement:
    """Rates or means per arm, and each treated arm's difference from control with its interval.

    Parameters
    ----------
    results : DataFrame
        One row per customer.
    group_column, control : str
        The column naming each customer's arm, and the value of the control arm.
    outcomes : list of str
        Outcome columns: 0/1 (yes/no, true/false) for rates, numbers for amounts. Blanks count as 0.
    segment_column : str, optional
        The column holding each customer's segment.
    id_column : str, optional
        The customer id column; needed with ``segments`` and to set aside repeated customers.
    segments : Series, optional
        Segment name per customer id (the app's current segmentation). Customers of the results that
        it does not hold are set aside and counted as unknown. It gives the segment when
        ``segment_column`` is not set; with it, the file's segments are measured and compared with
        these (``rows.segments``: names it does not have, customers now in another segment).
    by_segment : bool
        False measures all customers together, whatever segments are given.

    Raises
    ------
    DataError
        With a plain message when a column is missing, the control group is empty, no treated arm is
        left, an outcome is not numeric, or no customer of the results is known. Rows left out
        otherwise (no group, unknown or repeated customers, a customer in two segments or two groups)
        are counted in ``rows``, whose ``messages()`` say each in plain words.
    """
    frame, rows, kinds = clean_results(
        results,
        group_column=group_column,
        control=control,
        outcomes=outcomes,
        segment_column=segment_column,
        id_column=id_column,
        segments=segments,
        by_segment=by_segment,
    )
    control = str(frame.attrs["control"])
    treated = tuple(a for a in frame["_arm"].cat.categories if a != control)
    parts = [_aggregate(frame, outcomes, overall=True)]
    if "_segment" in frame.columns:
        parts.append(_aggregate(frame, outcomes, overall=False))
    arms = pd.concat(parts, ignore_index=True)
    lifts = _lifts(arms, control, kinds, level, min_per_arm)
    public = arms[["segment", "outcome", "arm", "n", "mean", "total"]].reset_index(drop=True)
    return Measurement(public, lifts, kinds, control, treated, rows, level, min_per_arm)


def _aggregate(frame: pd.DataFrame, outcomes: Sequence[str], *, overall: bool) -> pd.DataFrame:
    """n, sum and sum of squares per segment, arm and outcome (long format)."""
    keys = ["_arm"] if overall else ["_segment", "_arm"]
    values = frame[list(outcomes)]
    squares = values.pow(2).add_suffix("\0sq")
    grouped = pd.concat([frame[keys], values, squares], axis=1).groupby(keys, observed=True, sort=True)
    sums, n = grouped.sum(), grouped.size()
    out = []
    for outcome in outcomes:
        part = pd.DataFrame(
            {"n": n, "total": sums[outcome], "sumsq": sums[f"{outcome}\0sq"]}, index=n.index
        ).reset_index()
        part["outcome"] = outcome
        out.append(part)
    long = pd.concat(out, ignore_index=True).rename(columns={"_arm": "arm", "_segment": "segment"})
    if overall:
        long["segment"] = OVERALL
    long["arm"] = long["arm"].astype(str)
    long["segment"] = long["segment"].astype(str)
    long["mean"] = long["total"] / long["n"]
    return long


def _lifts(
    arms: pd.DataFrame, control: str, kinds: dict[str, str], level: float, min_per_arm: int
) -> pd.DataFrame:
    keys, cols = ["segment", "outcome"], ["n", "total", "sumsq", "mean"]
    ctrl = arms.loc[arms["arm"] == control, keys + cols].rename(columns={c: f"{c}_c" for c in cols})
    trt = arms[arms["arm"] != control].merge(ctrl, on=keys, how="left", sort=False)
    trt[["n_c", "total_c", "sumsq_c"]] = trt[["n_c", "total_c", "sumsq_c"]].fillna(0.0)
    is_rate = trt["outcome"].map(kinds).eq("rate").to_numpy()
    n1, x1, s1 = (trt[c].to_numpy(dtype=float) for c in ("n", "total", "sumsq"))
    n0, x0, s0 = (trt[c].to_numpy(dtype=float) for c in ("n_c", "total_c", "sumsq_c"))
    lo, hi, lo80, hi80 = (np.full(len(trt), np.nan) for _ in range(4))
    diff = np.full(len(trt), np.nan)
    for lvl, (lo_, hi_) in ((level, (lo, hi)), (PROMISING_LEVEL, (lo80, hi80))):
        d_r, l_r, h_r = newcombe_interval(x1, n1, x0, n0, lvl)
        v1, v0 = _variance(x1, s1, n1), _variance(x0, s0, n0)
        with np.errstate(invalid="ignore", divide="ignore"):
            d_m, l_m, h_m = welch_interval(x1 / n1, v1, n1, x0 / n0, v0, n0, lvl)
        diff = np.where(is_rate, d_r, d_m)
        lo_[:] = np.where(is_rate, l_r, l_m)
        hi_[:] = np.where(is_rate, h_r, h_m)
    too_few = (n1 < min_per_arm) | (n0 < min_per_arm)
    label = np.select(
        [too_few, (lo > 0) | (hi < 0), (lo80 > 0) | (hi80 < 0)],
        ["too_few", "significant", "promising"],
        "not_significant",
    )
    out = pd.DataFrame(
        {
            "segment": trt["segment"].to_numpy(),
            "outcome": trt["outcome"].to_numpy(),
            "kind": np.where(is_rate, "rate", "amount"),
            "arm": trt["arm"].to_numpy(),
            "n": n1.astype(np.int64),
            "n_control": n0.astype(np.int64),
            "mean": trt["mean"].to_numpy(),
            "control_mean": trt["mean_c"].to_numpy(),
            "diff": diff,
            "low": lo,
            "high": hi,
            "incremental": diff * n1,
            "label": label,
        }
    )
    out["label_text"] = out["label"].map(LABELS)
    return out.reset_index(drop=True)


def _variance(total: np.ndarray, sumsq: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Sample variance (ddof=1) from a sum and a sum of squares, never below 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.maximum((sumsq - total * total / n) / (n - 1), 0.0)


def outcomes_from_orders(
    groups: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    since: pd.Timestamp | str,
    until: pd.Timestamp | str | None = None,
    id_column: str = "customer_id",
    date_column: str = "ts",
    amount_column: str = "amount",
) -> pd.DataFrame:
    """The groups with ``converted`` (0/1), ``orders`` and ``revenue`` from orders on or after ``since``.

    ``until`` (exclusive) ends the window. Customers without an order in the window get 0, 0, 0.
    Returns a copy of ``groups`` with the three columns added, ready for :func:`measure`.
    """
    if id_column not in groups.columns:
        raise DataError(f"The campaign list has no '{id_column}' column to match orders to customers.")
    when = pd.to_datetime(orders[date_column], errors="coerce")
    window = when >= pd.Timestamp(since)
    if until is not None:
        window &= when < pd.Timestamp(until)
    inside = orders.loc[window, [id_column, amount_column]].copy()
    inside[id_column] = inside[id_column].astype(str)
    per = inside.groupby(id_column)[amount_column].agg(["size", "sum"])
    ids = groups[id_column].astype(str)
    out = groups.copy()
    out["orders"] = ids.map(per["size"]).fillna(0).astype(np.int64).to_numpy()
    out["revenue"] = ids.map(per["sum"]).fillna(0.0).astype(float).to_numpy()
    out["converted"] = (out["orders"] > 0).astype(np.int64)
    return out
