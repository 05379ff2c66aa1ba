"""Map: customers who look alike sit together; select a group with the brush and keep it as a segment."""

import streamlit as st

from segmentation.explain import MAX_POINTS
from segmentation.outputs import brushed_ids, map_chart
from segmentation.segments import with_segment
from ui import compute, state, widgets

SAVED_NOTE = "map_saved_note"
PREVIEW_POINTS = 5_000

dataset = widgets.require_dataset()
active = widgets.require_segmentation()
seg = active.segmentation
st.title("Customer map")
widgets.lead(
    "Each dot is a customer; customers who look alike on your criteria sit close together. "
    "Drag a rectangle over the map to see who is inside, then keep them as a segment."
)

job = compute.umap_job(dataset, active.spec, seg)
shown = st.multiselect(
    "Show segments",
    list(seg.names),
    default=list(seg.names),
    key="map_segments",
    help="Hide segments to see the others better.",
)


# Poll (cheap: every chart is cached) until the detailed layout is ready; the next full rerun stops it.
# No st.rerun() here: it would swallow a form the user is submitting in the same run.
polling = not job.done()


@st.fragment(run_every=2.0 if polling else None)
def draw_map() -> None:
    detailed = job.done() and job.exception() is None
    if detailed:
        xy, caption = job.result(), "Layout: UMAP (similar customers close together)."
    else:
        xy = compute.quick_layout(dataset, active.spec)
        caption = "A first quick layout; the detailed map appears here by itself in a few seconds."
    # The first quick layout is a preview: fewer points draw faster while the detailed map is computed.
    limit = MAX_POINTS if detailed else PREVIEW_POINTS
    drawn = compute.map_points(
        dataset, active.spec, seg, xy, detailed=detailed, shown=shown, max_points=limit
    )
    points = drawn.points
    if drawn.sampled:
        caption += f" Showing a stratified sample of {len(points):,} of {drawn.total:,} customers."
    labels = widgets.labels(dataset.table)
    event = widgets.chart(
        compute.map_key(dataset, active.spec, seg, detailed=detailed, shown=shown, max_points=limit),
        lambda: map_chart(points, tooltip=list(drawn.tooltip), labels=labels),
        on_select="rerun",
        key="map_chart",
        selection_mode="brush",
    )
    st.caption(caption)
    # Everyone inside the rectangle counts, not only the customers drawn: the map may show a sample.
    everyone = drawn
    if drawn.sampled and (event.selection or {}).get("brush"):
        everyone = compute.map_points(
            dataset, active.spec, seg, xy, detailed=detailed, shown=shown, max_points=drawn.total
        )
    picked = brushed_ids(everyone.points, event.selection)
    if not picked and (note := st.session_state.get(SAVED_NOTE)):
        st.success(note)
    if not picked:
        st.info("Drag on the map to select customers.")
        return
    st.markdown(f"**{len(picked):,} customers selected**")
    st.markdown(widgets.selection_summary(dataset.table, seg, picked))
    st.dataframe(widgets.customer_rows(dataset.table, picked), width="stretch", height=260, placeholder="—")
    with st.form("save_selection"):
        name = st.text_input("Name for this group", "Map selection", key="selection_name")
        if st.form_submit_button(
            "Save the selection as a segment", type="primary", key="save_selection_button"
        ):
            with widgets.friendly_errors("Saving the selection"):
                new = with_segment(seg, picked, name)
            state.save(
                state.SavedSegmentation(
                    f"{active.title} + {name}", new, active.recipe, active.spec, {"selection": name}
                )
            )
            # Kept in the session: the map's fragment reruns would otherwise wipe the message at once.
            st.session_state[SAVED_NOTE] = (
                f"Saved: '{name}' is now a segment of '{active.title} + {name}'. See it on Profiles and Export."
            )
    if note := st.session_state.get(SAVED_NOTE):
        st.success(note)


draw_map()
