"""Compile the map engine (numba, behind UMAP) once per server process, in the background.

The first UMAP call in a fresh process compiles for tens of seconds; started when the app starts,
that happens while the user is still on the Data page.
"""

from __future__ import annotations

import threading

import streamlit as st

from segmentation import embedding


@st.cache_resource(show_spinner=False)
def start_map_engine() -> threading.Thread:
    thread = threading.Thread(target=embedding.warm_up, name="umap-warm-up", daemon=True)
    thread.start()
    return thread


def map_engine_ready() -> bool:
    return not start_map_engine().is_alive()
