"""A fitted criteria encoder as plain JSON, and the same transform computed from that JSON alone.

``encoder_state`` reads what a fitted :class:`CriteriaEncoder` (or :class:`MixedEncoder`) learnt:
per numeric column the log flag, the median used for missing values, whether a missing-value
indicator column follows, the robust scaler's centre and scale and the clip; per categorical column
the output column of every known value and of an unseen one; per tag column its tags; the family
balancing factor of every output column. :class:`FrozenEncoder` rebuilds the matrix from that state
with numpy, so a saved recipe needs no pickle and no refit.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from segmentation.segmenters.criteria_encoder import CriteriaEncoder, MixedEncoder
from segmentation.segmenters.encoders import TagEncoder, as_category, as_float, signed_log1p

_UNSEEN = "\x00value not seen when the segments were made\x00"


def _numeric_state(name: str, pipe: Any) -> dict[str, Any]:
    steps = dict(pipe.steps)
    imputer, scaler = steps["impute"], steps["scale"]
    clip = steps.get("clip")
    return {
        "kind": "numeric",
        "name": name,
        "log": "log" in steps,
        "median": float(imputer.statistics_[0]),
        "indicator": imputer.indicator_ is not None and len(imputer.indicator_.features_) > 0,
        "center": [float(v) for v in scaler.center_],
        "scale": [float(v) for v in scaler.scale_],
        "clip": None if clip is None else float(clip.kw_args["a_max"]),
    }


def _categorical_state(name: str, pipe: Any) -> dict[str, Any]:
    onehot = dict(pipe.steps)["onehot"]
    width = len(onehot.get_feature_names_out())

    def column(value: str) -> int:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "unknown categories" for the unseen probe
            row = onehot.transform(np.array([[value]], dtype=object))[0]
        return int(np.argmax(row)) if row.any() else -1

    return {
        "kind": "categorical",
        "name": name,
        "width": width,
        "columns": {str(v): column(str(v)) for v in onehot.categories_[0]},
        "unseen": column(_UNSEEN),
    }


def encoder_state(encoder: CriteriaEncoder | MixedEncoder) -> dict[str, Any]:
    """Everything the fitted encoder needs to transform new customers, as JSON-ready values."""
    if isinstance(encoder, MixedEncoder):
        return {
            "type": "mixed",
            "numeric": None if encoder.numeric_ is None else encoder_state(encoder.numeric_),
            "categories": {k: [str(v) for v in cats] for k, cats in encoder.categories_.items()},
            "features": list(encoder.features_),
        }
    columns, balancer = encoder.pipeline_.named_steps["columns"], encoder.pipeline_.named_steps["balance"]
    parts: list[dict[str, Any]] = []
    for name, fitted, _ in columns.transformers_:
        if name == "remainder" or isinstance(fitted, str):
            continue
        if isinstance(fitted, TagEncoder):
            parts.append(
                {
                    "kind": "tags",
                    "name": name,
                    "tags": [str(t) for t in fitted.tags_],
                    "other": fitted.has_other_,
                }
            )
        elif "onehot" in dict(fitted.steps):
            parts.append(_categorical_state(name, fitted))
        else:
            parts.append(_numeric_state(name, fitted))
    return {
        "type": "criteria",
        "columns": parts,
        "balance": [float(v) for v in balancer.scale_],
        "features": list(encoder.features_),
    }


@dataclass(frozen=True)
class FrozenEncoder:
    """Transforms customer frames exactly as the encoder the state was read from."""

    state: dict[str, Any]

    @property
    def features(self) -> list[str]:
        return list(self.state["features"])

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        missing = [c for c in self.features if c not in frame]
        if missing:
            raise ValueError(
                f"These columns used by the saved segments are missing from the new data: {missing}."
            )
        if self.state["type"] == "mixed":
            return self._mixed(frame)
        blocks = [self._column(part, frame) for part in self.state["columns"]]
        X = np.hstack(blocks) if blocks else np.zeros((len(frame), 0))
        balance = np.asarray(self.state["balance"], dtype=np.float64)
        if X.shape[1] != len(balance):
            raise ValueError("The saved encoder does not match its own column count; save the recipe again.")
        return np.ascontiguousarray((X * balance).astype(np.float32))

    def _column(self, part: dict[str, Any], frame: pd.DataFrame) -> np.ndarray:
        name = part["name"]
        if part["kind"] == "numeric":
            x = as_float(frame[[name]])[:, 0]
            if part["log"]:
                x = signed_log1p(x)
            absent = np.isnan(x)
            cols = [np.where(absent, part["median"], x)]
            if part["indicator"]:
                cols.append(absent.astype(np.float64))
            X = (np.column_stack(cols) - np.asarray(part["center"])) / np.asarray(part["scale"])
            return X if part["clip"] is None else np.clip(X, -part["clip"], part["clip"])
        if part["kind"] == "categorical":
            values = as_category(frame[[name]]).ravel()
            lookup = pd.Series(part["columns"], dtype=np.int64)
            idx = pd.Series(values).map(lookup).fillna(part["unseen"]).to_numpy(dtype=np.int64)
            out = np.zeros((len(values), part["width"]))
            hit = idx >= 0
            out[np.flatnonzero(hit), idx[hit]] = 1.0
            return out
        tags = TagEncoder()
        tags.tags_ = np.asarray(part["tags"], dtype=object)
        tags.has_other_ = bool(part["other"])
        return tags.transform(frame[[name]].to_numpy(dtype=object))

    def _mixed(self, frame: pd.DataFrame) -> np.ndarray:
        numeric = self.state["numeric"]
        parts = [] if numeric is None else [FrozenEncoder(numeric).transform(frame)]
        for name, cats in self.state["categories"].items():
            values = as_category(frame[[name]]).ravel()
            codes = pd.Index(cats).get_indexer(pd.Index(values))
            parts.append(np.where(codes < 0, len(cats), codes).astype(np.float32)[:, None])
        return np.ascontiguousarray(np.hstack(parts), dtype=np.float32)
