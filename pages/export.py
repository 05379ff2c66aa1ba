"""Export: campaign lists per segment, files for e-mail and ad platforms, the client report, the recipe."""

from dataclasses import replace

import streamlit as st

from segmentation.outputs import (
    DEFAULT_CONTACT_COLUMNS,
    DEFAULT_FACT_COLUMNS,
    MIN_MEMBERS,
    PLATFORM_LABELS,
    REACH_WORDS,
    GlobalControl,
    buying_rate,
    country_names,
    size_messages,
    to_csv_bytes,
    usual_country,
)
from ui import compute, state, widgets

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
    "Columns of the spreadsheet lists",
    [c for c in table.frame.columns if c in labels],
    default=[c for c in (*DEFAULT_CONTACT_COLUMNS, *DEFAULT_FACT_COLUMNS) if c in table.frame],
    format_func=lambda c: labels.get(c, c),
    key="export_columns",
    help="Platform files always carry the contact columns their platform needs, whatever is ticked here.",
)
c1, c2, c3, c4 = st.columns([3, 2, 3, 3])
holdout = c1.slider(
    "Holdout (control group) per segment",
    0,
    50,
    0,
    5,
    format="%d%%",
    key="export_holdout",
    help="A random share of each segment is held out of every send list, to measure the campaign's effect.",
)
seed = c2.number_input(
    "Holdout seed",
    min_value=0,
    max_value=2**31 - 1,
    value=int(active.recipe.holdout_seed),
    step=1,
    key="export_seed",
    help="The same seed draws the same holdout; the recipe saves it.",
)
consent = c3.checkbox(
    "Opted-in customers only",
    value="consent" in table.frame,
    disabled="consent" not in table.frame,
    key="consent_only",
    help=(
        "Only customers whose consent answer means yes (yes, subscribed, opted in, 是, 同意, ...); the "
        "answers we do not know are listed below the lists."
        if "consent" in table.frame
        else "Your data has no consent column, so no customer is left out for consent."
    ),
)
countries = country_names()
country = c4.selectbox(
    "Country of customers without one",
    list(countries),
    index=list(countries).index(usual_country(dataset.table.frame.get("country"))),
    format_func=lambda c: f"{c} · {countries[c]}",
    key="phone_country",
    help="Used for phone numbers written without a country code when the customer's country is blank. "
    "It starts at your customers' most common country.",
)
with st.container(border=True):
    st.markdown("**Global control group** · customers kept out of every campaign, every month")
    g1, g2, g3 = st.columns([3, 2, 6])
    saved_control = active.recipe.control
    share = g1.slider(
        "Global control share",
        0,
        20,
        round(saved_control.share * 100),
        1,
        format="%d%%",
        key="global_share",
        persist_state="session",
        help="A fixed share of ALL your customers who get no campaign at all, month after month. "
        "Comparing them with everyone else shows what all your marketing adds. The recipe saves it.",
    )
    control_seed = g2.number_input(
        "Global control seed",
        min_value=0,
        max_value=2**31 - 1,
        value=saved_control.seed,
        step=1,
        key="global_seed",
        persist_state="session",
        help="Keep the same seed every month: the same customers stay out, and new customers join "
        "at the same rate.",
    )
    control = GlobalControl(share / 100, int(control_seed))
    state.set_global_control(control)  # the Measure page's report uses it too
    if control.active:
        members = compute.global_control(dataset, seg, control)
        g3.markdown(
            "  \n".join(size_messages(len(table.frame), len(members), control, buying_rate(table.frame)))
        )
        g3.download_button(
            "Global control list (CSV: customer, segment, “global control”)",
            lambda: to_csv_bytes(members),
            "global_control.csv",
            "text/csv",
            key="dl_global_control",
            on_click="ignore",
        )
    else:
        g3.caption(
            f"Off. Keeping 5–10% of all customers out of every campaign measures the total effect of your "
            f"marketing over the months. It needs at least {MIN_MEMBERS} customers in it: at 5%, a shop of "
            f"{MIN_MEMBERS * 20:,} customers or more; smaller shops can only see large effects."
        )
if not chosen:
    st.info("Choose at least one segment.")
    st.stop()
params = {
    "segments": list(chosen),
    "columns": list(columns),
    "consent": bool(consent),
    "holdout": holdout / 100,
    "seed": int(seed),
    "country": country,
    "global_control": control.to_dict(),
}

