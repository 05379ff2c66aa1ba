"""Shared widgets: theme, sidebar status, guards for missing input, the ledger, friendly errors."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import pyarrow as pa
import streamlit as st

from segmentation.dataset import SET_ASIDE_LIMIT, Dataset, FileReport
from segmentation.errors import DataError
from segmentation.features import n_customers
from segmentation.outputs import to_csv_bytes
from ui.keys import CacheKey

log = logging.getLogger("segmentation_studio")

_CSS = """
<style>
  .block-container {padding-top: 2.2rem; max-width: 1280px;}
  h1 {font-weight: 650; letter-spacing: -0.01em;}
  [data-testid="stMetricValue"] {font-size: 1.7rem;}
  .seg-card {border: 1px solid #e3e7f0; border-radius: 10px; padding: 1rem 1.2rem; background: #fff;}
  .seg-lead {color: #4a5163; font-size: 1.02rem; margin-top: -0.6rem; margin-bottom: 1rem;}
</style>
"""


def apply_theme() -> None:
    st.markdown(_CSS, unsafe_allow_html=True)


def lead(text: str) -> None:
    """A one-line explanation under a page title (``**bold**`` allowed; user text is escaped)."""
    import html
    import re

    body = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))
    st.markdown(f'<p class="seg-lead">{body}</p>', unsafe_allow_html=True)


def menu(sections: dict[str, list]) -> None:
    """The app's menu in the sidebar: each section's title, then a link per page (the current one highlighted)."""
    with st.sidebar:
        for title, pages in sections.items():
            st.caption(title)
            for page in pages:
                st.page_link(page)


def sidebar_status(slot, dataset: Dataset | None) -> None:
    """What is loaded and which segmentation is active, drawn into ``slot`` (an ``st.empty``): once
    before the page, so a page that stops early still shows it, and again after, with what it loaded."""
    from ui import state  # local: state imports this module's neighbours

    with slot.container():
        if dataset is None:
            st.caption("No data loaded yet.")
            return
        st.caption(
            f"**{n_customers(len(dataset.table.frame))}** loaded from {', '.join(f.name for f in dataset.files)}"
        )
        active = state.active()
        if active is not None:
            st.caption(f"Active segmentation: **{active.title}**")


def demo_button() -> None:
    """The sidebar's one-click demo: on every page, whatever the page does (drawn before it runs)."""
    from ui import demo  # local: demo imports compute, which imports state

    st.sidebar.button(
        "▶ One-click demo",
        key="sidebar_demo",
        on_click=demo.run,
        help="Loads the sample store and a ready segmentation, so you can start presenting at once.",
        width="stretch",
    )


def require_dataset() -> Dataset:
    """Stop the page with a pointer to the Data page when nothing is loaded."""
    dataset = st.session_state.get("dataset")
    if dataset is None:
        st.info("Load your customer data first: upload a file or pick the sample store on the Data page.")
        st.page_link("pages/data.py", label="Go to Data", icon=":material/upload_file:")
        st.stop()
    return dataset


@contextmanager
def friendly_errors(action: str) -> Iterator[None]:
    """Show a plain message instead of a traceback; log the type only (never customer data)."""
    try:
        yield
    except DataError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()
    except ValueError as exc:
        st.warning(f"{action} did not work: {exc}", icon=":material/warning:")
        st.stop()
    except Exception as exc:  # a bug of ours: say so plainly, keep where it happened in the server log
        # Only the exception type and the code path: messages may quote customer data, which never goes to logs.
        where = "".join(traceback.format_tb(exc.__traceback__))
        log.error("unexpected %s while %s\n%s", type(exc).__name__, action.lower(), where)
        st.error(
            f"Something went wrong while {action.lower()}. Your data is safe; try again, or report this "
            "to the Segmentation Studio team.",
            icon=":material/error:",
        )
        st.stop()


def ledger_view(report: FileReport) -> None:
    """Every row of a file accounted for: read = kept + set aside, with reasons and a download."""
    ledger = report.ledger
    aside = ledger.n_set_aside
    c1, c2, c3 = st.columns(3)
    c1.metric("Rows read", f"{ledger.read:,}")
    c2.metric("Kept", f"{ledger.kept:,}", help="Rows used to build the customer table.")
    c3.metric(
        "Set aside",
        f"{aside:,}",
        help="Rows we could not use. Each has a reason below; nothing is dropped silently.",
    )
    if aside:
        reasons = pd.DataFrame(
            [(reason, n, _share(n, ledger.read)) for reason, n in ledger.labelled().items()],
            columns=["Reason", "Rows", "Share of file"],
        )
        rows = st.column_config.NumberColumn("Rows", format="localized")
        st.dataframe(reasons, hide_index=True, width="content", column_config={"Rows": rows})
        shown = min(aside, SET_ASIDE_LIMIT)
        st.download_button(
            f"Download the {shown:,} set-aside rows" + (" (first part)" if shown < aside else ""),
            data=lambda: to_csv_bytes(report.set_aside_rows()),
            on_click="ignore",
            file_name=f"set_aside_{report.name.split('.')[0]}.csv",
            mime="text/csv",
            key=f"aside_{report.name}",
        )
    for note in report.notes:
        if note.rstrip(".") != ledger.summary():  # the metrics above say it already
            st.caption(f"ℹ️ {note}")


def _share(n: int, total: int) -> str:
    """Share of the file in plain percent; a few rows of a large file read "<0.1%", never "0.0%"."""
    share = n / total
    return "<0.1%" if 0 < share < 0.001 else f"{share:.1%}"


def require_segmentation():
    """Stop the page with a pointer to the Segments page when no segmentation exists yet."""
    from ui import state

    active = state.active()
    if active is None:
        st.info(
            "Create a segmentation first on the Segments page (or click ▶ One-click demo in the sidebar)."
        )
        st.page_link("pages/segments.py", label="Go to Segments", icon=":material/donut_small:")
        st.stop()
    return active


KEY_FACTS = (
    "recency_days",
    "frequency",
    "monetary",
    "avg_order_value",
    "preferred_channel",
    "favourite_category",
    "age",
    "city",
    "country",
)


def customer_rows(table, ids, limit: int = 500) -> pd.DataFrame:
    """A readable table of some customers: key facts with plain column labels."""
    cols = [c for c in KEY_FACTS if c in table.frame]
    labels = table.labels()
    return table.frame.loc[ids[:limit], cols].rename(columns=labels)


def labels(table) -> dict[str, str]:
    """Plain labels of the customer table's columns."""
    return table.labels()


def mix_line(profile) -> str:
    """Top categories, channels, places and demographics of a segment in one line."""
    parts = []
    for title, mix in (
        ("Buys", profile.top_categories),
        ("Shops via", profile.channels),
        ("Lives in", profile.places),
    ):
        if mix:
            parts.append(f"{title}: " + ", ".join(f"{name} {share:.0%}" for name, share in mix[:3]))
    parts += [f"{k}: {v}" for k, v in profile.demographics.items()]
    return " · ".join(parts)


def selection_summary(table, seg, ids) -> str:
    """Who a map selection is, in two lines: its segment mix and what sets it apart."""
    from segmentation.explain import segment_traits

    names = seg.named.reindex(ids).value_counts(normalize=True).head(3)
    mix = ", ".join(f"{name} {share:.0%}" for name, share in names.items() if share > 0)
    mask = table.frame.index.isin(ids)
    traits = segment_traits(table, mask)[:3]
    stands_out = "; ".join(t.text for t in traits)
    return f"**Segments:** {mix}  \n**What sets them apart:** {stands_out or 'nothing stands out from the average.'}"


@st.cache_resource(max_entries=128, show_spinner=False)
def _chart_spec(key: CacheKey, _build) -> dict:
    spec = _build().to_dict()
    if "datasets" in spec:
        spec["datasets"] = {name: _arrow(rows) for name, rows in spec["datasets"].items()}
    return spec


def _arrow(rows):
    """A chart's rows as the Arrow IPC stream Streamlit sends (it passes bytes through untouched).

    Converted once per cached chart: otherwise every rerun of every session converts thousands of
    row dicts again, and the cache keeps them alive for the garbage collector to walk after each run.
    Anything that is not a plain list of rows (GeoJSON, mixed types) is left for Streamlit to handle.
    """
    if not (isinstance(rows, list) and rows and isinstance(rows[0], dict)) or "geometry" in rows[0]:
        return rows
    try:
        table = pa.Table.from_pandas(pd.DataFrame.from_records(rows), preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return rows
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def chart(cache_key: CacheKey, build, **kwargs):
    """Draw an Altair chart whose Vega-Lite spec is built once per ``cache_key`` (data and inputs).

    ``cache_key`` comes from :func:`ui.keys.cache_key`, so it always holds the data's fingerprint.
    Building and validating a spec costs tens of milliseconds per chart; cached, a rerun only sends it.
    ``kwargs`` go to ``st.vega_lite_chart`` (e.g. a widget ``key`` and ``on_select``).
    """
    return st.vega_lite_chart(_chart_spec(cache_key, build), width="stretch", **kwargs)
