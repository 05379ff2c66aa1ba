"""Segments: ready rule sets, your own rules, or groups found automatically; keep several and compare."""

import streamlit as st

from segmentation import recipe
from segmentation.explain import refit_changes
from segmentation.outputs import kscan_chart, segment_sizes, sizes_chart
from segmentation.segmenters import (
    METHOD_LABELS,
    RULE_SETS,
    available_rule_sets,
    default_criteria,
    describe_edges,
    stability_word,
)
from segmentation.segments import cross_table
from ui import compute, rule_builder, state, widgets
from ui.keys import cache_key

dataset = widgets.require_dataset()
table = dataset.table
spec = state.criteria() or default_criteria(table)
st.title("Build segments")
widgets.lead(
    "Three ways to split your customers, or a recipe saved before. Keep as many segmentations as you "
    "like and compare them below."
)
RECIPE_NOTE = "recipe_note"


def ready_rules(options: list[str]) -> None:
    """A ready rule set, described, and the button that applies it."""
    name = st.selectbox(
        "Rule set",
        options,
        format_func=lambda k: RULE_SETS[k].label,
        key="ruleset",
        persist_state="session",
        help="Transparent rules you can explain to anyone.",
    )
    st.caption(RULE_SETS[name].description)
    if name in ("rfm11", "rfm6"):
        with widgets.friendly_errors("Scoring recency, frequency and spend"):
            st.caption("  \n".join(describe_edges(compute.rfm_edges(dataset)).values()))
    if st.button("Create this segmentation", type="primary", key="make_rules"):
        rec = recipe.Recipe(name, criteria=spec.to_dict(), mappings=dataset.mappings)
        with widgets.friendly_errors("Applying the rules"):
            seg = compute.segment(dataset, rec)
        rec = compute.fitted_recipe(dataset, rec)  # the recipe keeps the RFM bands it was made with
        state.save(state.SavedSegmentation(RULE_SETS[name].label, seg, rec, spec))


ready, custom, auto, saved_recipe = st.tabs(
    ["Ready-made rules", "Your own rules", "Find groups automatically", "Reuse a saved recipe"]
)

with ready:
    if options := available_rule_sets(table):
        ready_rules(options)
    else:
        st.info(
            "No ready-made rule set fits this data: they need orders (recency, frequency, spend), an NPS "
            "or a rating. Build your own rules, or let the app find groups automatically."
        )

with custom:
    built = rule_builder.edit(dataset)
    if built and st.button("Create segments from these rules", type="primary", key="make_custom"):
        rec = recipe.Recipe(
            "custom",
            criteria=spec.to_dict(),
            params={"rules": [r.to_dict() for r in built]},
            mappings=dataset.mappings,
        )
        with widgets.friendly_errors("Applying your rules"):
            seg = compute.segment(dataset, rec)
        state.save(state.SavedSegmentation("Your rules", seg, rec, spec))

with auto:
    st.caption(
        f"Groups customers who look alike on your criteria: **{', '.join(spec.families)}** "
        "(change them on the Criteria page)."
    )
    method = st.selectbox(
        "Method",
        list(METHOD_LABELS),
        format_func=METHOD_LABELS.get,
        key="cluster_method",
        persist_state="session",
        help="Not sure? Keep 'Balanced groups': it works well for most shops.",
    )
    with widgets.friendly_errors("Preparing the criteria"):
        scan = compute.k_scan(dataset, spec)
    left, right = st.columns([3, 2])
    with left:
        widgets.chart(
            cache_key(dataset, "kscan_chart", spec=spec), lambda: kscan_chart(scan.table, scan.recommended_k)
        )
    with right:
        st.markdown(f"**Recommended: {scan.recommended_k} segments.** {scan.why}.")
        k = st.slider(
            "Number of segments",
            2,
            12,
            scan.recommended_k,
            key="cluster_k",
            help="More segments are more specific but smaller and harder to act on.",
            disabled=method == "hdbscan",
        )
        st.metric(
            "How stable are these groups?",
            stability_word(scan.stability(k)).capitalize(),
            help="Whether the same groups come back on a slightly different sample of customers.",
        )
    if st.button("Create segments", type="primary", key="make_clusters"):
        rec = recipe.Recipe(method, criteria=spec.to_dict(), params={"k": int(k)}, mappings=dataset.mappings)
        with widgets.friendly_errors("Finding the segments"):
            seg = compute.segment(dataset, rec)
        rec = compute.fitted_recipe(dataset, rec)  # the recipe keeps the fitted segments
        state.save(
            state.SavedSegmentation(
                f"{METHOD_LABELS[method].split(' (')[0]} · {len(seg.names)}", seg, rec, spec
            )
        )


