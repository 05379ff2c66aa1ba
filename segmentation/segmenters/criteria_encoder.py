"""From the chosen criteria (``CriteriaSpec``) to the numeric matrix that clustering and the map work on.

The encoder is a scikit-learn ``Pipeline``: a ``ColumnTransformer`` built from the catalog (log for
skewed money and counts, for durations in days and for any other non-negative right-skewed number,
robust scaling, one-hot with rare values pooled, multi-hot for tags, missing values imputed with an
indicator), followed by a ``FamilyBalancer`` that gives every chosen family the same total variance,
times the user's weight, so a family with ten columns does not outvote a family with one. The
opt-in features (``criteria.OPT_IN_FEATURES``) are used only when the spec names them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, RobustScaler

from segmentation.catalog import FAMILY_LABELS, Feature
from segmentation.segmenters.criteria import ENCODABLE_KINDS, CriteriaSpec, default_features, needs_log
from segmentation.segmenters.encoders import FamilyBalancer, TagEncoder, as_category, as_float, signed_log1p


class CriteriaEncoder(TransformerMixin, BaseEstimator):
    """Turn the chosen criteria of a customer table into a float32 matrix.

    Parameters
    ----------
    spec : CriteriaSpec
        Families (and optionally features) to use, with their weights.
    catalog : sequence of Feature
        The customer table's catalog (``table.catalog``): kinds, families and skew.
    min_frequency : float
        Categories and tags held by fewer than this share of customers are pooled as "infrequent".
    max_categories : int
        At most this many columns per categorical feature (the rest pooled).
    quantile_range : (float, float)
        Percentiles whose distance is one unit after scaling.
    clip : float or None
        Scaled numbers are clipped to +/- this many units (None: no clipping).
    fit_size : int
        Above this many rows, scaling, categories and family weights are learnt on a seeded sample
        (every row is still transformed).
    random_state : int
        Seed of that sample.

    Attributes
    ----------
    features_ : tuple of str
        Columns used: the spec's features, or else every usable one minus ``OPT_IN_FEATURES``.
    logged_ : tuple of str
        Numeric columns put through a signed ``log1p``: flagged ``skewed`` in the catalog, measured
        in days, or found right-skewed by ``needs_log``.

    Examples
    --------
    >>> enc = CriteriaEncoder(CriteriaSpec(("value",)), table.catalog).fit(table.frame)  # doctest: +SKIP
    >>> X = enc.transform(table.frame)  # doctest: +SKIP
    """

    def __init__(
        self,
        spec: CriteriaSpec,
        catalog: Sequence[Feature],
        min_frequency: float = 0.01,
        max_categories: int = 20,
        quantile_range: tuple[float, float] = (25.0, 75.0),
        clip: float | None = 3.0,
        fit_size: int = 200_000,
        random_state: int = 0,
    ) -> None:
        self.spec = spec
        self.catalog = catalog
        self.min_frequency = min_frequency
        self.max_categories = max_categories
        self.quantile_range = quantile_range
        self.clip = clip
        self.fit_size = fit_size
        self.random_state = random_state

    def _chosen(self, frame: pd.DataFrame) -> list[Feature]:
        wanted = set(self.spec.features) if self.spec.features is not None else None
        chosen = [
            f
            for f in self.catalog
            if f.family in self.spec.families
            and f.kind in ENCODABLE_KINDS
            and (wanted is None or f.name in wanted)
            and self.spec.weight(f.family) > 0
            and f.name in frame
            and frame[f.name].notna().any()
        ]
        if wanted is None:  # no explicit pick: leave the opt-in features out, family by family
            defaults = {
                name
                for family in self.spec.families
                for name in default_features([f.name for f in chosen if f.family == family])
            }
            chosen = [f for f in chosen if f.name in defaults]
        if not chosen:
            labels = ", ".join(FAMILY_LABELS[f] for f in self.spec.families) or "none"
            raise ValueError(
                f"None of the chosen criteria ({labels}) has data to group customers on. "
                "Pick other criteria, or check that the matching columns were mapped when loading the data."
            )
        return chosen

    def _column_transformer(self, chosen: Iterable[Feature], logged: set[str]) -> ColumnTransformer:
        parts = []
        for f in chosen:
            if f.kind in ("numeric", "boolean"):
                steps: list[tuple[str, Any]] = [
                    ("float", FunctionTransformer(as_float, feature_names_out="one-to-one"))
                ]
                if f.name in logged:
                    steps.append(("log", FunctionTransformer(signed_log1p, feature_names_out="one-to-one")))
                steps += [
                    (
                        "impute",
                        SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
                    ),
                    ("scale", RobustScaler(quantile_range=self.quantile_range)),
                ]
                if self.clip is not None:
                    # Winsorise: a handful of extreme customers must not pull whole segments apart.
                    clip = FunctionTransformer(
                        np.clip,
                        kw_args={"a_min": -self.clip, "a_max": self.clip},
                        feature_names_out="one-to-one",
                    )
                    steps.append(("clip", clip))
                parts.append((f.name, Pipeline(steps), [f.name]))
            elif f.kind == "categorical":
                onehot = OneHotEncoder(
                    min_frequency=self.min_frequency,
                    max_categories=self.max_categories,
                    handle_unknown="infrequent_if_exist",
                    sparse_output=False,
                )
                steps = [
                    ("text", FunctionTransformer(as_category, feature_names_out="one-to-one")),
                    ("onehot", onehot),
                ]
                parts.append((f.name, Pipeline(steps), [f.name]))
            else:
                parts.append((f.name, TagEncoder(self.min_frequency), [f.name]))
        return ColumnTransformer(
            parts, remainder="drop", sparse_threshold=0.0, verbose_feature_names_out=False
        )

    def fit(self, frame: pd.DataFrame, y: Any = None) -> CriteriaEncoder:
        """Learn scaling, categories, tags and family weights from ``frame`` (one row per customer)."""
        if len(frame) == 0:
            raise ValueError("There are no customers to group.")
        chosen = self._chosen(frame)
        # Quantiles, categories and variances settle long before a million rows; fitting on a sample
        # saves most of the time (sklearn counts categories of object arrays in Python).
        if len(frame) > self.fit_size:
            rows = np.random.default_rng(self.random_state).choice(len(frame), self.fit_size, replace=False)
            frame = frame.iloc[np.sort(rows)]
        # Log for the catalog's money and counts, and for any other non-negative right-skewed number.
        self.logged_ = tuple(
            f.name
            for f in chosen
            if f.kind == "numeric" and (f.skewed or f.unit == "days" or needs_log(frame[f.name]))
        )
        columns = self._column_transformer(chosen, set(self.logged_))
        encoded = columns.fit_transform(frame)
        family_of = {f.name: f.family for f in chosen}
        cols_by_family: dict[str, list[int]] = {}
        for name, block in columns.output_indices_.items():
            if name in family_of:
                cols_by_family.setdefault(family_of[name], []).extend(range(block.start, block.stop))
        blocks = [(fam, cols, self.spec.weight(fam)) for fam, cols in cols_by_family.items()]
        balancer = FamilyBalancer(blocks).fit(encoded)
        self.pipeline_ = Pipeline([("columns", columns), ("balance", balancer)])
        self.features_ = tuple(f.name for f in chosen)
        self.families_ = tuple(cols_by_family)
        self.feature_names_out_ = np.asarray(columns.get_feature_names_out(), dtype=object)
        self.family_of_column_ = np.empty(len(self.feature_names_out_), dtype=object)
        for fam, cols in cols_by_family.items():
            self.family_of_column_[cols] = fam
        return self

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """The criteria matrix (float32, one row per row of ``frame``); unseen categories count as rare."""
        missing = [c for c in self.features_ if c not in frame]
        if missing:
            raise ValueError(
                f"These columns used by the segmentation are missing from the new data: {missing}."
            )
        return np.ascontiguousarray(self.pipeline_.transform(frame), dtype=np.float32)

    def fit_transform(self, frame: pd.DataFrame, y: Any = None, **_: Any) -> np.ndarray:
        return self.fit(frame).transform(frame)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return self.feature_names_out_


class MixedEncoder(TransformerMixin, BaseEstimator):
    """Criteria matrix for k-prototypes: scaled numbers (as ``CriteriaEncoder``) plus category codes.

    Categorical features are kept as integer codes (rare and unseen values share the "other" code,
    missing values have their own) in the last columns, listed in ``categorical_columns_``.
    """

    def __init__(
        self,
        spec: CriteriaSpec,
        catalog: Sequence[Feature],
        min_frequency: float = 0.01,
        max_categories: int = 20,
    ) -> None:
        self.spec = spec
        self.catalog = catalog
        self.min_frequency = min_frequency
        self.max_categories = max_categories

    def fit(self, frame: pd.DataFrame, y: Any = None) -> MixedEncoder:
        chosen = CriteriaEncoder(self.spec, self.catalog)._chosen(frame)
        cats = [f.name for f in chosen if f.kind == "categorical"]
        others = [f.name for f in chosen if f.kind != "categorical"]
        self.numeric_ = (
            CriteriaEncoder(
                CriteriaSpec(self.spec.families, tuple(others), dict(self.spec.weights)), self.catalog
            ).fit(frame)
            if others
            else None
        )
        self.categories_: dict[str, list[str]] = {}
        for name in cats:
            shares = pd.Series(as_category(frame[[name]]).ravel()).value_counts(normalize=True)
            self.categories_[name] = sorted(shares[shares >= self.min_frequency].index[: self.max_categories])
        n_num = 0 if self.numeric_ is None else len(self.numeric_.feature_names_out_)
        self.categorical_columns_ = list(range(n_num, n_num + len(cats)))
        self.features_ = tuple(f.name for f in chosen)
        return self

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        parts = [] if self.numeric_ is None else [self.numeric_.transform(frame)]
        for name, cats in self.categories_.items():
            values = as_category(frame[[name]]).ravel()
            codes = pd.Index(cats).get_indexer(pd.Index(values))
            parts.append(np.where(codes < 0, len(cats), codes).astype(np.float32)[:, None])
        return np.ascontiguousarray(np.hstack(parts), dtype=np.float32)
