"""What a refit changed: the number of segments and the customers who ended up in another segment.

A refit numbers and names its segments afresh, so "Segment 2" before and after need not be the same
group. Each old segment is matched to at most one new segment so that as many customers as possible
stay matched (the assignment problem, solved by ``scipy.optimize.linear_sum_assignment``:
https://docs.scipy.org/doc/scipy/reference/generated/scipy.optimize.linear_sum_assignment.html); a
customer changed segment when their new segment is not the match of their old one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from scipy.optimize import linear_sum_assignment

from segmentation.segments import Segmentation


@dataclass(frozen=True)
class RefitChanges:
    """Segments before and after a refit, and customers (present in both) who changed segment."""

    segments_before: int
    segments_after: int
    changed: int
    customers: int

    @property
    def changed_share(self) -> float:
        return self.changed / self.customers if self.customers else 0.0

    def message(self) -> str:
        count = (
            f"still {self.segments_after} segments"
            if self.segments_before == self.segments_after
            else f"{self.segments_after} segments instead of {self.segments_before}"
        )
        return (
            f"Refitted on this data: {count}; {self.changed:,} of {self.customers:,} customers "
            f"({self.changed_share:.1%}) are in a different segment than with the saved segments."
        )


def refit_changes(before: Segmentation, after: Segmentation) -> RefitChanges:
    """Compare the saved segments' assignment (``before``) with a refit of the same customers."""
    common = before.labels.index.intersection(after.labels.index)
    table = pd.crosstab(before.labels.reindex(common), after.labels.reindex(common)).to_numpy()
    rows, cols = linear_sum_assignment(table, maximize=True)
    kept = int(table[rows, cols].sum()) if len(common) else 0
    return RefitChanges(len(before.names), len(after.names), len(common) - kept, len(common))


__all__ = ["RefitChanges", "refit_changes"]
