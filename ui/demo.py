"""One click to a presentable state: the sample store with a good default segmentation."""

from __future__ import annotations

import streamlit as st

from segmentation import recipe
from segmentation.segmenters import default_criteria
from ui import compute, data, state

GO_TO = "go_to_page"


def run() -> None:
    """Button callback: load the sample store, segment it with the default recipe, open Profiles."""
    dataset = data.load_sample("store")
    state.set_dataset(dataset)
    spec = default_criteria(dataset.table)
    rec = recipe.default_recipe(dataset, encoded=compute.encoded(dataset, spec))
    state.set_criteria(rec.spec)
    seg = compute.segment(dataset, rec)
    state.save(state.SavedSegmentation(f"Customer groups ({len(seg.names)})", seg, rec, rec.spec))
    st.session_state[GO_TO] = "pages/profiles.py"


def follow_redirect() -> None:
    """Callbacks cannot switch pages; the router follows the request on the next run."""
    target = st.session_state.pop(GO_TO, None)
    if target:
        st.switch_page(target)
