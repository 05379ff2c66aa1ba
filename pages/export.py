"""Export: campaign lists per segment, files for e-mail and ad platforms, the client report, the recipe."""

import streamlit as st

from segmentation.outputs import (
    CALLING_CODES,
    DEFAULT_CONTACT_COLUMNS,
    DEFAULT_FACT_COLUMNS,
    PLATFORM_LABELS,
    to_csv_bytes,
    to_xlsx_bytes,
    zip_by_segment,
)
from ui import compute, widgets

dataset = widgets.require_dataset()
active = widgets.require_segmentation()
seg, table = active.segmentation, dataset.table
st.title("Export")
widgets.lead(f"Download the customers of **{active.title}** for your campaigns, or a report for your client.")

sizes = seg.sizes()
chosen = st.multiselect(
    "Segments",
    list(seg.names),
    default=[n for n in seg.names if sizes[n]],
    key="export_segments",
    format_func=lambda n: f"{n} ({sizes[n]:,})",
    help="Customers of these segments go into the files.",
)
labels = widgets.labels(table)
columns = st.multiselect(
    "Columns",
    [c for c in table.frame.columns if c in labels],
    default=[c for c in (*DEFAULT_CONTACT_COLUMNS, *DEFAULT_FACT_COLUMNS) if c in table.frame],
    format_func=lambda c: labels.get(c, c),
    key="export_columns",
)
holdout = st.slider(
    "Holdout (control group) per segment",
    0,
    50,
    0,
    5,
    format="%d%%",
    key="export_holdout",
    help="A random share of each segment is flagged 'holdout': leave them out of the campaign to measure its effect.",
)
if not chosen:
    st.info("Choose at least one segment.")
    st.stop()

with widgets.friendly_errors("Preparing the list"):
    rows = compute.campaign_list(dataset, seg, tuple(chosen), tuple(columns), holdout / 100)
st.caption(
    f"{len(rows):,} customers in {len(chosen)} segments"
    + (f" · {int((rows['group'] == 'holdout').sum()):,} in the holdout" if holdout else "")
)

lists, platforms, report = st.tabs(["Campaign lists", "E-mail and ad platforms", "Report and recipe"])
with lists:
    st.dataframe(rows.head(200), width="stretch", height=240, hide_index=True, placeholder="—")
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        "One CSV file",
        lambda: to_csv_bytes(rows),
        "segments.csv",
        "text/csv",
        key="dl_csv",
        on_click="ignore",
        width="stretch",
    )
    c2.download_button(
        "One Excel file",
        lambda: to_xlsx_bytes(rows),
        "segments.xlsx",
        key="dl_xlsx",
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        width="stretch",
    )
    fmt = c3.radio("Zip with one file per segment as", ["csv", "xlsx"], horizontal=True, key="zip_fmt")
    c3.download_button(
        "Zip of all segments",
        lambda: zip_by_segment(rows, fmt),
        "segments.zip",
        "application/zip",
        key="dl_zip",
        on_click="ignore",
        width="stretch",
    )
    st.caption(
        "Cells that spreadsheet programs could run as formulas are made safe (prefixed with an apostrophe)."
    )

with platforms:
    platform = st.selectbox(
        "Platform",
        list(PLATFORM_LABELS),
        format_func=PLATFORM_LABELS.get,
        key="platform",
        persist_state="session",
    )
    c1, c2 = st.columns(2)
    country = c1.selectbox(
        "Country of local phone numbers",
        sorted(CALLING_CODES),
        key="phone_country",
        index=sorted(CALLING_CODES).index("GB"),
        help="Numbers written without a country code are completed with this one.",
    )
    consent = c2.checkbox(
        "Only customers who agreed to marketing",
        value="consent" in table.frame,
        disabled="consent" not in table.frame,
        key="consent_only",
    )
    with widgets.friendly_errors("Preparing the platform file"):
        data, summary = compute.platform_file(dataset, rows, platform, country, consent)
    for message in summary.messages():
        st.markdown(f"- {message}")
    st.download_button(
        f"Download for {PLATFORM_LABELS[platform]}",
        data,
        summary.file_name,
        "text/csv",
        type="primary",
        key="dl_platform",
        on_click="ignore",
    )

with report:
    st.download_button(
        "Segmentation report (HTML, for clients)",
        lambda: compute.report_html(dataset, active),
        "segmentation_report.html",
        "text/html",
        key="dl_report",
        type="primary",
        on_click="ignore",
    )
    st.download_button(
        "Recipe (JSON): redo this segmentation on new data",
        active.recipe.to_json(),
        "recipe.json",
        "application/json",
        key="dl_recipe",
        on_click="ignore",
    )
    st.caption(
        "Run a recipe on new files without the app: `python -m segmentation apply recipe.json orders.csv -o segments.csv`"
    )
