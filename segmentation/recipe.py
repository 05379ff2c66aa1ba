"""The recipe: the whole path from raw columns to named segments as one plain JSON document.

Mapping + criteria + method + parameters + seed. The same recipe on the same data gives the same
segments in the same order with the same names. Loading a recipe parses JSON and validates fields:
it never imports, evaluates or executes anything it contains.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from segmentation.catalog import CustomerTable
from segmentation.dataset import Dataset, SourceFile, load_dataset, suggest
from segmentation.errors import DataError
from segmentation.explain import generated_names
from segmentation.intake import Mapping
from segmentation.segmenters import (
    DEFAULT_FAMILIES,
    RULE_SETS,
    CriteriaEncoder,
    CriteriaSpec,
    Rule,
    cluster_segmentation,
    custom_segments,
    default_criteria,
    rfm_segments,
    scan_k,
    usable_features,
)
from segmentation.segments import Segmentation

VERSION = 1
CLUSTER_METHODS = ("kmeans", "gmm", "hdbscan", "ward", "kprototypes")


@dataclass(frozen=True)
class Recipe:
    """Everything needed to redo a segmentation. ``method`` is a clustering method or a rule set name."""

    method: str
    criteria: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    mappings: dict[str, dict[str, Any]] = field(default_factory=dict)
    random_state: int = 0
    names: list[str] | None = None
    version: int = VERSION
    #: Seed of the campaign holdout drawn on the Export page (recipes without it use 0).
    holdout_seed: int = 0

    def __post_init__(self) -> None:
        if self.method not in (*CLUSTER_METHODS, *RULE_SETS, "custom"):
            raise DataError(f"This recipe uses an unknown method '{self.method}'.")
        if not isinstance(self.holdout_seed, int) or isinstance(self.holdout_seed, bool):
            raise DataError("The recipe's holdout seed must be a whole number.")

    @property
    def spec(self) -> CriteriaSpec:
        return CriteriaSpec.from_dict(self.criteria) if self.criteria else CriteriaSpec(DEFAULT_FAMILIES)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> Recipe:
        try:
            doc = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise DataError("This is not a recipe file: it is not valid JSON.") from exc
        if not isinstance(doc, dict) or "method" not in doc:
            raise DataError("This is not a recipe file: it has no segmentation method.")
        unknown = set(doc) - {f for f in cls.__dataclass_fields__}
        if unknown:
            raise DataError(
                f"This recipe has fields Segmentation Studio does not know: {', '.join(sorted(unknown))}."
            )
        if doc.get("version", VERSION) > VERSION:
            raise DataError("This recipe was made by a newer Segmentation Studio; please update the app.")
        return cls(**doc)


def with_fitted(recipe: Recipe, seg: Segmentation) -> Recipe:
    """The recipe plus what its run learned that a rerun must reuse: the RFM band edges.

    A recipe with edges scores new customers on the same bands ("F=1: 1 order") instead of
    refitting them on the new data.
    """
    edges = seg.params.get("edges") if recipe.method in ("rfm11", "rfm6") else None
    if not edges:
        return recipe
    return replace(recipe, params={**recipe.params, "edges": {k: list(v) for k, v in edges.items()}})


def encode(table: CustomerTable, spec: CriteriaSpec) -> tuple[CriteriaEncoder, np.ndarray]:
    """The criteria matrix of a table (rows in ``table.frame`` order) and its fitted encoder."""
    encoder = CriteriaEncoder(spec, table.catalog).fit(table.frame)
    return encoder, encoder.transform(table.frame)


def segment(
    table: CustomerTable, recipe: Recipe, encoded: tuple[CriteriaEncoder, np.ndarray] | None = None
) -> Segmentation:
    """Apply a recipe to a customer table: same data and recipe, same segments, order and names.

    ``encoded`` (from :func:`encode` with the recipe's criteria) saves encoding a large table again.
    """
    if recipe.method in CLUSTER_METHODS:
        encoded = encoded or encode(table, recipe.spec)
        k = int(recipe.params.get("k") or scan_k(encoded[1], random_state=recipe.random_state).recommended_k)
        seg, _ = cluster_segmentation(
            table, recipe.spec, method=recipe.method, k=k, random_state=recipe.random_state, encoded=encoded
        )
        seg = seg.renamed(generated_names(table, seg))
    elif recipe.method == "custom":
        rules_ = [Rule.from_dict(r) for r in recipe.params.get("rules", [])]
        seg = custom_segments(table, rules_)
    elif recipe.method in ("rfm11", "rfm6") and recipe.params.get("edges"):
        grid: Literal["rfm11", "rfm6"] = "rfm11" if recipe.method == "rfm11" else "rfm6"
        seg = rfm_segments(table, grid, edges=recipe.params["edges"])  # the saved bands
    else:
        seg = RULE_SETS[recipe.method].function(table)
    if recipe.names:
        if len(recipe.names) != len(seg.names):
            raise DataError(
                "The recipe's segment names do not match the number of segments found in this data."
            )
        seg = seg.renamed(recipe.names)
    return seg


def apply(recipe: Recipe, sources: Sequence[SourceFile]) -> tuple[Dataset, Segmentation]:
    """Read files with the recipe's confirmed column roles, then segment."""
    by_kind = {kind: Mapping.from_dict(m) for kind, m in recipe.mappings.items()}
    mappings: dict[str, Mapping] = {}
    for source in sources:
        _, suggestion = suggest(source)
        saved = by_kind.get(suggestion.mapping.kind)
        # The saved roles apply when the new file has the same columns; otherwise use the suggestion.
        same = saved is not None and set(saved.roles) == set(suggestion.mapping.roles)
        mappings[source.name] = saved if saved is not None and same else suggestion.mapping
    dataset = load_dataset(sources, mappings)
    return dataset, segment(dataset.table, recipe)


def assignments(table: CustomerTable, seg: Segmentation, recipe: Recipe) -> pd.DataFrame:
    """One row per customer: segment number (1 = first), name, and the scores the segments came from.

    Scores are the segmentation's own (RFM scores, ...) or else the values of the criteria it used.
    """
    out = pd.DataFrame(
        {
            "customer_id": seg.labels.index,
            "segment_id": seg.labels.to_numpy() + 1,
            "segment": seg.named.astype(str).to_numpy(),
        }
    )
    if seg.scores is not None:
        scores = seg.scores.reindex(seg.labels.index)
    else:
        used = [
            f.name
            for f in usable_features(table)
            if f.family in recipe.spec.families
            and (recipe.spec.features is None or f.name in recipe.spec.features)
        ]
        scores = table.frame.reindex(seg.labels.index)[used]
    return pd.concat([out, scores.reset_index(drop=True)], axis=1)


def default_recipe(
    dataset: Dataset, *, random_state: int = 0, encoded: tuple[CriteriaEncoder, np.ndarray] | None = None
) -> Recipe:
    """A sensible start: k-means on the behaviour families the data has, with the recommended k.

    ``encoded`` is the matrix of :func:`default_criteria` when the caller has it already.
    """
    spec = default_criteria(dataset.table)
    X = (encoded or encode(dataset.table, spec))[1]
    k = scan_k(X, random_state=random_state).recommended_k
    return Recipe(
        method="kmeans",
        criteria=spec.to_dict(),
        params={"k": int(k)},
        mappings=dataset.mappings,
        random_state=random_state,
    )
