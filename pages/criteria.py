"""Criteria: which families of facts the segments should be based on."""

import streamlit as st

from segmentation.segmenters import CriteriaSpec, available_criteria, default_criteria
from ui import state, widgets

dataset = widgets.require_dataset()
table = dataset.table
st.title("What should segments be based on?")
widgets.lead(
    "Pick the kinds of facts that matter for your campaigns. Each family counts equally, however "
    "many columns it has; give a family more weight to make it count more."
)

infos = available_criteria(table)
current = state.criteria() or default_criteria(table)
labels = table.labels()
n = len(table.frame)

chosen, features, weights = [], [], {}
columns = st.columns(2)
for i, info in enumerate(infos):
    with columns[i % 2].container(border=True):
        on = st.toggle(
            f"**{info.label}**",
            value=info.family in current.families,
            key=f"crit_{info.family}",
            help=info.help,
        )
        st.caption(
            f"{info.help} Known for {info.n_customers:,} of {n:,} customers ({info.n_customers / n:.0%})."
        )
        if on:
            chosen.append(info.family)
            with st.expander("Refine"):
                picked = st.multiselect(
                    "Facts used",
                    list(info.features),
                    default=list(info.default_features)
                    if current.features is None
                    else [f for f in info.features if f in current.features],
                    format_func=lambda name: labels.get(name, name),
                    key=f"crit_features_{info.family}",
                    help="Leave out facts that should not shape the segments.",
                )
                features.extend(picked)
                weights[info.family] = st.slider(
                    "Importance",
                    0.5,
                    3.0,
                    current.weight(info.family),
                    0.5,
                    key=f"crit_weight_{info.family}",
                    help="1 = counts as much as every other family; 2 = twice as much.",
                )

if not chosen:
    st.warning("Choose at least one family to segment on.")
    st.stop()

default_set = {f for i in infos if i.family in chosen for f in i.default_features}
spec = CriteriaSpec(tuple(chosen), None if set(features) == default_set else tuple(features), weights)
state.set_criteria(spec)
covered = table.n_known([f for i in infos if i.family in chosen for f in i.features])
st.success(
    f"{len(chosen)} families, {len(features)} facts chosen · {covered:,} customers have at least one of them."
)
st.page_link("pages/segments.py", label="Next: build segments", icon=":material/arrow_forward:")
