"""Segment movement: how customers moved between the segments of two (or more) moments.

The segmentations compared must share their segments (the same frozen model or rule set applied at
each moment), so "Champions" then and now mean the same thing. Each customer is counted once: present
at both moments (stayed or moved), only at the later one (new) or only at the earlier one (lost).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.segments import Segmentation

#: Row and column labels of the transition table for customers present at one moment only.
NEW = "(new customer)"
LOST = "(no longer a customer)"


@dataclass(frozen=True)
class Movement:
    """The moves between two moments.

    ``transitions``: one row per (``from_segment``, ``to_segment``) pair with ``customers`` and
    ``revenue``, including ``NEW`` as from-segment and ``LOST`` as to-segment, all pairs of the two
    segmentations listed (empty ones with 0). ``customers``: one row per customer with
    ``segment_then``, ``segment_now`` (blank when absent), ``status`` (stayed, moved, new, lost),
    ``previous_segment`` and ``since`` (the first moment of the customer's current segment).
    """

    transitions: pd.DataFrame
    customers: pd.DataFrame
    then: str
    now: str

    def matrix(self, value: str = "customers") -> pd.DataFrame:
        """The transition table as a matrix: from-segments as rows, to-segments as columns."""
        t = self.transitions
        m = t.pivot_table(
            index="from_segment", columns="to_segment", values=value, aggfunc="sum", observed=False
        )
        return m.reindex(
            index=list(dict.fromkeys(t["from_segment"])), columns=list(dict.fromkeys(t["to_segment"]))
        ).fillna(0)

    def cell(self, then: str, now: str) -> pd.DataFrame:
        """The customers of one cell of the transition table (``NEW``/``LOST`` for absent ones)."""
        c = self.customers
        before = c["segment_then"].fillna(NEW)
        after = c["segment_now"].fillna(LOST)
        return c[(before == then) & (after == now)].reset_index(drop=True)

    def counts(self) -> dict[str, int]:
        """Customers per status: stayed, moved, new, lost."""
        found = self.customers["status"].value_counts()
        return {s: int(found.get(s, 0)) for s in ("stayed", "moved", "new", "lost")}

    def biggest_moves(self, n: int = 5) -> list[str]:
        """The largest moves between segments in plain words, then new and lost customers."""
        t = self.transitions
        moved = t[
            (t["from_segment"] != t["to_segment"]) & ~t["from_segment"].eq(NEW) & ~t["to_segment"].eq(LOST)
        ]
        moved = moved[moved["customers"] > 0].sort_values(
            ["customers", "revenue"], ascending=False, kind="stable"
        )
        top = moved.head(n)
        lines = [
            f"{int(c):,} {a} became {b}" + _revenue(float(v))
            for a, b, c, v in zip(
                top["from_segment"], top["to_segment"], top["customers"], top["revenue"], strict=True
            )
        ]
        counts = self.counts()
        present = counts["stayed"] + counts["moved"]
        if present:
            lines.append(
                f"{counts['stayed']:,} of {present:,} customers present at both moments ({counts['stayed'] / present:.0%}) kept their segment"
            )
        for status, label, column, words in (
            ("new", NEW, "to_segment", "new customers, most of them in"),
            ("lost", LOST, "from_segment", "customers lost, most of them from"),
        ):
            if counts[status]:
                side = t[t["from_segment" if status == "new" else "to_segment"] == label]
                best = side.sort_values("customers", ascending=False, kind="stable").iloc[0]
                lines.append(f"{counts[status]:,} {words} {best[column]} ({int(best['customers']):,})")
        return lines


def _revenue(value: float) -> str:
    return f" (revenue {value:,.0f})" if np.isfinite(value) and value else ""


def movement(
    then: Segmentation,
    now: Segmentation,
    *,
    revenue: pd.Series | None = None,
    then_label: str = "then",
    now_label: str = "now",
) -> Movement:
    """Compare two segmentations of (mostly) the same customers.

    Parameters
    ----------
    then, now : Segmentation
        The earlier and the later segmentation (customer ids as index).
    revenue : Series, optional
        Revenue per customer to add up per cell (for example what each customer spent between the
        two moments); customers without a value count 0.
    then_label, now_label : str
        How the two moments are called (their dates), used for ``since``.
    """
    history = membership_history([(then_label, then), (now_label, now)])
    before = then.named.astype(str).rename("segment_then")
    after = now.named.astype(str).rename("segment_now")
    both = pd.concat([before, after], axis=1, join="outer")
    both.index = both.index.rename("customer_id")
    status = np.select(
        [
            both["segment_then"].isna(),
            both["segment_now"].isna(),
            both["segment_then"] == both["segment_now"],
        ],
        ["new", "lost", "stayed"],
        "moved",
    )
    customers = both.assign(status=status).join(history[["previous_segment", "since"]])
    money = (revenue.reindex(both.index) if revenue is not None else pd.Series(0.0, index=both.index)).fillna(
        0.0
    )
    cells = pd.DataFrame(
        {
            "from_segment": both["segment_then"].fillna(NEW).to_numpy(),
            "to_segment": both["segment_now"].fillna(LOST).to_numpy(),
            "revenue": money.to_numpy(dtype=float),
        }
    )
    grouped = cells.groupby(["from_segment", "to_segment"], sort=False)["revenue"].agg(["size", "sum"])
    rows = [*then.names, NEW]
    columns = [*now.names, LOST]
    full = pd.MultiIndex.from_product([rows, columns], names=["from_segment", "to_segment"])
    table = (
        grouped.reindex(full, fill_value=0)
        .reset_index()
        .rename(columns={"size": "customers", "sum": "revenue"})
    )
    table = table[~((table["from_segment"] == NEW) & (table["to_segment"] == LOST))]
    table["customers"] = table["customers"].astype(np.int64)
    return Movement(table.reset_index(drop=True), customers.reset_index(), then_label, now_label)


def membership_history(moments: Sequence[tuple[str, Segmentation]]) -> pd.DataFrame:
    """Each customer's segment at the last moment they were seen, since when, and the one before.

    ``moments`` are (label, segmentation) pairs in time order. Returns a frame indexed by
    ``customer_id`` with ``segment``, ``since`` (label of the first moment of the current unbroken
    run in that segment) and ``previous_segment`` (the segment before that run; blank if none).
    """
    if not moments:
        raise ValueError("membership_history needs at least one moment")
    wide = pd.concat([seg.named.astype(str).rename(label) for label, seg in moments], axis=1, join="outer")
    values = wide.to_numpy(dtype=object)
    present = wide.notna().to_numpy()
    labels = np.array([label for label, _ in moments], dtype=object)
    rows = np.arange(len(wide))
    last = present.shape[1] - 1 - np.argmax(present[:, ::-1], axis=1)
    segment = values[rows, last]
    start = last.copy()
    for j in range(present.shape[1] - 2, -1, -1):  # walk back while the segment stays the same
        start = np.where((start - 1 == j) & present[:, j] & (values[:, j] == segment), j, start)
    before = np.maximum(start - 1, 0)
    has_before = (start > 0) & present[rows, before]
    previous = np.where(has_before, values[rows, before], None)
    since = labels[start]
    out = pd.DataFrame({"segment": segment, "since": since, "previous_segment": previous}, index=wide.index)
    out.index = out.index.rename("customer_id")
    return out
