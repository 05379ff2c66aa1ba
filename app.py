"""Segmentation Studio: the router. Page config, theme, navigation; every screen lives in pages/."""

import streamlit as st

from ui import demo, state, warmup, widgets

st.set_page_config(page_title="Segmentation Studio", page_icon="◐", layout="wide")
widgets.apply_theme()
warmup.start_map_engine()  # compile the map engine in the background: the first map must not stall

pages = {
    "Prepare": [
        st.Page("pages/data.py", title="Data", icon=":material/upload_file:", default=True),
        st.Page("pages/criteria.py", title="Criteria", icon=":material/tune:"),
    ],
    "Segment": [
        st.Page("pages/segments.py", title="Segments", icon=":material/donut_small:"),
        st.Page("pages/map.py", title="Map", icon=":material/scatter_plot:"),
        st.Page("pages/profiles.py", title="Profiles", icon=":material/badge:"),
        st.Page("pages/value.py", title="Value", icon=":material/trending_up:"),
        st.Page("pages/movement.py", title="Movement", icon=":material/swap_horiz:"),
    ],
    "Act": [
        st.Page("pages/export.py", title="Export", icon=":material/download:"),
        st.Page("pages/measure.py", title="Measure", icon=":material/query_stats:"),
        st.Page("pages/help.py", title="Help & glossary", icon=":material/help:"),
    ],
}
# Our own menu, drawn by this script: Streamlit's would first list the raw files of pages/ for a moment
# (its legacy pages-directory mode runs before st.navigation), so it is switched off in config.toml.
page = st.navigation(pages, position="hidden")
widgets.menu(pages)
demo.follow_redirect()
# The status and the demo button come before the page: st.stop() in a page that lacks its input drops
# everything drawn after it, and that page's message points to the demo button.
status = st.sidebar.empty()
widgets.sidebar_status(status, state.current())
widgets.demo_button()
page.run()
widgets.sidebar_status(status, state.current())  # again, with what the page just loaded
