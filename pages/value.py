"""Value: who will be worth most and who is about to leave, how far to trust it (a backtest on the
shop's own orders), ready value segments and the next products to offer."""

import math

import streamlit as st

from segmentation import recipe
from segmentation.dataset import Dataset, horizons, without_orders
from segmentation.outputs import calibration_chart, reach_chart
from segmentation.segmenters import RULE_SETS, default_criteria, value_summary
from ui import compute, data, state, widgets
from ui.keys import cache_key

dataset = widgets.require_dataset()
st.title("Value and prediction")
if dataset.transactions is None:
    st.info(without_orders(dataset, "Predictions need"))
    st.stop()
horizon = dataset.horizon_days
if horizon is None:
    st.warning(next((n for n in dataset.notes if n.startswith("Predicted value")), "No prediction was made."))
    st.stop()
widgets.lead(
    f"Who will buy again and spend most over the next **{horizon} days**, who is about to leave, and how "
    "far to trust it: tested on your own past orders."
)


def change_horizon(days: int) -> None:
    """Predict over ``days`` for this session; its saved segmentations follow the new predictions."""
    loaded = state.loaded()
    with widgets.friendly_errors("Predicting over the new horizon"):
        new = loaded if days == loaded.horizon_days else data.horizon_cached(loaded.fingerprint, days, loaded)
        moved = state.switch_dataset(new, lambda item: compute.segment(new, item.recipe))
    st.session_state["value_horizon_moved"] = (days, moved)
    st.rerun()


picked = st.columns([2, 3])[0].select_slider(
    "Look ahead",
    horizons(state.loaded()),
    value=horizon,
    format_func=lambda d: f"{d} days",
    key=f"value_horizon_{state.loaded().fingerprint}",
    help="How far ahead the predictions look, in every page and list. At most half of your order "
    "history: the test below needs as long a history before its cut as after it.",
)
if picked != horizon:
    change_horizon(picked)
if done := st.session_state.pop("value_horizon_moved", None):
    days, moved = done
    changes = "; ".join(
        f"**{title}**: {n:,} customers changed segment" if n else f"**{title}**: unchanged"
        for title, n in moved.items()
    )
    st.success(
        f"Predictions now look {days} days ahead." + (f" Saved segmentations: {changes}." if moved else "")
    )


def correlation(r: float) -> str:
    """A correlation to two places; -0.001 reads 0.00, not -0.00, and none (all alike) a dash."""
    return f"{round(r, 2) + 0.0:.2f}" if math.isfinite(r) else "—"


def value_segments(dataset: Dataset, horizon: int) -> None:
    """The value x risk grid or predicted-value tiers, with what to do and a button to use them."""
    spec = state.criteria() or default_criteria(dataset.table)
    name = st.radio("Ready rule set", ["value_risk", "clv_tiers"], horizontal=True, key="value_rules",
                    format_func=lambda k: RULE_SETS[k].label)  # fmt: skip
    st.caption(RULE_SETS[name].description)
    rec = recipe.Recipe(name, criteria=spec.to_dict(), mappings=dataset.mappings)
    with widgets.friendly_errors("Applying the rules"):
        seg = compute.segment(dataset, rec)
    profiles = {p.code: p for p in compute.profiles_for(dataset, seg)}
    summary = value_summary(dataset.table, seg)
    st.dataframe(
        summary,
        hide_index=True,
        width="stretch",
        key="value_segments",
        column_config={
            "segment": "Segment",
            "customers": st.column_config.NumberColumn("Customers", format="localized"),
            "spend_so_far": st.column_config.NumberColumn("Spend so far", format="localized"),
            "predicted_spend": st.column_config.NumberColumn(
                f"Predicted spend, next {horizon} days", format="localized"
            ),
            "churn_probability": st.column_config.ProgressColumn(
                "Chance of leaving", format="percent", min_value=0, max_value=1
            ),
        },
    )
    st.markdown(
        "**What to do**\n"
        + "\n".join(
            f"- **{p.name}**: {'; '.join(p.actions)}" for p in profiles.values() if p.size and p.actions
        )
    )
    if st.button("Use these segments", type="primary", key="value_save"):
        state.save(state.SavedSegmentation(RULE_SETS[name].label, seg, recipe.with_fitted(rec, seg), spec))
        st.success(
            f"**{RULE_SETS[name].label}** is now your active segmentation (Profiles, Map and Export use it)."
        )


