"""Frozen segmentations: a fitted clustering saved as plain JSON and applied to new data without refit.

:func:`freeze` reads a :class:`FittedSegmenter` into a :class:`FrozenModel` (encoder state, the
method's fitted centres, the order of the segments, their names); :meth:`FrozenModel.assign` gives
every customer of a new table one of the saved segments, with the same codes and names. The state
holds only numbers, strings and lists: loading it never unpickles or executes anything.

How each method assigns a new customer:

- k-means, Ward: the nearest saved centre;
- Gaussian mixture: the component with the highest weighted likelihood (means, precision factors
  and weights saved);
- k-prototypes: the lowest k-prototypes cost to the saved numeric and categorical prototypes;
- HDBSCAN: the segment of the nearest customer it was fitted on (their reduced coordinates are
  saved), so no density estimate is redone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from segmentation.segmenters.clustering import FittedSegmenter, SegmentClusterer, check_matrix
from segmentation.segmenters.frozen_encoder import FrozenEncoder, encoder_state

#: Version of the frozen state's layout.
FORMAT = 1
#: HDBSCAN: at most this many fitted customers are kept as reference points.
MAX_POINTS = 20_000


def nearest(X: np.ndarray, centers: np.ndarray, chunk: int = 65_536) -> np.ndarray:
    """Index of the nearest row of ``centers`` for each row of ``X`` (squared euclidean, in chunks)."""
    out = np.empty(len(X), dtype=np.int64)
    c = np.asarray(centers, dtype=np.float64)
    c2 = (c**2).sum(axis=1)
    for start in range(0, len(X), chunk):
        block = np.asarray(X[start : start + chunk], dtype=np.float64)
        out[start : start + chunk] = np.argmin(c2[None, :] - 2.0 * block @ c.T, axis=1)
    return out


class ModelError(ValueError):
    """A saved model that cannot be used, in plain words."""


def _matrix(value: Any, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        arr = np.empty(0)
    if arr.ndim != 2 or not np.isfinite(arr).all():
        raise ModelError(f"The saved model's {name} is not a table of numbers.")
    return arr


def clusterer_state(clusterer: SegmentClusterer, X: np.ndarray | None = None) -> dict[str, Any]:
    """The fitted clusterer's centres and segment order (``X``: the fitted matrix, for HDBSCAN)."""
    state: dict[str, Any] = {
        "method": clusterer.method,
        "raw_to_code": [int(v) for v in clusterer.raw_to_code_],
        "n_clusters": int(clusterer.n_clusters_),
        "has_noise": bool(clusterer.has_noise_),
        "centers": np.asarray(clusterer.centers_, dtype=np.float64).tolist(),
    }
    method = clusterer.method
    if method in ("kmeans", "ward"):
        state["raw_centers"] = np.asarray(clusterer.raw_centers_, dtype=np.float64).tolist()
    elif method == "gmm":
        gmm = clusterer.model_
        state["means"] = gmm.means_.tolist()
        state["precisions_cholesky"] = gmm.precisions_cholesky_.tolist()
        state["weights"] = gmm.weights_.tolist()
    elif method == "kprototypes":
        kp = clusterer.model_
        state["num_centers"] = np.asarray(kp.num_centers_, dtype=np.float64).tolist()
        state["cat_centers"] = np.asarray(kp.cat_centers_, dtype=np.int64).tolist()
        state["gamma"] = float(kp.gamma_)
        state["categorical"] = [int(c) for c in (clusterer.categorical or [])]
    elif method == "hdbscan":
        if X is None:
            raise ValueError("Freezing HDBSCAN needs the matrix it was fitted on.")
        pca = getattr(clusterer, "pca_", None)
        if pca is not None:
            state["pca"] = {"mean": pca.mean_.tolist(), "components": pca.components_.tolist()}
        Z = _reduce(state.get("pca"), check_matrix(X))
        rows = np.arange(len(Z))
        if len(Z) > MAX_POINTS:
            rows = np.sort(
                np.random.default_rng(clusterer.random_state).choice(len(Z), MAX_POINTS, replace=False)
            )
        state["points"] = np.asarray(Z[rows], dtype=np.float64).tolist()
        state["point_codes"] = [int(c) for c in clusterer.labels_[rows]]
    else:
        raise ValueError(f"Segments made with {method!r} cannot be saved yet; refit them instead.")
    return state


def _reduce(pca: dict[str, Any] | None, X: np.ndarray) -> np.ndarray:
    """As the clusterer's PCA step (``PCA.transform`` without whitening), in float32."""
    if pca is None:
        return X
    mean, components = np.asarray(pca["mean"]), np.asarray(pca["components"])
    return ((X - mean) @ components.T).astype(np.float32)


