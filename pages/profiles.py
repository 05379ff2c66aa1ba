"""Profiles: every segment explained in plain words, with what sets it apart and what to do next."""

import streamlit as st

from segmentation.explain import has_coordinates, place_column, place_points, profiles_frame, traits_frame
from segmentation.outputs import geo_chart, heatmap_chart, place_mix_chart, priority_chart, traits_chart
from ui import compute, state, widgets
from ui.keys import cache_key, seg_key

dataset = widgets.require_dataset()
active = widgets.require_segmentation()
seg, table = active.segmentation, dataset.table
profiles = compute.profiles_for(dataset, seg)
offers, times = compute.best_offers(dataset, seg), compute.best_times(dataset, seg)
st.title("Segment profiles")
widgets.lead(
    f"**{active.title}**: who is in each segment, what sets them apart and what to do next. "
    "Click a name to rename a segment."
)

overview = profiles_frame(profiles)
measure = profiles[0].measure if profiles else "revenue"  # orders when the data has no prices
left, right = st.columns([3, 2])
with left:
    widgets.chart(cache_key(dataset, "priority_chart", seg=seg), lambda: priority_chart(overview))
right.dataframe(
    overview,
    column_order=["segment", "value_share", "priority"],
    hide_index=True,
    width="stretch",
    key="profiles_overview",
    column_config={
        "segment": "Segment",
        "customers": st.column_config.NumberColumn("Customers", format="localized"),
        "value_share": st.column_config.ProgressColumn(
            f"{measure.capitalize()} %", format="percent", min_value=0, max_value=1, width="small"
        ),
        "priority": st.column_config.NumberColumn(
            "Priority", help="0-100: where effort pays most", width="small"
        ),
    },
)


def rename(code: int, key: str) -> None:
    """Keep a user's new segment name (names stay unique; an empty name keeps the old one)."""
    try:
        state.rename_segment(active.title, code, st.session_state[key])
    except ValueError as exc:
        st.session_state["rename_error"] = str(exc)


if error := st.session_state.pop("rename_error", None):
    st.warning(error)

for p in sorted((p for p in profiles if p.size), key=lambda p: -p.priority):
    with st.container(border=True):
        text, chart = st.columns([5, 6])
        with text:
            name_key = f"name_{seg_key(seg)}_{p.code}"
            st.text_input(
                "Segment name",
                p.name,
                key=name_key,
                on_change=rename,
                args=(p.code, name_key),
                label_visibility="collapsed",
            )
            m1, m2, m3 = st.columns(3)
            m1.metric("Customers", f"{p.size:,}", help=f"{p.share:.1%} of all customers")
            m2.metric(f"Share of {p.measure}", f"{p.value_share:.0%}")
            m3.metric("Priority", f"{p.priority}/100", help=p.priority_why)
            st.markdown(p.description)
            st.markdown("**What to do**\n" + "\n".join(f"- {a}" for a in p.actions))
            if picks := offers.get(p.code):
                named = "; ".join(f"{item} (suggested to {share:.0%})" for item, share in picks)
                st.markdown(f"**Best next offers:** {named}")
            if p.code in times:
                st.markdown(f"**Best time to reach:** {times[p.code].sentence()}")
            st.caption(widgets.mix_line(p))
        if p.traits:
            with chart:
                widgets.chart(
                    cache_key(dataset, "traits_chart", p.code, seg=seg),
                    lambda p=p: traits_chart(traits_frame(p), p.name),
                )

if empty := [p.name for p in profiles if not p.size]:
    st.caption(f"No customer is in {', '.join(empty)} at the moment.")

st.subheader("All segments side by side")
st.caption("Each cell compares a segment's average with the average customer (100). Blue: above; red: below.")
widgets.chart(
    cache_key(dataset, "heatmap_chart", seg=seg), lambda: heatmap_chart(compute.heatmap(dataset, seg))
)

place, located = place_column(table), has_coordinates(table)
if place or located:
    st.subheader("Where they live")
if place:
    widgets.chart(
        cache_key(dataset, "place_mix_chart", place, seg=seg),
        lambda: place_mix_chart(place_points(table, seg, place), place),
    )
if located:
    geo = compute.geo_points(dataset, seg)
    widgets.chart(cache_key(dataset, "geo_chart", seg=seg), lambda: geo_chart(geo.points, world=False))
    st.caption(f"Zoomed onto where {geo.share_shown:.0%} of your located customers live.")
st.page_link("pages/export.py", label="Next: download campaign lists", icon=":material/arrow_forward:")