lists, platforms, report = st.tabs(["Campaign lists", "E-mail and ad platforms", "Report and recipe"])
with lists:
    reach = st.selectbox(
        "Who goes into the lists",
        list(REACH_WORDS),
        format_func=lambda r: "Every customer" if r == "any" else f"Customers with a usable {REACH_WORDS[r]}",
        key="export_reach",
    )
    wanted = {**params, "reach": reach}
    with widgets.friendly_errors("Preparing the list"):
        audience = compute.audience(dataset, seg, **wanted)
    send = audience.send()
    st.caption(
        f"{len(send):,} customers in the send list from {len(chosen)} segments"
        + (f" · {len(audience.held_out()):,} in the holdout" if holdout else "")
        + (
            f" · {len(audience.in_global_control()):,} global-control customers kept out"
            if control.active
            else ""
        )
    )
    for message in audience.messages()[1:]:
        st.markdown(f"- {message}")
    st.dataframe(send.head(200), width="stretch", height=240, hide_index=True, placeholder="—")
    d1, d2, d3 = st.columns(3)
    d1.download_button(
        "Send list (CSV)",
        lambda: compute.list_file(dataset, seg, "csv", **wanted),
        "send_list.csv",
        "text/csv",
        key="dl_csv",
        on_click="ignore",
        width="stretch",
    )
    d2.download_button(
        "Send list (Excel)",
        lambda: compute.list_file(dataset, seg, "xlsx", **wanted),
        "send_list.xlsx",
        key="dl_xlsx",
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        width="stretch",
    )
    fmt = d3.radio(
        "Zip with send and hold-out files per segment as", ["csv", "xlsx"], horizontal=True, key="zip_fmt"
    )
    d3.download_button(
        "Zip of all segments",
        lambda: compute.list_file(dataset, seg, f"zip_{fmt}", **wanted),
        "segments.zip",
        "application/zip",
        key="dl_zip",
        on_click="ignore",
        width="stretch",
    )
    if holdout or control.active:
        st.download_button(
            "Groups for measuring the campaign (CSV: customer, segment, target, holdout or global control)",
            lambda: to_csv_bytes(audience.groups()),
            "campaign_groups.csv",
            "text/csv",
            key="dl_groups",
            on_click="ignore",
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
    with widgets.friendly_errors("Preparing the platform file"):
        built, (data, summary) = compute.platform_file(dataset, seg, platform, **params)
    for message in summary.messages():
        st.markdown(f"- {message}")
    p1, p2 = st.columns(2)
    p1.download_button(
        f"Download for {PLATFORM_LABELS[platform]}",
        lambda: data,
        summary.file_name,
        "text/csv",
        type="primary",
        key="dl_platform",
        on_click="ignore",
    )
    if holdout or control.active:
        p2.download_button(
            "Groups for measuring this campaign (CSV)",
            lambda: to_csv_bytes(built.groups()),
            f"{platform}_campaign_groups.csv",
            "text/csv",
            key="dl_platform_groups",
            on_click="ignore",
        )

with report:
    st.download_button(
        "Segmentation report (HTML, for clients)",
        lambda: compute.report_html(dataset, active, control),
        "segmentation_report.html",
        "text/html",
        key="dl_report",
        type="primary",
        on_click="ignore",
    )

    def recipe_file() -> str:
        """The recipe with its fitted segments (new data is assigned to them, not refitted), the
        holdout and global control chosen here and the horizon of the predictions."""
        fitted = compute.fitted_recipe(dataset, active.recipe)
        kept_out = control.to_dict() if control.active else None
        chosen = {"holdout_seed": int(seed), "global_control": kept_out, "horizon_days": dataset.horizon_days}
        return replace(fitted, **chosen).to_json()

    st.download_button(
        "Recipe (JSON): the same segments on new data",
        recipe_file,
        "recipe.json",
        "application/json",
        key="dl_recipe",
        on_click="ignore",
    )
    if seg.params.get("added_segment"):
        st.caption(
            "The recipe saves the segments this segmentation started from: the group picked by hand on "
            "the map cannot be redone on new data."
        )
    st.caption(
        "Reuse it next month on the Segments page (Reuse a saved recipe), or without the app: `python -m segmentation apply recipe.json orders.csv -o segments.csv`"
        " · export a campaign: `python -m segmentation export orders.csv --recipe recipe.json --platform mailchimp -o out.csv`"
    )
