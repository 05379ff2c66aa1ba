"""Work done once per server process, in the background, so that no user waits for it.

The first UMAP call in a fresh process compiles for tens of seconds, the sample store takes a few
seconds to prepare, the one-click demo's k scan a few more and its detailed map (UMAP) some more: all
start when the app starts, while the user reads the Data page. The demo is computed once per server (ui/demo.py), not per session.

Once warm, what the server keeps for good (the libraries' modules, the demo) is frozen out of the
garbage collector's sight: Streamlit runs a full collection after every script run, and walking
those few hundred thousand objects cost about 0.1 s of CPU per run and session.
"""

from __future__ import annotations

import atexit
import gc
import logging
import threading

import streamlit as st

from segmentation.explain import warm_up
from ui import compute

log = logging.getLogger("segmentation_studio")


def _warm() -> None:
    from ui import demo

    try:
        shown = demo.bundle()  # the sample store, then the demo's segmentation and profiles
    except Exception:  # a missing sample must not break the app; the Data page reports it when asked
        log.exception("preparing the sample store and the demo failed")
        shown = None
    warm_up(large=False)  # the common path only: the large-table path compiles when first needed
    _freeze_long_lived()
    if shown is None:
        return
    try:  # the demo's detailed map, so its visitors never wait for UMAP (it runs in its own thread)
        compute.umap_job(shown.dataset, shown.spec, shown.segmentation)
    except RuntimeError:  # the interpreter is shutting down (a short test run): nothing left to warm
        log.info("the demo's map was not prepared: the app is stopping")


def _freeze_long_lived() -> None:
    """Move every object alive now (modules, the demo) out of the collector's generations, so the
    full collection Streamlit runs after each script only walks what sessions made since.

    Objects frozen are still freed when nothing refers to them; only reference cycles among them are
    never collected, and what lives now lives for the whole server. Unfrozen at exit, so extension
    modules see their objects released as usual.
    """
    gc.collect()  # garbage is not frozen
    gc.freeze()
    atexit.register(gc.unfreeze)


@st.cache_resource(show_spinner=False)
def start_map_engine() -> threading.Thread:
    thread = threading.Thread(target=_warm, name="warm-up", daemon=True)
    thread.start()
    # A process that exits while numba is still compiling aborts; let the warm-up finish first.
    atexit.register(thread.join, timeout=120)
    return thread
