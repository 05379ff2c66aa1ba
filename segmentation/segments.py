"""The result every segmenter returns: one segment per customer, in a stable order, with names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Segmentation:
    """Customers assigned to segments.

    ``labels`` is indexed by ``customer_id`` and holds segment codes ``0..len(names)-1``; code ``i``
    is shown as ``names[i]``. Codes are ordered stably (for clusters: by value, highest first; for
    rules: in the grid's order), so a rerun keeps segment 1 as segment 1. Every customer has exactly
    one code; "Unclustered" or "Other" is a segment of its own, never a missing value.
    """

    labels: pd.Series
    names: tuple[str, ...]
    method: str
    params: dict[str, Any] = field(default_factory=dict)
    #: Per-customer scores used to decide (RFM scores, probabilities, ...), same index as labels.
    scores: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        codes = self.labels.to_numpy()
        if len(codes) and (codes.min() < 0 or codes.max() >= len(self.names)):
            raise ValueError("segment codes must lie in 0..len(names)-1")

    @classmethod
    def from_codes(
        cls, codes: Any, index: pd.Index, names: Any, method: str, params: dict[str, Any], **kw: Any
    ) -> Segmentation:
        """A segmentation from an array of codes aligned with ``index`` (customer ids)."""
        labels = pd.Series(np.asarray(codes, dtype=np.int64), index=index, name="segment")
        return cls(labels, tuple(names), method, params, **kw)

    @property
    def named(self) -> pd.Series:
        """Segment name per customer (categorical, categories in segment order)."""
        cat = pd.Categorical.from_codes(self.labels.to_numpy(), categories=pd.Index(self.names))
        return pd.Series(cat, index=self.labels.index, name="segment")

    def sizes(self) -> pd.Series:
        """Customers per segment name, in segment order, including empty segments."""
        counts = np.bincount(self.labels.to_numpy(), minlength=len(self.names))
        return pd.Series(counts, index=list(self.names), name="customers")

    def renamed(self, names: dict[int, str] | list[str] | tuple[str, ...]) -> Segmentation:
        """A copy with new names (user edits); codes and order are kept."""
        new = list(self.names)
        items = names.items() if isinstance(names, dict) else enumerate(names)
        for code, name in items:
            new[code] = str(name).strip() or self.names[code]
        if len(set(new)) != len(new):
            raise ValueError("Two segments would have the same name; give each segment its own name.")
        # "named": the names are final (generated once or edited by the user); profiles keep them.
        return Segmentation(self.labels, tuple(new), self.method, {**self.params, "named": True}, self.scores)


def cross_table(rows: Segmentation, columns: Segmentation) -> pd.DataFrame:
    """Customers in each pair of segments of two segmentations of the same customers."""
    right = columns.named.reindex(rows.labels.index)
    return pd.crosstab(rows.named, right, dropna=False).rename_axis(index=None, columns=None)


def with_segment(seg: Segmentation, customer_ids: pd.Index | list[str], name: str) -> Segmentation:
    """A copy where the given customers form a new last segment (for example a selection on the map).

    Segments emptied by the move are kept, so the other codes and names do not shift.
    """
    if name in seg.names:
        raise ValueError(f"A segment called '{name}' exists already; choose another name.")
    labels = seg.labels.copy()
    chosen = labels.index.isin(pd.Index(customer_ids))
    if not chosen.any():
        raise ValueError("No customer is selected.")
    labels[chosen] = len(seg.names)
    params = {**seg.params, "added_segment": name}
    return Segmentation(labels, (*seg.names, name), seg.method, params, seg.scores)
