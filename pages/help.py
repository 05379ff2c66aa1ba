"""Help & glossary: the words the app uses, in plain language."""

import streamlit as st

from ui import widgets

st.title("Help & glossary")
widgets.lead("Five steps from your file to a campaign list, and what the words on screen mean.")

st.markdown(
    """
1. **Data**: load the sample store or upload your order history and/or customer list. Check what each
   column means and how many rows were kept.
2. **Criteria**: choose what the segments should be based on: buying behaviour, value, channels, …
3. **Segments**: use a ready rule set (such as RFM), write your own rules, or let the app find groups.
4. **Map** and **Profiles**: see who is in each segment, rename segments, read the recommended actions.
5. **Export**: download lists for your e-mail or ad platform, with an optional control group.
"""
)

GLOSSARY = {
    "Segment": "A group of customers treated the same way in a campaign.",
    "RFM": "Recency (how recently someone bought), Frequency (how often) and Monetary value (how much "
    "they spent). Each is scored 1-5; together they sort customers into groups such as Champions or At Risk.",
    "Recency": "Days since a customer's last purchase. Lower is better.",
    "Frequency": "Number of separate orders a customer placed.",
    "Average order value": "Revenue divided by the number of orders.",
    "Lifecycle stage": "Where a customer stands: new, active, repeat, lapsing, lost or reactivated.",
    "Clustering": "Letting the app find groups of customers who look alike on the criteria you chose, "
    "instead of writing rules yourself.",
    "Number of segments": "How many groups the app looks for. It tries 2 to 12 and recommends the number "
    "where the groups are most clearly separated and most stable.",
    "Stable / shaky": "Whether the same groups come back when the app re-runs on a slightly different "
    "sample of customers. Stable groups are safe to act on; shaky ones may be an accident of the data.",
    "Lift": "How much more (or less) common a trait is in a segment than among all customers. "
    "×2 means twice as common.",
    "Priority": "A 0-100 score from a segment's size, value and risk of leaving: where effort pays most.",
    "Holdout (control group)": "A random share of a segment that does not get the campaign, so you can "
    "measure what the campaign changed.",
    "Hashed e-mail": "Ad platforms match customers on a scrambled (SHA-256) form of the e-mail or phone; "
    "the platform never sees the address itself.",
    "Set aside": "Rows of your file that could not be used (no customer id, unreadable date, …). They are "
    "counted and downloadable; nothing is dropped silently.",
    "Map": "A picture where customers who look alike sit close together. Distances are only meaningful "
    "locally: neighbours are similar, far-apart islands are different.",
    "Churn risk": "The estimated chance that a customer does not buy again in the coming months, learned "
    "from your own history.",
}
for term, meaning in GLOSSARY.items():
    st.markdown(f"**{term}**: {meaning}")
