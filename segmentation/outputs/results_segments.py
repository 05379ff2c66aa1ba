"""A results file's own segments against the customers' current ones: names the current
segmentation does not have, customers without a segment, and customers who are in another segment now.

The campaign was sent by the file's segments, so those are the ones measured; this only says, in plain
words, where they and the current segmentation disagree (see :func:`compare_segments`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: The segment of a measured customer whose row in the results file names none.
NO_SEGMENT = "(no segment)"
_NAMES_SHOWN = 3


@dataclass(frozen=True)
class SegmentCheck:
    """``unknown``: customers per segment name of the file that is not a current segment.
    ``blank``: customers without a segment in the file. ``moved``: customers per (segment in the file,
    segment now) pair where the two differ, most first; only for names the current segmentation has."""

    unknown: dict[str, int] = field(default_factory=dict)
    blank: int = 0
    moved: dict[tuple[str, str], int] = field(default_factory=dict)

    def messages(self) -> list[str]:
        """One plain sentence per kind of disagreement, with what the measurement does about it."""
        out = []
        if self.unknown:
            out.append(_unknown_names(self.unknown))
        if self.blank:
            have = "has" if self.blank == 1 else "have"
            out.append(
                f"{plural(self.blank, 'customer')} {have} no segment in the results file: measured "
                f"together as '{NO_SEGMENT}'."
            )
        if self.moved:
            (was, now), most = next(iter(self.moved.items()))
            moved = sum(self.moved.values())
            out.append(
                f"{plural(moved, 'customer')} {'is' if moved == 1 else 'are'} in another of your segments "
                f"now than the results file says (the most: {most:,} of the file's '{was}', now in "
                f"'{now}'): each is measured in the file's segment, the one the campaign was sent to."
            )
        return out


def plural(n: int, word: str) -> str:
    """'1 customer', '2,000 customers'."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _unknown_names(unknown: dict[str, int]) -> str:
    shown = list(unknown.items())[:_NAMES_SHOWN]
    named = [
        f"'{name}' ({plural(n, 'customer') if i == 0 else f'{n:,}'})" for i, (name, n) in enumerate(shown)
    ]
    if len(unknown) == 1:
        return f"The file's segment {named[0]} is not one of your segments: it is measured under the file's name."
    if len(unknown) > _NAMES_SHOWN:
        named.append(f"{len(unknown) - _NAMES_SHOWN} more")
    listed = ", ".join(named[:-1]) + " and " + named[-1]
    return (
        f"The file's segments {listed} are not among your segments: they are measured under the file's names."
    )


def compare_segments(in_file: pd.Series, current: pd.Series) -> SegmentCheck:
    """Compare each measured customer's segment in the results file with their current one.

    Parameters
    ----------
    in_file : Series
        The file's segment (text, missing when blank) of each measured customer, indexed by
        customer id as text, one row per customer.
    current : Series
        The current segment name of every known customer, indexed by customer id.
    """
    # Counted on category codes: a few segments, however many customers.
    stated = in_file.astype("category")
    codes = stated.cat.codes.to_numpy()
    was = stated.cat.categories.astype(str)
    now = current.set_axis(current.index.astype(str)).astype(str).astype("category")
    names = now.cat.categories.astype(str)
    counts = np.bincount(codes[codes >= 0], minlength=len(was))
    order = np.argsort(-counts, kind="stable")
    ours = set(names)
    unknown = {was[i]: int(counts[i]) for i in order if counts[i] and was[i] not in ours}
    known = (codes >= 0) & np.append(was.isin(names), False)[codes]  # code -1 (blank) reads the False
    now_codes = now.reindex(in_file.index[known]).cat.codes.to_numpy()
    found = now_codes >= 0
    grid = np.bincount(
        codes[known][found] * len(names) + now_codes[found], minlength=len(was) * len(names)
    ).reshape(len(was), len(names))
    moved = {
        (was[i], names[j]): int(grid[i, j])
        for i, j in zip(*np.nonzero(grid), strict=True)
        if was[i] != names[j]
    }
    return SegmentCheck(
        unknown=unknown,
        blank=int(in_file.isna().sum()),
        moved=dict(sorted(moved.items(), key=lambda item: -item[1])),
    )
