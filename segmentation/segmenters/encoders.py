"""Building blocks of the criteria encoder: value conversions, multi-hot tags, family balancing.

Plain scikit-learn transformers with no knowledge of the catalog; ``criteria.CriteriaEncoder``
assembles them into the pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

#: Category shown for a missing value (kept visible rather than dropped).
MISSING = "(missing)"


def signed_log1p(x: np.ndarray) -> np.ndarray:
    return np.sign(x) * np.log1p(np.abs(x))


def as_float(frame: pd.DataFrame) -> np.ndarray:
    """Numbers and booleans as float64, with pandas NA and +/-inf turned into NaN."""
    arr = frame.astype("float64").to_numpy(dtype="float64", na_value=np.nan, copy=True)
    arr[~np.isfinite(arr)] = np.nan
    return arr


def as_category(frame: pd.DataFrame) -> np.ndarray:
    """Categories as object strings, missing values as their own visible category."""
    return frame.astype("string").fillna(MISSING).to_numpy(dtype=object)


class TagEncoder(TransformerMixin, BaseEstimator):
    """Multi-hot encoding of ``"|"``-joined tags; tags rarer than ``min_frequency`` share one column.

    Parameters
    ----------
    min_frequency : float
        Smallest share of customers a tag needs to get its own column.
    max_tags : int
        At most this many own columns (the most frequent tags).
    """

    def __init__(self, min_frequency: float = 0.01, max_tags: int = 30) -> None:
        self.min_frequency = min_frequency
        self.max_tags = max_tags

    @staticmethod
    def _exploded(X: Any) -> pd.Series:
        col = pd.Series(np.asarray(X, dtype=object).ravel()).astype("string")
        tags = col.str.split("|").explode().str.strip()
        return tags[tags.notna() & (tags != "")]

    def fit(self, X: Any, y: Any = None) -> TagEncoder:
        tags = self._exploded(X)
        n = max(len(np.asarray(X)), 1)
        counts = tags.groupby(level=0).unique().explode().value_counts()
        frequent = counts[counts >= self.min_frequency * n].head(self.max_tags)
        self.tags_ = np.asarray(sorted(frequent.index), dtype=object)
        self.has_other_ = bool(len(counts) > len(frequent))
        self.n_features_in_ = 1
        return self

    def transform(self, X: Any) -> np.ndarray:
        n = len(np.asarray(X))
        tags = self._exploded(X)
        width = len(self.tags_) + int(self.has_other_)
        out = np.zeros((n, width), dtype=np.float64)
        pos = pd.Index(self.tags_).get_indexer(tags.to_numpy(dtype=object))
        rows = tags.index.to_numpy()
        known = pos >= 0
        out[rows[known], pos[known]] = 1.0
        if self.has_other_:
            out[rows[~known], -1] = 1.0
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        base = "tags" if input_features is None else str(input_features[0])
        names = [f"{base}_{t}" for t in self.tags_] + ([f"{base}_other"] if self.has_other_ else [])
        return np.asarray(names, dtype=object)


class FamilyBalancer(TransformerMixin, BaseEstimator):
    """Scale each block of columns to a total variance equal to its weight.

    Parameters
    ----------
    blocks : sequence of (name, column indices, weight)
        Column blocks of the input matrix; a block with zero variance stays zero.
    """

    def __init__(self, blocks: Sequence[tuple[str, Sequence[int], float]] = ()) -> None:
        self.blocks = blocks

    def fit(self, X: np.ndarray, y: Any = None) -> FamilyBalancer:
        X = np.asarray(X, dtype=np.float64)
        scale = np.ones(X.shape[1])
        for _, cols, weight in self.blocks:
            idx = np.asarray(cols, dtype=int)
            total = float(X[:, idx].var(axis=0).sum()) if len(X) else 0.0
            scale[idx] = np.sqrt(weight / total) if total > 0 else 0.0
        self.scale_ = scale
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        return (np.asarray(X, dtype=np.float64) * self.scale_).astype(np.float32)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray(input_features, dtype=object)
