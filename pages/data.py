"""Data: pick the sample or upload files, confirm what each column means, see every row accounted for."""

import streamlit as st

from segmentation.dataset import SourceFile
from ui import data, mapping_editor, state, widgets

st.title("Your customer data")
widgets.lead(
    "Start with the sample store, or upload your own order history and/or customer list "
    "(CSV, Excel or Parquet; any separator, encoding or date style)."
)

source = st.radio(
    "Where is your data?",
    ["Sample store", "Real UK shop (Online Retail)", "Upload my files"],
    key="data_source",
    horizontal=True,
    persist_state="session",
    help="The samples let you explore the app before using your own data.",
)

if source == "Upload my files":
    uploads = st.file_uploader(
        "Order history, customer list and/or event log (up to three files)",
        type=["csv", "tsv", "txt", "gz", "xlsx", "xls", "parquet"],
        accept_multiple_files=True,
        key="uploads",
        help="An order history has one row per order line (customer, date, amount). "
        "A customer list has one row per customer (age, city, loyalty, …). An event log has one row "
        "per view, cart, purchase or review. Give several to combine them.",
    )
    if uploads and len(uploads) > 3:
        st.warning(
            f"Only the first three files are used: {', '.join(u.name for u in uploads[3:])} left out. "
            "Combine order files into one, customer lists into one and event logs into one."
        )
    if uploads:
        with widgets.friendly_errors("Reading your file"):
            sources = [
                mapping_editor.with_sheet(mapping_editor.reading_settings(SourceFile(u.name, u.getvalue())))
                for u in uploads[:3]
            ]
            mappings = {s.name: mapping_editor.confirm_roles(s) for s in sources}
        if st.button("Use these columns", type="primary", key="confirm_roles"):
            with widgets.friendly_errors("Building the customer table"):
                state.set_dataset(data.load_uploaded(sources, mappings))
else:
    name = "store" if source == "Sample store" else "retail"
    st.caption(data.SAMPLES[name])
    if st.button("Load this sample", type="primary", key="load_sample"):
        with widgets.friendly_errors("Loading the sample"):
            state.set_dataset(data.load_sample(name))

dataset = state.current()
if dataset is not None:
    st.divider()
    st.subheader("What we kept, and what we set aside")
    for report in dataset.files:
        with st.container(border=True):
            st.markdown(f"**{report.name}** · {mapping_editor.describe(report)}")
            widgets.ledger_view(report)
    for note in (*dataset.table.notes, *dataset.notes):
        st.caption(f"ℹ️ {note}")
    st.subheader(f"Your {len(dataset.table.frame):,} customers")
    st.dataframe(mapping_editor.preview(dataset.table), width="stretch", height=320, placeholder="—")
    st.page_link(
        "pages/criteria.py", label="Next: choose what to segment on", icon=":material/arrow_forward:"
    )
