"""The recipe: the whole path from raw columns to named segments as one plain JSON document.

Mapping + criteria + method + parameters + seed, and for clusters the fitted model as plain numbers
(``model``: see :mod:`segmentation.segmenters.frozen`). The same recipe on the same data gives the same
segments in the same order with the same names; a recipe with a model assigns new data to its saved
segments without refitting. Loading a recipe parses JSON and validates fields: it never imports,
evaluates or executes anything it contains.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from segmentation.catalog import CustomerTable
from segmentation.dataset import Dataset, SourceFile, as_of, load_dataset, suggest
from segmentation.errors import DataError
from segmentation.explain import Movement, generated_names, movement
from segmentation.intake import Mapping
from segmentation.outputs import GlobalControl
from segmentation.segmenters import (
    DEFAULT_FAMILIES,
    RULE_SETS,
    CriteriaEncoder,
    CriteriaSpec,
    FrozenModel,
    Rule,
    cluster_segmentation,
    custom_segments,
    default_criteria,
    freeze,
    rfm_segments,
    scan_k,
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
    #: The fitted segments as plain data (clusters only); None: segments are fitted on each run.
    model: dict[str, Any] | None = None
    #: Share and seed of the customers kept out of every campaign (``{"share": 0.05, "seed": 7}``).
    global_control: dict[str, Any] | None = None
    #: Days ahead the predicted columns look (None: a third of the data's history, at most a year).
    horizon_days: int | None = None

    def __post_init__(self) -> None:
        if self.method not in (*CLUSTER_METHODS, *RULE_SETS, "custom"):
            raise DataError(f"This recipe uses an unknown method '{self.method}'.")
        if not isinstance(self.holdout_seed, int) or isinstance(self.holdout_seed, bool):
            raise DataError("The recipe's holdout seed must be a whole number.")
        if self.horizon_days is not None and not (
            isinstance(self.horizon_days, int) and self.horizon_days > 0
        ):
            raise DataError("The recipe's horizon must be a whole number of days above 0.")
        try:
            self.frozen, self.control  # noqa: B018 (parsed to validate)
        except ValueError as exc:
            raise DataError(str(exc)) from exc

    @property
    def control(self) -> GlobalControl:
        """The global control saved with the recipe (share 0 when there is none)."""
        return GlobalControl.from_dict(self.global_control or {})

    @property
    def frozen(self) -> FrozenModel | None:
        """The saved model, when the recipe carries one."""
        return FrozenModel.from_dict(self.model) if self.model is not None else None

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
    table: CustomerTable,
    recipe: Recipe,
    encoded: tuple[CriteriaEncoder, np.ndarray] | None = None,
    *,
    refit: bool = False,
) -> Segmentation:
    """Apply a recipe to a customer table: same data and recipe, same segments, order and names.

    A recipe with a saved model assigns every customer to its saved segments (``params["frozen"]``
    is then True); ``refit=True`` fits again instead. ``encoded`` (from :func:`encode` with the
    recipe's criteria) saves encoding a large table again.
    """
    if recipe.model is not None and not refit and recipe.method in CLUSTER_METHODS:
        return assign_frozen(table, recipe)
    return fit(table, unfitted(recipe) if refit else recipe, encoded)[0]


def unfitted(recipe: Recipe) -> Recipe:
    """The recipe without what a run learned, to fit again: no model, no RFM bands, and for clusters
    no names (they named the old clusters, which a refit may number differently)."""
    names = None if recipe.method in CLUSTER_METHODS else recipe.names
    params = {k: v for k, v in recipe.params.items() if k != "edges"}
    return replace(recipe, model=None, names=names, params=params)


def assign_frozen(table: CustomerTable, recipe: Recipe) -> Segmentation:
    """Every customer of ``table`` in one of the recipe's saved segments; nothing is refitted."""
    model = recipe.frozen
    if model is None:
        raise DataError("This recipe has no saved segments to assign customers to.")
    try:
        codes = model.assign(table.frame)
    except ValueError as exc:
        raise DataError(f"{exc} Refit the segments on this data instead (the refit option).") from exc
    params = {**recipe.params, "frozen": True, "named": True}
    given = recipe.names  # names the user gave since
    names = tuple(given) if given and len(given) == len(model.names) else model.names
    return Segmentation.from_codes(codes.to_numpy(), table.frame.index, names, recipe.method, params)


def fit(
    table: CustomerTable, recipe: Recipe, encoded: tuple[CriteriaEncoder, np.ndarray] | None = None
) -> tuple[Segmentation, Recipe]:
    """Fit the recipe's segments on ``table``; the recipe returned carries what a rerun must reuse
    (the fitted model of clusters, the band edges of RFM grids)."""
    fitted = None
    if recipe.method in CLUSTER_METHODS:
        encoded = encoded or encode(table, recipe.spec)
        k = int(recipe.params.get("k") or scan_k(encoded[1], random_state=recipe.random_state).recommended_k)
        seg, fitted = cluster_segmentation(
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
        names = list(recipe.names)
        if recipe.method == "lifecycle" and len(names) == len(seg.names) - 1:
            names.append(seg.names[-1])  # saved before the stage "Order date unknown" was added
        if len(names) != len(seg.names):
            raise DataError(
                "The recipe's segment names do not match the number of segments found in this data."
            )
        recipe, seg = replace(recipe, names=names), seg.renamed(names)
    if fitted is None:  # rules: what the run learned is the RFM bands, if any
        return seg, with_fitted(recipe, seg)
    X = (
        fitted.encoder.transform(table.frame.sort_index(kind="stable"))
        if recipe.method == "hdbscan"
        else None
    )
    model = freeze(fitted, seg.names, X).to_dict()
    return seg, replace(recipe, model=model, params={**recipe.params, "k": int(seg.params.get("k", 0))})


def apply(
    recipe: Recipe, sources: Sequence[SourceFile], *, refit: bool = False
) -> tuple[Dataset, Segmentation]:
    """Read files with the recipe's confirmed column roles, then segment (saved segments unless ``refit``)."""
    dataset = read(recipe, sources)
    return dataset, segment(dataset.table, recipe, refit=refit)


def read(
    recipe: Recipe,
    sources: Sequence[SourceFile],
    *,
    reference_date: pd.Timestamp | None = None,
    predictions: bool = True,
) -> Dataset:
    """Read files with the recipe's confirmed column roles (where a file has the same columns)."""
    by_kind = {kind: Mapping.from_dict(m) for kind, m in recipe.mappings.items()}
    mappings: dict[str, Mapping] = {}
    for source in sources:
        _, suggestion = suggest(source)
        saved = by_kind.get(suggestion.mapping.kind)
        # The saved roles apply when the new file has the same columns; otherwise use the suggestion.
        same = saved is not None and set(saved.roles) == set(suggestion.mapping.roles)
        mappings[source.name] = saved if saved is not None and same else suggestion.mapping
    return load_dataset(
        sources,
        mappings,
        reference_date=reference_date,
        predictions=predictions,
        horizon_days=recipe.horizon_days,
    )


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


@dataclass(frozen=True)
class Moment:
    """One side of a comparison: its label (the date), its data and its segments."""

    label: str
    dataset: Dataset
    segmentation: Segmentation


def moments(
    recipe: Recipe,
    sources: Sequence[SourceFile],
    *,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> tuple[Moment, Moment]:
    """The recipe's segments at two moments: two dates of one order history, or two order histories.

    With one order history, ``start`` and ``end`` are required: each moment sees the orders before
    its date. With two order histories (the first is the earlier), the dates, when given, are their
    reference dates. A customer list given beside them is used at both moments.
    """
    kinds = [suggest(s)[1].mapping.kind for s in sources]
    predicted = recipe.method in CLUSTER_METHODS and "predictive" in recipe.spec.families
    histories = [s for s, k in zip(sources, kinds, strict=True) if k == "transactions"]
    others = [s for s, k in zip(sources, kinds, strict=True) if k != "transactions"]
    if len(histories) > 2:
        raise DataError("Give one order history (with two dates) or two order histories, not more.")
    if len(histories) == 2:
        pair = [
            read(recipe, [source, *others], reference_date=_day(date), predictions=predicted)
            for source, date in ((histories[0], start), (histories[1], end))
        ]
        labels = [f"{ds.table.reference_date:%Y-%m-%d}" for ds in pair]
        return _moments(recipe, labels, pair)
    if start is None or end is None:
        raise DataError("Give the two dates to compare (from and to), or two order histories.")
    days = [_when(start), _when(end)]
    if days[0] >= days[1]:
        raise DataError("The 'from' date must come before the 'to' date.")
    dataset = read(recipe, sources, predictions=False)
    pair = [as_of(dataset, d, predictions=predicted) for d in days]
    return _moments(recipe, [f"{d:%Y-%m-%d}" for d in days], pair)


def compare_dates(
    recipe: Recipe,
    dataset: Dataset,
    start: str | pd.Timestamp,
    end: str | pd.Timestamp,
    *,
    current: Segmentation | None = None,
) -> tuple[Moment, Moment, Movement]:
    """Two dates of a loaded order history: each moment's segments and the movement between them.

    ``current`` is the segmentation of ``dataset`` itself as the user sees it: both dates then use
    its segments and names (clusters fitted on the loaded data, as ``current`` was), so "Segment 3"
    on this screen is the "Segment 3" of every other screen.
    """
    days = [_when(start), _when(end)]
    if days[0] >= days[1]:
        raise DataError("The 'from' date must come before the 'to' date.")
    if current is not None:
        recipe = _as_current(recipe, dataset.table, current)
    predicted = recipe.method in CLUSTER_METHODS and "predictive" in recipe.spec.families
    pair = [as_of(dataset, d, predictions=predicted) for d in days]
    first, second = _moments(recipe, [f"{d:%Y-%m-%d}" for d in days], pair)
    return first, second, _movement(first, second)


def _as_current(recipe: Recipe, table: CustomerTable, current: Segmentation) -> Recipe:
    """The recipe with ``current``'s names and, for clusters, the model fitted on ``table``."""
    if current.params.get("added_segment"):  # a segment picked by hand on the map is not refitted
        return recipe
    named = replace(recipe, names=list(current.names)) if current.params.get("named") else recipe
    if named.method in CLUSTER_METHODS and named.model is None:
        return fit(table, named)[1]
    return named


def _movement(first: Moment, second: Moment) -> Movement:
    spent = _spend(second.dataset.table)
    if first.dataset.con is second.dataset.con:
        spent = spent.sub(_spend(first.dataset.table), fill_value=0.0)
    return movement(
        first.segmentation, second.segmentation, revenue=spent, then_label=first.label, now_label=second.label
    )


def _moments(recipe: Recipe, labels: list[str], pair: list[Dataset]) -> tuple[Moment, Moment]:
    """Segment both moments with the same segments: clusters fitted once (at the earlier moment
    unless the recipe has a saved model), then assigned at both, so names mean the same thing."""
    if recipe.method in CLUSTER_METHODS and recipe.model is None:
        _, recipe = fit(pair[0].table, recipe)
    first, second = (
        Moment(label, ds, segment(ds.table, recipe)) for label, ds in zip(labels, pair, strict=True)
    )
    return first, second


def _when(value: str | pd.Timestamp) -> pd.Timestamp:
    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError) as exc:
        raise DataError(f"'{value}' is not a date; write it as YYYY-MM-DD.") from exc


def _day(value: str | pd.Timestamp | None) -> pd.Timestamp | None:
    return None if value is None else _when(value)


def compare(
    recipe: Recipe,
    sources: Sequence[SourceFile],
    *,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> tuple[Moment, Moment, Movement]:
    """:func:`moments` and the movement between them.

    Revenue per cell is what the customers spent between the two moments (one order history), or
    in the later order history (two files).
    """
    first, second = moments(recipe, sources, start=start, end=end)
    return first, second, _movement(first, second)


def _spend(table: CustomerTable) -> pd.Series:
    frame = table.frame
    return frame["monetary"].astype(float) if "monetary" in frame else pd.Series(0.0, index=frame.index)