def applied_message(seg, rec: recipe.Recipe) -> str:
    """What applying a saved recipe did, in the words of the button that undoes it."""
    if seg.params.get("frozen"):
        return f"Assigned to the saved {len(seg.names)} segments, no refit: same numbers and names as before."
    if rec.params.get("edges"):
        return f"Scored on the recipe's saved RFM bands, no refit: {len(seg.names)} segments."
    if rec.method in recipe.CLUSTER_METHODS:
        return "This recipe has no saved segments (an older file): they were fitted on this data."
    return f"The recipe's rules applied: {len(seg.names)} segments."


with saved_recipe:
    st.caption(
        "A recipe downloaded from the Export page puts this data's customers into its saved segments, "
        "with the same numbers and names, so next month's “Segment 3” is this month's."
    )
    upload = st.file_uploader("Recipe (JSON)", type=["json"], key="recipe_upload")
    if upload is not None:
        with widgets.friendly_errors("Reading the recipe"):
            uploaded = recipe.Recipe.from_json(upload.getvalue())
        refittable = uploaded.model is not None or bool(uploaded.params.get("edges"))
        b1, b2 = st.columns(2)
        if b1.button("Apply the saved segments", type="primary", key="apply_recipe", width="stretch"):
            with widgets.friendly_errors("Applying the recipe"):
                seg = compute.segment(dataset, uploaded)
            state.save(
                state.SavedSegmentation(f"Saved recipe · {len(seg.names)}", seg, uploaded, uploaded.spec)
            )
            st.session_state[RECIPE_NOTE] = applied_message(seg, uploaded)
        if b2.button(
            "Refit on this data",
            key="refit_recipe",
            disabled=not refittable,
            width="stretch",
            help="Fit the segments again on this data: numbers and names may change.",
        ):
            with widgets.friendly_errors("Refitting the segments"):
                before = compute.segment(dataset, uploaded)
                seg, refitted = compute.refit(dataset, uploaded)
            state.save(
                state.SavedSegmentation(f"Refitted recipe · {len(seg.names)}", seg, refitted, uploaded.spec)
            )
            st.session_state[RECIPE_NOTE] = refit_changes(before, seg).message()
        if note := st.session_state.get(RECIPE_NOTE):
            st.success(note)

items = state.saved()
if not items:
    st.info("No segmentation yet: create one above.")
    st.stop()

st.divider()
st.subheader("Your segmentations")
titles = list(items)
title = st.radio(
    "Active segmentation (used by the Map, Profiles and Export)",
    titles,
    horizontal=True,
    index=titles.index(state.active().title),
    key="active_pick",
)
state.activate(title)
active = items[title]
widgets.chart(
    cache_key(dataset, "sizes_chart", seg=active.segmentation),
    lambda: sizes_chart(segment_sizes(active.segmentation, dataset.table.frame.get("monetary"))),
)

if len(items) > 1:
    with st.expander("Compare two segmentations"):
        a, b = st.columns(2)
        first = a.selectbox("Rows", titles, index=titles.index(title), key="cmp_a")
        second = b.selectbox("Columns", titles, index=(titles.index(title) + 1) % len(titles), key="cmp_b")
        st.dataframe(cross_table(items[first].segmentation, items[second].segmentation), width="stretch")
st.page_link("pages/profiles.py", label="Next: understand each segment", icon=":material/arrow_forward:")