def next_products(dataset: Dataset, horizon: int) -> None:
    """The suggestions' backtest: hit rate at 3 against the best sellers."""
    with widgets.friendly_errors("Testing the product suggestions"):
        offers = compute.offer_backtest(dataset, horizon)
    o1, o2, o3 = st.columns([1, 1, 3])
    o1.metric("Hit rate at 3", f"{offers.hit_rate:.0%}", f"{(offers.hit_rate - offers.popularity_hit_rate) * 100:+.0f} points",
              help="Share of returning customers who bought one of the 3 items suggested to them.")  # fmt: skip
    o2.metric("Best sellers instead", f"{offers.popularity_hit_rate:.0%}", help="The same test, suggesting the "
              "shop's most popular items to everyone.")  # fmt: skip
    o3.markdown(
        f"{offers.summary()} Each customer's three suggestions are in the campaign lists (Export: "
        "columns *Next product to offer*), and each segment's most suggested ones on Profiles."
    )


with widgets.friendly_errors("Testing the predictions"):
    bt = compute.value_backtest(dataset, horizon)
ours, recency = bt.by_name("ours"), bt.by_name("recency only")
period = f"the {horizon} days after the cut"

st.subheader("How good are the predictions?")
st.caption(
    f"How it was measured: we set aside your last {horizon} days of orders (from {bt.cutoff:%d %b %Y}), "
    f"predicted them from the orders before, and compared with what the {bt.customers:,} customers "
    f"known then actually did ({bt.buyers:,} of them bought again)."
)
m = st.columns(5)
m[0].metric(
    "Prediction quality",
    ours.grade.capitalize(),
    help="From how often a customer who bought again was ranked above one who did not (AUC): "
    "excellent from 85%, good from 75%, fair from 65%.",
)
m[1].metric("Buyers ranked first", f"{ours.auc:.0%}", help="Chance a returning customer is ranked above one "
            f"who did not return (50% is a coin toss; days since last purchase alone: {recency.auc:.0%}).")  # fmt: skip
m[2].metric(
    "Orders: predicted vs actual", correlation(ours.pearson_purchases), help="Correlation, 1 = perfect."
)
spend_known = "predicted_spend" in dataset.table.frame  # orders without prices have no spend
NO_PRICES = "Your orders carry no prices or amounts, so spend is not predicted."
if spend_known:
    m[3].metric(
        "Spend: predicted vs actual", correlation(ours.pearson_spend), help="Correlation, 1 = perfect."
    )
    m[4].metric("Top 10% / 20%: revenue", f"{ours.top10_revenue:.0%} / {ours.top20_revenue:.0%}",
                help="Share of the period's revenue from the customers predicted to spend most.")  # fmt: skip
else:
    m[3].metric("Spend: predicted vs actual", "—", help=NO_PRICES)
    m[4].metric("Top 10% / 20%: revenue", "—", help=NO_PRICES)
revenue = f"; they brought **{ours.top20_revenue:.0%}** of the revenue of {period}" if spend_known else ""
st.markdown(f"Of the customers we rank in the top 20%, **{ours.top20_bought:.0%} bought again**{revenue}.")

left, right = st.columns(2)
with left:
    share = (
        st.slider("Target the top share of customers", 5, 60, 30, 5, format="%d%%", key="value_target") / 100
    )
    st.markdown(
        f"Target the top **{share:.0%}** by chance of buying and you reach **{ours.reach(share):.0%}** of the "
        f"customers who bought in {period}."
    )
    widgets.chart(
        cache_key(dataset, "reach_chart", horizon, share), lambda: reach_chart(ours.buyers_reached, share)
    )
with right:
    what = st.radio("Compare", ["purchases", "spend"] if spend_known else ["purchases"], horizontal=True,
                    key="value_calibration", format_func={"purchases": "Orders", "spend": "Spend"}.get)  # fmt: skip
    widgets.chart(
        cache_key(dataset, "calibration_chart", horizon, what),
        lambda: calibration_chart(ours.calibration, what),
        height=340,
    )
    st.caption(ours.totals_sentence(period))
with st.expander("Which model, and why", expanded=True):
    for note in bt.notes:
        st.markdown(f"- {note}")
    st.caption(
        "BG/NBD and Gamma-Gamma are the textbook models of repeat buying and order value; the learned "
        "correction is a gradient-boosting model trained on your shop's history before the cut. The one "
        "that predicted your own past better is used."
    )

st.subheader("Value segments")
if spend_known:
    value_segments(dataset, horizon)
else:
    st.info(f"{NO_PRICES} Value segments sort customers by spend; Lifecycle stages on the Segments page "
            "use orders alone.")  # fmt: skip

st.subheader("Next products to offer")
if "next_product_1" in dataset.table.frame:
    next_products(dataset, horizon)
else:
    st.info("Next products need a product or category column in the orders; yours name neither.")
