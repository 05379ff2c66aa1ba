"""Session-state keys and typed getters. Everything a user builds lives in their own session only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from segmentation.dataset import Dataset
from segmentation.outputs import GlobalControl, Measurement
from segmentation.recipe import Recipe
from segmentation.segmenters import CriteriaSpec
from segmentation.segments import Segmentation

DATASET = "dataset"
LOADED = "loaded_dataset"
CRITERIA = "criteria"
SAVED = "segmentations"
ACTIVE = "active_segmentation"
MEASUREMENT = "measurement"
GLOBAL_CONTROL = "global_control"
RULE_DRAFTS = "custom_rules"  # the rule builder's drafts name facts of one data set


@dataclass
class SavedSegmentation:
    """A segmentation the user keeps, with what is needed to redo, explain and map it."""

    title: str
    segmentation: Segmentation
    recipe: Recipe
    spec: CriteriaSpec
    extras: dict[str, Any] = field(default_factory=dict)


def current() -> Dataset | None:
    return st.session_state.get(DATASET)


def set_dataset(dataset: Dataset) -> None:
    """A new customer table invalidates everything built on the old one."""
    st.session_state[DATASET] = st.session_state[LOADED] = dataset
    for key in (CRITERIA, SAVED, ACTIVE, MEASUREMENT, GLOBAL_CONTROL, RULE_DRAFTS):
        st.session_state.pop(key, None)


def loaded() -> Dataset | None:
    """The dataset as loaded, before a change of prediction horizon."""
    return st.session_state.get(LOADED, current())


def switch_dataset(
    dataset: Dataset, resegment: Callable[[SavedSegmentation], Segmentation]
) -> dict[str, int]:
    """Another version of the same customers (predictions over another horizon): the saved
    segmentations are applied again to it, not dropped. Returns how many customers changed segment
    in each (those whose rules read predicted value)."""
    st.session_state[DATASET] = dataset
    moved = {}
    for item in saved().values():
        before = item.segmentation.labels
        item.segmentation = resegment(item)
        moved[item.title] = int((item.segmentation.labels.reindex(before.index) != before).sum())
    return moved


def measurement() -> Measurement | None:
    """The campaign last measured on the Measure page: the client report gets a section for it."""
    return st.session_state.get(MEASUREMENT)


def set_measurement(result: Measurement) -> None:
    """Kept in the session and in each saved segmentation's extras: a report download runs outside
    the script (a deferred download_button callable), where only what it was given is at hand."""
    st.session_state[MEASUREMENT] = result
    for item in saved().values():
        item.extras[MEASUREMENT] = result


def global_control(default: GlobalControl) -> GlobalControl:
    """The global control group set on the Export page this session, else ``default`` (the recipe's)."""
    return st.session_state.get(GLOBAL_CONTROL, default)


def set_global_control(control: GlobalControl) -> None:
    st.session_state[GLOBAL_CONTROL] = control


def criteria() -> CriteriaSpec | None:
    return st.session_state.get(CRITERIA)


def set_criteria(spec: CriteriaSpec) -> None:
    st.session_state[CRITERIA] = spec


def saved() -> dict[str, SavedSegmentation]:
    return st.session_state.setdefault(SAVED, {})


def save(item: SavedSegmentation, *, activate: bool = True) -> None:
    if measurement() is not None:
        item.extras.setdefault(MEASUREMENT, measurement())
    saved()[item.title] = item
    if activate:
        st.session_state[ACTIVE] = item.title


def active() -> SavedSegmentation | None:
    items = saved()
    title = st.session_state.get(ACTIVE)
    if title in items:
        return items[title]
    return next(reversed(items.values()), None) if items else None


def activate(title: str) -> None:
    st.session_state[ACTIVE] = title


def rename_segment(title: str, code: int, name: str) -> None:
    """Rename one segment of a saved segmentation; the recipe remembers the names."""
    import dataclasses

    item = saved()[title]
    item.segmentation = item.segmentation.renamed({code: name})
    item.recipe = dataclasses.replace(item.recipe, names=list(item.segmentation.names))
