"""Names, descriptions and recommended actions for segments, from their strongest traits.

A small vocabulary maps traits to words ("young", "lapsed", "mobile-first", "big spenders") and
words to plays of a marketing playbook; rule segments (RFM, tiers) keep their names and get
descriptions and plays keyed by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from segmentation.features import slug


@dataclass(frozen=True)
class Trait:
    """One way a segment differs from the average customer."""

    feature: str
    label: str
    kind: Literal["numeric", "categorical"]
    value: float | str  # segment average, or the over-represented value
    overall: float  # overall average, or the value's share among all customers
    segment_share: float  # categorical: the value's share in the segment; numeric: segment median
    lift: float  # segment / overall
    direction: Literal["higher", "lower", "more"]
    effect: float  # difference in typical spreads (signed); ranks traits across features
    text: str


PLAYBOOK: dict[str, str] = {
    "winback": "Win-back e-mail with a personal offer and a 'we miss you' message",
    "vip": "VIP treatment: early access, free shipping and a personal thank-you",
    "referral": "Referral programme: reward them for bringing friends",
    "onboarding": "Onboarding series: welcome, best sellers and a second-order incentive",
    "nurture": "Regular newsletter with recommendations based on past purchases",
    "bundles": "Bundles and multi-buy offers instead of blanket discounts; watch discount costs",
    "app": "App push notifications and app-only offers",
    "service": "Service follow-up: ask what went wrong and fix it before selling more",
    "returns": "Review returns: better size guides and product information",
    "upsell": "Cross-sell premium ranges and complementary categories",
    "sunset": "Last-chance offer, then stop paid campaigns to save budget",
    "cart_reminder": "Abandoned-cart reminder within a day, showing the items left behind; free shipping to close",
    "first_purchase": "First-purchase nudge on what they viewed: a welcome offer, reviews and easy returns",
    "browse_recs": "Recommendations and back-in-stock alerts from the categories they browse most",
    "reengage": "Re-engagement: new arrivals in the categories they used to browse",
    "retain": "Save them before they go: a personal check-in, a loyalty perk or early access, not a discount blast",
    "grow": "Help them buy again sooner: next-best products and a reason to come back within their usual gap",
    "light_touch": "Low-cost reminders only (e-mail, no paid ads); stop if they do not respond",
}
#: Playbook keys for rule segments, by segment name.
RULE_PLAYS: dict[str, tuple[str, ...]] = {
    "Champions": ("vip", "referral"), "Loyal": ("upsell", "referral"), "Potential Loyalist": ("nurture", "upsell"),
    "New": ("onboarding",), "Promising": ("onboarding", "nurture"), "Need Attention": ("nurture", "winback"),
    "About to Sleep": ("winback", "nurture"), "At Risk": ("winback",), "Can't Lose Them": ("winback", "vip"),
    "Hibernating": ("winback",), "Lost": ("sunset",), "Prospect": ("onboarding",), "Active": ("nurture",),
    "Order date unknown": ("nurture",),
    "Repeat": ("upsell", "nurture"), "Reactivated": ("nurture", "upsell"), "Lapsing": ("winback",),
    "Platinum": ("vip", "referral"), "Gold": ("vip", "upsell"), "Silver": ("upsell",), "Bronze": ("nurture",),
    "Top 1%": ("vip", "referral"), "Top 1-10%": ("vip", "upsell"), "Top 10-20%": ("upsell",),
    "Promoters": ("referral",), "Passives": ("nurture",), "Detractors": ("service",),
    "Very satisfied": ("referral",), "Dissatisfied": ("service",), "No purchases on record": ("onboarding",),
    "Cart abandoners": ("cart_reminder",), "Cart completers": ("upsell", "nurture"),
    "Never used the cart": ("browse_recs",), "Window shoppers": ("first_purchase", "browse_recs"),
    "Browsing buyers": ("browse_recs", "upsell"), "Engaged browsers": ("browse_recs", "referral"),
    "Casual browsers": ("browse_recs",), "Lapsed browsers": ("reengage", "winback"),
    "No visits on record": ("nurture",),
    "Loyal core": ("vip", "referral"), "High value at risk": ("retain", "winback"), "Rising": ("grow", "upsell"),
    "Low value leaving": ("light_touch", "sunset"), "Predicted top 10%": ("vip", "retain"),
    "Predicted top 10-30%": ("upsell", "grow"), "Predicted middle 30-60%": ("grow", "nurture"),
    "Predicted lower 40%": ("light_touch",), "No prediction": ("onboarding", "returns"),
}  # fmt: skip
RULE_DESCRIPTIONS: dict[str, str] = {
    "Champions": "They bought recently, buy often and spend the most.",
    "Loyal": "They buy regularly and spend well, though not always very recently.",
    "Potential Loyalist": "Recent customers with a few orders who could become loyal.",
    "New": "They bought for the first time very recently.",
    "Promising": "Recent buyers who have not spent much yet.",
    "Need Attention": "Average on recency, frequency and spend; they may slip without a nudge.",
    "About to Sleep": "They have not bought for a while and did not buy much.",
    "At Risk": "They used to buy often and spend well but have not come back for a long time.",
    "Can't Lose Them": "Some of your biggest spenders, but they have not bought for a long time.",
    "Hibernating": "Low spend, few orders, and a long time since their last purchase.",
    "Lost": "Their last purchase is long ago and they bought little.",
    "Order date unknown": "They have bought, but your customer list leaves the date of their last order blank.",
    "Promoters": "They would recommend you to friends.",
    "Detractors": "They would not recommend you; they may speak badly of you.",
    "Cart abandoners": "They put items in the cart but leave most of them there without buying.",
    "Cart completers": "They use the cart and buy most of what they put in it.",
    "Never used the cart": "They visit and look at products but have never added one to the cart.",
    "Window shoppers": "They visit and look around but have never bought anything.",
    "Browsing buyers": "They visit and they buy: browsing turns into orders.",
    "Engaged browsers": "Your most active recent visitors: many views, carts and favourites lately.",
    "Casual browsers": "They visited recently, but look at only a few products.",
    "Lapsed browsers": "They used to visit but have not come back for a while.",
    "No visits on record": "The event log has no visit from them, so their browsing is unknown.",
    "Loyal core": "Among your biggest spenders so far, and likely to stay.",
    "High value at risk": "Among your biggest spenders so far, but more likely than not to stop buying.",
    "Rising": "Likely to buy again, though they are not among your biggest spenders yet.",
    "Low value leaving": "Spent little so far and likely to stop buying.",
    "No prediction": "No purchase on record to predict from: they never ordered, or returned all they bought.",
}  # fmt: skip


# ---------------------------------------------------------------- names


def _words(traits: tuple[Trait, ...]) -> dict[str, tuple[float, str, str]]:
    """Name words found in the traits, by slot ("age", "status", "channel", "noun"), strongest kept."""
    found: dict[str, tuple[float, str, str]] = {}

    def add(slot: str, strength: float, word: str) -> None:
        if slot not in found or strength > found[slot][0]:
            found[slot] = (strength, word, t.feature)

    for t in traits:
        s, up = abs(t.effect), t.effect > 0
        if t.kind == "categorical":
            v = str(t.value).casefold()
            if t.feature in ("preferred_channel",) or t.feature.startswith("share_ch_"):
                word = (
                    "mobile-first"
                    if ("app" in v or "mobile" in v)
                    else "in-store"
                    if "store" in v
                    else f"{v}-first"
                )
                add("channel", s, word)
            elif t.feature == "favourite_category":
                add("noun", s * 0.8, f"{t.value} fans")
            continue
        name = t.feature
        if name == "age":
            add("age", s, "young" if not up else "older")
        elif name.startswith("share_ch_") and up:
            v = name.removeprefix("share_ch_")
            add(
                "channel",
                s,
                "mobile-first" if v in ("app", "mobile") else "in-store" if v == "store" else f"{v}-first",
            )
        elif name == "recency_days" and up:
            add("status", s, "lapsed")
        elif name in ("tenure_days", "first_order_days_ago") and not up:
            add("status", s * 0.9, "new")
        elif name == "frequency" and up:
            add("status", s * 0.9, "loyal")
        elif name == "churn_probability" and up:
            add("status", s, "at-risk")
        elif name == "monetary" and up:
            add("noun", s, "big spenders" if s > 1 else "high spenders")
        elif name in ("avg_order_value", "discount_share") and (up == (name == "discount_share")):
            add("noun", s * 1.1, "bargain hunters")
        elif name == "return_rate" and up:
            add("noun", s * 0.9, "frequent returners")
        elif name in ("nps", "rating"):
            add("mood", s, "happy" if up else "unhappy")
        elif name == "frequency" and not up:
            add("noun", s * 0.7, "occasional buyers")
    return found


def generated_name(traits: tuple[Trait, ...]) -> str:
    """A short name from the strongest traits, e.g. "Young mobile-first bargain hunters"."""
    words = _words(traits)
    # Lifecycle status matters most to a marketer, so it outranks equally strong demographics.
    boost = {"status": 1.5, "mood": 1.2}
    adjectives = [s for s in ("age", "mood", "status", "channel") if s in words]
    adjectives = sorted(
        sorted(adjectives, key=lambda s: -words[s][0] * boost.get(s, 1.0))[:2],
        key=("age", "mood", "status", "channel").index,
    )
    noun = words["noun"][1] if "noun" in words else "customers" if adjectives else "typical customers"
    text = " ".join([*(words[s][1] for s in adjectives), noun])
    return text[0].upper() + text[1:]


def _unique(names: list[str], traits: list[tuple[Trait, ...]]) -> list[str]:
    """Make names unique: add the first trait not already in the name, then a number if needed."""
    out: list[str] = []
    for name, ts in zip(names, traits, strict=True):
        candidate = name
        if names.count(name) > 1:
            used = {feature for _, _, feature in _words(ts).values()}
            extra = next((t for t in ts if t.feature not in used), None)
            if extra is not None:
                hint = (
                    f"{extra.value}"
                    if extra.kind == "categorical"
                    else f"{extra.direction} {extra.label.casefold()}"
                )
                candidate = f"{name} ({hint})"
        base, n = candidate, 2
        while candidate in out:
            candidate, n = f"{base} {n}", n + 1
        out.append(candidate)
    return out


def plays_for(name: str, traits: tuple[Trait, ...], is_rule: bool) -> tuple[str, ...]:
    if (is_rule and name in RULE_PLAYS) or name == PROSPECTS:
        return RULE_PLAYS.get(name, ("onboarding",))
    words = {w for _, w, _ in _words(traits).values()}
    plays: list[str] = []
    rules_ = [
        (words & {"lapsed", "at-risk"}, "winback"),
        (words & {"big spenders", "high spenders", "loyal"}, "vip"),
        (words & {"big spenders"}, "referral"),
        (words & {"new"}, "onboarding"),
        (words & {"bargain hunters"}, "bundles"),
        (words & {"mobile-first"}, "app"),
        (words & {"unhappy"}, "service"),
        (words & {"frequent returners"}, "returns"),
    ]
    plays = [key for hit, key in rules_ if hit]
    return tuple(plays[:3]) or ("nurture",)


def describe(
    size: int,
    share: float,
    value_share: float,
    name: str,
    traits: tuple[Trait, ...],
    is_rule: bool,
    measure: str = "revenue",
) -> str:
    verb = "bring" if measure == "revenue" else "place"
    first = f"{size:,} customers ({share:.0%} of all) who {verb} {value_share:.0%} of {measure}."
    if is_rule and name in RULE_DESCRIPTIONS:
        return f"{first} {RULE_DESCRIPTIONS[name]}"
    if not traits:
        return f"{first} They look much like your average customer."
    return f"{first} What sets them apart: {'; '.join(t.text for t in distinct(traits)[:2])}."


def distinct(traits: tuple[Trait, ...]) -> list[Trait]:
    """Traits without repeats: "favourite channel Store" already says "share of spend on Store"."""
    seen: set[str] = set()
    out = []
    for t in traits:
        topic = slug(t.value) if t.kind == "categorical" else t.feature.split("_", 2)[-1]
        if t.kind == "numeric" and not t.feature.startswith(("share_ch_", "share_cat_")):
            topic = t.feature
        if topic not in seen:
            seen.add(topic)
            out.append(t)
    return out


PROSPECTS = "Prospects (no purchase yet)"


def name_segments(frame: pd.DataFrame, masks: list[np.ndarray], traits: list[tuple[Trait, ...]]) -> list[str]:
    """Names from traits; a segment made mostly of people who never bought is called what it is."""
    names = [generated_name(t) for t in traits]
    if "frequency" in frame:
        never = frame["frequency"].fillna(0).to_numpy() == 0
        names = [
            PROSPECTS if m.any() and never[m].mean() > 0.5 else n for n, m in zip(names, masks, strict=True)
        ]
    return _unique(names, traits)
