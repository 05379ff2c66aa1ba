"""Work done once per server process, in the background, so that no user waits for it.

The first UMAP call in a fresh process compiles for tens of seconds, and the sample store takes a
few seconds to prepare: both start when the app starts, while the user reads the Data page.
"""

from __future__ import annotations

import atexit
import logging
import threading

import streamlit as st

from segmentation.explain import warm_up

log = logging.getLogger("segmentation_studio")


def _warm() -> None:
    from ui import data

    try:
        data.load_sample("store")
    except Exception:  # a missing sample must not break the app; the Data page reports it when asked
        log.exception("preloading the sample store failed")
    warm_up(large=False)  # the common path only: the large-table path compiles when first needed


@st.cache_resource(show_spinner=False)
def start_map_engine() -> threading.Thread:
    thread = threading.Thread(target=_warm, name="warm-up", daemon=True)
    thread.start()
    # A process that exits while numba is still compiling aborts; let the warm-up finish first.
    atexit.register(thread.join, timeout=120)
    return thread
