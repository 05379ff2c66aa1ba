"""Measure: bring back a campaign's results and see, per segment, what each group of the send did."""

import streamlit as st

from segmentation.outputs import (
    group_values,
    guess_control,
    lift_chart,
    measure,
    read_results,
)
from ui import compute, state, widgets

st.title("Measure a campaign")
widgets.lead(
    "Upload the campaign results: **one row per customer** with the group each was in (sent or held out) "
    "and what they did (opened, clicked, bought, spent)."
)
upload = st.file_uploader(
    "Campaign results (CSV or Excel)",
    type=["csv", "txt", "tsv", "gz", "xlsx", "xls", "parquet"],
    key="measure_upload",
)
if upload is None:
    st.info("The holdout list downloaded from the Export page, with outcome columns added, is a good start.")
    st.stop()
with widgets.friendly_errors("Reading the results"):
    results = read_results(upload.getvalue(), upload.name)
columns = list(results.columns)
# The choices belong to one file: a new upload starts again from the guesses, not the last file's picks.
file_key = upload.file_id

left, right = st.columns(2)
group_column = left.selectbox(
    "Column with the group",
    columns,
    index=columns.index("group") if "group" in columns else 0,
    key=f"measure_group_{file_key}",
)
values = group_values(results, group_column)
control_guess = guess_control(values)
control = right.selectbox(
    "Control group (not sent)",
    values,
    index=values.index(control_guess) if control_guess in values else 0,
    key=f"measure_control_{file_key}",
)
if control_guess is None and len(values) > 1:
    right.warning(
        "No group is called holdout or control: choose the group that was **not** sent the campaign, "
        "or every other group is compared with the wrong one."
    )
active = state.active()
current = "(the segments of the app)"
segment_choices = ["(no segments)", *([current] if active is not None else []), *columns]
default_segment = "segment" if "segment" in columns else (current if active is not None else "(no segments)")
segment_choice = left.selectbox(
    "Segments",
    segment_choices,
    index=segment_choices.index(default_segment),
    key=f"measure_segment_{file_key}",
)
id_choices = ["(none)", *columns]
id_column = right.selectbox(
    "Column with the customer id",
    id_choices,
    index=id_choices.index("customer_id") if "customer_id" in columns else 0,
    key=f"measure_id_{file_key}",
    help="Matches the results to your customer data: customers it does not hold are left out and counted.",
)
id_column = None if id_column == "(none)" else id_column
candidates = [c for c in columns if c not in (group_column, segment_choice, id_column)]
outcomes = right.multiselect(
    "Outcomes",
    candidates,
    default=[
        c
        for c in candidates
        if c.lower() in {"opened", "clicked", "visited", "converted", "bought", "revenue"}
    ],
    key=f"measure_outcomes_{file_key}",
    help="0/1 columns (yes/no) become rates; amounts become means per customer.",
)
if not outcomes:
    st.info("Choose at least one outcome column.")
    st.stop()

# The file's customers are checked against the customer data whenever both are known, whichever
# segments are measured; the app's segments without an id column get measure's plain message.
checked = active is not None and (id_column is not None or segment_choice == current)
with widgets.friendly_errors("Measuring the campaign"):
    result = measure(
        results,
        group_column=group_column,
        control=control,
        outcomes=outcomes,
        segment_column=segment_choice if segment_choice in columns else None,
        id_column=id_column,
        segments=active.segmentation.named if checked else None,
        by_segment=segment_choice != "(no segments)",
    )
state.set_measurement(result)
problems = result.rows.messages()
if problems:
    used = " Only the rows used are measured." if result.rows.set_aside else ""
    st.warning(f"{result.rows.summary()}{used}\n\n" + "\n".join(f"- {line}" for line in problems))
else:
    st.caption(result.rows.summary())
if result.rows.segments is not None and result.rows.segments.unknown:
    st.caption(f"To measure by your current segments instead, choose '{current}' under Segments.")
if not checked:
    st.caption(
        "The file's customers are not checked against your customer data: choose the column with the "
        "customer id."
        if active is not None
        else "The file's customers are not checked against your customer data: make segments first."
    )
for note in result.rows.notes:
    st.caption(note)
for line in result.verdicts():
    st.markdown(f"- {line}")

outcome = st.radio("Outcome to show", outcomes, horizontal=True, key=f"measure_show_{file_key}")
st.altair_chart(lift_chart(result, outcome), use_container_width=True, key="measure_chart")
table = result.lifts[result.lifts["outcome"] == outcome]
st.dataframe(
    table[["segment", "arm", "n", "n_control", "mean", "control_mean", "diff", "low", "high", "incremental", "label_text"]],
    hide_index=True,
    key="measure_table",
    column_config={
        "segment": "Segment", "arm": "Group", "n": "Customers", "n_control": f"In {result.control}",
        "mean": st.column_config.NumberColumn("Group mean", format="%.4f"),
        "control_mean": st.column_config.NumberColumn("Control mean", format="%.4f"),
        "diff": st.column_config.NumberColumn("Difference", format="%.4f"),
        "low": st.column_config.NumberColumn("From (95%)", format="%.4f"),
        "high": st.column_config.NumberColumn("To (95%)", format="%.4f"),
        "incremental": st.column_config.NumberColumn("Incremental total", format="%.1f"),
        "label_text": "Verdict",
    },
)  # fmt: skip
st.caption(
    f"Verdicts need at least {result.min_per_arm} customers in each group of a segment. Rates: Newcombe's "
    "score interval; amounts: Welch's interval. 'Promising': the 80% interval excludes no effect, the 95% one does not."
)

dataset = state.current()
if active is not None and dataset is not None:
    kept_out = state.global_control(active.recipe.control)  # as set on the Export page, else the recipe's
    st.download_button(
        "Client report with these results (HTML)",
        lambda: compute.report_html(dataset, active, kept_out, result),
        "segmentation_report.html",
        "text/html",
        key="measure_report",
        on_click="ignore",
        help=f"The report of '{active.title}' with a section on this campaign (also on the Export page).",
    )
else:
    st.caption("Make segments first (Segments page) to download the client report with these results.")
