"""One click to a presentable state: the sample store with a good default segmentation.

The demo's results (sample store, default recipe, segmentation, profiles) are computed once per
server and shared read-only by every session: :func:`bundle` returns a ``cache_resource`` with one
entry, started at warm-up (ui/warmup.py). A module lock around it makes ten sessions clicking at the
same moment wait for that one computation instead of each running the k scan (Streamlit's own
per-key lock still let two threads compute it side by side). Each session gets its own ``SavedSegmentation`` wrapper (renaming replaces, never mutates).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import streamlit as st

from segmentation import recipe
from segmentation.dataset import Dataset
from segmentation.segmenters import CriteriaSpec, default_criteria
from segmentation.segments import Segmentation
from ui import compute, data, state

GO_TO = "go_to_page"
_LOCK = threading.Lock()


@dataclass(frozen=True)
class DemoBundle:
    """What the one-click demo opens: shared by all sessions, never changed after it is built."""

    dataset: Dataset
    spec: CriteriaSpec
    recipe: recipe.Recipe
    segmentation: Segmentation


def bundle() -> DemoBundle:
    """The demo, computed by the first caller while the others wait, then served from the cache."""
    with _LOCK:
        return _bundle()


@st.cache_resource(max_entries=1, show_spinner="Preparing the demo…")
def _bundle() -> DemoBundle:
    """Sample store → default recipe (k scan) → segmentation → profiles, once per server."""
    dataset = data.load_sample("store")
    spec = default_criteria(dataset.table)
    rec = recipe.default_recipe(dataset, encoded=compute.encoded(dataset, spec))
    seg = compute.segment(dataset, rec)
    compute.profiles_for(dataset, seg)  # the page the demo opens
    return DemoBundle(dataset, rec.spec, rec, seg)


def run() -> None:
    """Button callback: put the shared demo into this session and open Profiles."""
    demo = bundle()
    state.set_dataset(demo.dataset)
    state.set_criteria(demo.spec)
    title = f"Customer groups ({len(demo.segmentation.names)})"
    state.save(state.SavedSegmentation(title, demo.segmentation, demo.recipe, demo.spec))
    st.session_state[GO_TO] = "pages/profiles.py"


def follow_redirect() -> None:
    """Callbacks cannot switch pages; the router follows the request on the next run."""
    target = st.session_state.pop(GO_TO, None)
    if target:
        st.switch_page(target)
