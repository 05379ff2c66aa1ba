"""Movement: how customers moved between the segments from one date to another."""

import datetime as dt

import streamlit as st

from segmentation.outputs import movement_chart, movement_flow, to_csv_bytes
from ui import compute, widgets


def _new_and_gone(counts: dict[str, int]) -> str:
    """What New and Gone count, and why Gone is 0: both dates come from one order history."""
    lines = ["**New**: customers who joined (signed up or first bought) between the two dates."]
    if counts["new"] == 0:
        lines.append(
            "No customer joined between these dates: everyone at the later one was already a customer."
        )
    if counts["lost"] == 0:
        lines.append(
            "**Gone** stays 0 here: both dates come from one order history, so everyone who had bought by "
            "the earlier date is still a customer at the later one; those who stopped buying move to a "
            "less active segment instead."
        )
    return " ".join(lines)


dataset = widgets.require_dataset()
active = widgets.require_segmentation()
st.title("Segment movement")
widgets.lead(
    f"Compare the segments of **{active.title}** at two dates: who stayed, who moved, who is new. "
    "Both dates use the same segments, so a name means the same thing at each."
)
reference = (
    dataset.table.reference_date.date() if dataset.table.reference_date is not None else dt.date.today()
)
left, right = st.columns(2)
start = left.date_input("From", value=reference - dt.timedelta(days=90), key="movement_from")
end = right.date_input("To", value=reference, max_value=reference, key="movement_to")
with widgets.friendly_errors("Comparing the two dates"):
    first, second, moved = compute.movement(dataset, active, str(start), str(end))

counts = moved.counts()
cols = st.columns(4)
for col, (status, words) in zip(
    cols,
    [("stayed", "Kept their segment"), ("moved", "Moved"), ("new", "New"), ("lost", "Gone")],
    strict=True,
):
    col.metric(words, f"{counts[status]:,}")
for line in moved.biggest_moves():
    st.markdown(f"- {line}.")
st.caption(_new_and_gone(counts))
st.altair_chart(movement_flow(moved.transitions), use_container_width=True, key="movement_flow")
st.altair_chart(movement_chart(moved.transitions), use_container_width=True, key="movement_chart")

st.subheader("Customers of one move")
pairs = moved.transitions[moved.transitions["customers"] > 0]
options = [f"{a} → {b}" for a, b in zip(pairs["from_segment"], pairs["to_segment"], strict=True)]
choice = st.selectbox("Move", options, key="movement_cell")
then_name, now_name = choice.split(" → ") if choice else ("", "")
cell = moved.cell(then_name, now_name)
st.caption(f"{len(cell):,} customers; 'since' is the first date of their current segment.")
st.dataframe(cell.head(1000), hide_index=True, key="movement_customers")
st.download_button(
    "Download these customers (CSV)",
    to_csv_bytes(cell),
    f"moves_{first.label}_{second.label}.csv",
    "text/csv",
    key="movement_download",
)
st.download_button(
    "Download every customer's segment then and now (CSV)",
    to_csv_bytes(moved.customers),
    f"movement_{first.label}_{second.label}.csv",
    "text/csv",
    key="movement_download_all",
)
