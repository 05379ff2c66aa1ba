"""Campaign results in plain words: one sentence per treated arm and outcome."""

from __future__ import annotations

from typing import Protocol

import pandas as pd

#: The key of the whole-campaign rows, beside the segments.
OVERALL = "All customers"


class Measured(Protocol):
    """What the sentences are made from (a :class:`~segmentation.outputs.measurement.Measurement`)."""

    @property
    def lifts(self) -> pd.DataFrame: ...
    @property
    def kinds(self) -> dict[str, str]: ...
    @property
    def control(self) -> str: ...
    @property
    def treated(self) -> tuple[str, ...]: ...
    @property
    def level(self) -> float: ...
    @property
    def min_per_arm(self) -> int: ...


def effect_text(
    kind: str, diff: float, low: float, high: float, *, signed: bool = False, inner: bool = False
) -> str:
    """'2.4 points (1.1 to 3.7)' for rates, '3.10 (0.40 to 5.80)' for amounts.

    ``signed`` shows the sign (+2.4); ``inner`` writes the interval after a comma, for use inside
    parentheses ('+2.4 points, 1.1 to 3.7').
    """
    scale, unit, fmt = (100.0, " points", ".1f") if kind == "rate" else (1.0, "", ",.2f")
    d = format(scale * diff, "+" + fmt) if signed else format(abs(scale * diff), fmt)
    interval = f"{format(scale * low, fmt)} to {format(scale * high, fmt)}"
    return f"{d}{unit}, {interval}" if inner else f"{d}{unit} ({interval})"


def _what(kind: str, outcome: str) -> str:
    return f"the {outcome} rate" if kind == "rate" else f"{outcome} per customer"


def _extra(row: pd.Series) -> str:
    if row["kind"] == "rate":
        return f"about {abs(row['incremental']):,.0f} {'more' if row['diff'] > 0 else 'fewer'} customers {row['outcome']} out of {row['n']:,}"
    return f"about {abs(row['incremental']):,.2f} {'more' if row['diff'] > 0 else 'less'} {row['outcome']} in total from {row['n']:,} customers"


def _clearest(segs: pd.DataFrame, sign: float) -> str:
    strong = segs[(segs["label"] == "significant") & (segs["diff"] * sign > 0)]
    if strong.empty:
        return "; no single segment shows it clearly on its own"
    # clearest: the interval's bound nearest to zero lies furthest from it
    bound = (strong["low"] if sign > 0 else -strong["high"]).sort_values(ascending=False)
    strong = strong.loc[bound.index].head(2)
    parts = [
        f"{r['segment']} ({effect_text(r['kind'], r['diff'], r['low'], r['high'], signed=True, inner=True)})"
        for _, r in strong.iterrows()
    ]
    return "; the effect is clearest among " + " and ".join(parts)


def verdict(m: Measured, outcome: str, arm: str) -> str:
    """The sentence for one treated arm and one outcome."""
    lifts = m.lifts[(m.lifts["outcome"] == outcome) & (m.lifts["arm"] == arm)]
    row = lifts[lifts["segment"] == OVERALL].iloc[0]
    segs = lifts[lifts["segment"] != OVERALL]
    kind, what = row["kind"], _what(row["kind"], outcome)
    effect = effect_text(kind, row["diff"], row["low"], row["high"])
    if row["label"] == "too_few":
        return (
            f"Too few customers to tell whether {arm} changed {what}: {row['n']:,} in {arm} and "
            f"{row['n_control']:,} in {m.control}; at least {m.min_per_arm} in each are needed."
        )
    if row["label"] == "significant":
        verb = "raised" if row["diff"] > 0 else "lowered"
        sign = 1.0 if row["diff"] > 0 else -1.0
        return f"{arm} {verb} {what} by {effect}, {_extra(row)}{_clearest(segs, sign)}."
    if row["label"] == "promising":
        verb = "raised" if row["diff"] > 0 else "lowered"
        return (
            f"{arm} may have {verb} {what}, by {effect}: promising but not conclusive at "
            f"{m.level:.0%}; more customers would tell."
        )
    text = f"{arm} made no clear difference to {what}: {effect_text(kind, row['diff'], row['low'], row['high'], signed=True)}."
    strong = segs[segs["label"] == "significant"]
    if not strong.empty:
        r = strong.reindex(strong["diff"].abs().sort_values(ascending=False).index).iloc[0]
        verb = "raised" if r["diff"] > 0 else "lowered"
        text += (
            f" Among {r['segment']} it {verb} it by {effect_text(kind, r['diff'], r['low'], r['high'])}; "
            f"one segment out of {len(segs)}, so treat it as a lead to test again."
        )
    return text


def verdicts(m: Measured) -> list[str]:
    """One sentence per treated arm and outcome, arms in order."""
    return [verdict(m, outcome, arm) for outcome in m.kinds for arm in m.treated]