def _predict_raw(state: dict[str, Any], X: np.ndarray) -> np.ndarray:
    method = state["method"]
    if method in ("kmeans", "ward"):
        return nearest(X, _matrix(state["raw_centers"], "centres"))
    if method == "gmm":
        means = np.asarray(state["means"], dtype=np.float64)
        chol = np.asarray(state["precisions_cholesky"], dtype=np.float64)
        weights = np.asarray(state["weights"], dtype=np.float64)
        Xd = X.astype(np.float64)
        log_prob = np.empty((len(X), len(means)))
        for k, (mu, pc) in enumerate(zip(means, chol, strict=True)):
            y = Xd @ pc - mu @ pc
            log_prob[:, k] = -0.5 * np.sum(y * y, axis=1) + np.log(np.diag(pc)).sum()
        return np.argmax(log_prob + np.log(weights), axis=1)
    if method == "kprototypes":
        cat = np.zeros(X.shape[1], dtype=bool)
        cat[state["categorical"]] = True
        num, codes = X[:, ~cat].astype(np.float64), X[:, cat].astype(np.int64)
        k = len(state["num_centers"])
        c_num = np.asarray(state["num_centers"], dtype=np.float64).reshape(k, num.shape[1])
        c_cat = np.asarray(state["cat_centers"], dtype=np.int64).reshape(k, codes.shape[1])
        cost = (num**2).sum(1)[:, None] - 2.0 * num @ c_num.T + (c_num**2).sum(1)[None, :]
        for j in range(codes.shape[1]):
            cost += state["gamma"] * (codes[:, j][:, None] != c_cat[:, j][None, :])
        return np.argmin(cost, axis=1)
    raise ValueError(f"Unknown saved clustering method {method!r}.")


def _codes(state: dict[str, Any], raw: np.ndarray, X: np.ndarray) -> np.ndarray:
    """As ``SegmentClusterer._codes``: raw cluster -> ordered segment code."""
    raw_to_code = np.asarray(state["raw_to_code"], dtype=np.int64)
    codes = np.where(raw >= 0, raw_to_code[np.clip(raw, 0, len(raw_to_code) - 1)], -1)
    noise = codes < 0
    if noise.any():
        centers = _matrix(state["centers"], "centres")
        codes[noise] = state["n_clusters"] if state["has_noise"] else nearest(X[noise], centers)
    return codes.astype(np.int64)


@dataclass(frozen=True)
class FrozenModel:
    """A fitted segmentation as plain data: ``encoder`` and ``clusterer`` states and segment ``names``."""

    encoder: dict[str, Any]
    clusterer: dict[str, Any]
    names: tuple[str, ...]
    extra: dict[str, Any] = field(default_factory=dict)

    def assign(self, frame: pd.DataFrame) -> pd.Series:
        """The saved segment code of every row of a customer frame (index kept).

        Raises ValueError in plain words when columns are missing or the saved numbers do not fit.
        """
        try:
            return self._assign(frame)
        except ModelError:
            raise
        except (TypeError, KeyError, IndexError, ValueError) as exc:
            if "missing from the new data" in str(exc):
                raise
            raise ModelError(
                "The recipe's saved model is damaged (its numbers do not fit together)."
            ) from exc

    def _assign(self, frame: pd.DataFrame) -> pd.Series:
        X = check_matrix(FrozenEncoder(self.encoder).transform(frame))
        if self.clusterer["method"] == "hdbscan":
            Z = _reduce(self.clusterer.get("pca"), X)
            points = _matrix(self.clusterer["points"], "reference points")
            codes = np.asarray(self.clusterer["point_codes"], dtype=np.int64)[nearest(Z, points)]
        else:
            codes = _codes(self.clusterer, _predict_raw(self.clusterer, X), X)
        return pd.Series(codes, index=frame.index, name="segment")

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "encoder": self.encoder,
            "clusterer": self.clusterer,
            "names": list(self.names),
            **({"extra": self.extra} if self.extra else {}),
        }

    @classmethod
    def from_dict(cls, doc: Any) -> FrozenModel:
        """Validate a saved model's layout (plain data only) and rebuild it."""
        if not isinstance(doc, dict) or {"encoder", "clusterer", "names"} - set(doc):
            raise ModelError("The recipe's saved model is incomplete; refit the segments and save again.")
        if int(doc.get("format", FORMAT)) > FORMAT:
            raise ValueError(
                "The recipe's saved model was made by a newer Segmentation Studio; please update."
            )
        names = doc["names"]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ValueError("The recipe's saved segment names are not a list of names.")
        if not isinstance(doc["encoder"], dict) or not isinstance(doc["clusterer"], dict):
            raise ValueError("The recipe's saved model is not in the expected layout.")
        return cls(doc["encoder"], doc["clusterer"], tuple(names), dict(doc.get("extra", {})))


def freeze(fitted: FittedSegmenter, names: tuple[str, ...], X: np.ndarray | None = None) -> FrozenModel:
    """The fitted encoder and clusterer of a segmentation as a :class:`FrozenModel`."""
    return FrozenModel(encoder_state(fitted.encoder), clusterer_state(fitted.clusterer, X), tuple(names))
