"""Segment profiles: sizes reconcile, names are unique, deterministic and describe planted segments."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from segmentation.catalog import CustomerTable, Feature
from segmentation.explain import (
    HEATMAP_FEATURES,
    heatmap_features,
    heatmap_frame,
    profile_segments,
    profiles_frame,
    segment_traits,
    traits_frame,
)
from segmentation.segmenters import rfm_segments
from segmentation.segments import Segmentation

CATALOG = (
    Feature("recency_days", "behavioural", "Days since last purchase", unit="days"),
    Feature("frequency", "behavioural", "Number of orders", unit="orders", skewed=True),
    Feature("tenure_days", "behavioural", "Days as a customer", unit="days"),
    Feature("monetary", "value", "Total spend", unit="currency", skewed=True),
    Feature("avg_order_value", "value", "Average order value", unit="currency", skewed=True),
    Feature("age", "demographic", "Age", unit="years"),
    Feature("gender", "demographic", "Gender", "categorical"),
    Feature("country", "geographic", "Country", "categorical"),
    Feature("preferred_channel", "channel", "Favourite channel", "categorical"),
    Feature("share_cat_toys", "product_usage", "Share of spend: Toys", unit="share"),
    Feature("share_cat_home", "product_usage", "Share of spend: Home", unit="share"),
    Feature("interests", "psychographic", "Interests", "tags"),
    Feature("email", "contact", "E-mail", "text"),
)


def planted(seed: int = 0) -> tuple[CustomerTable, np.ndarray]:
    """Three planted groups: young app bargain hunters, loyal big spenders, lapsed store shoppers."""
    rng = np.random.default_rng(seed)
    sizes = (300, 150, 250)
    group = np.repeat(np.arange(3), sizes)
    n = len(group)
    pick = lambda values: np.array(values)[group]  # noqa: E731
    freq = rng.poisson(pick([3, 15, 2])) + 1.0
    aov = rng.gamma(5, pick([6, 40, 25]))
    toys = np.clip(rng.normal(pick([0.7, 0.3, 0.4]), 0.1), 0, 1)
    frame = pd.DataFrame(
        {
            "recency_days": rng.gamma(2, pick([15, 8, 150])),
            "frequency": freq,
            "tenure_days": rng.uniform(200, 700, n),
            "monetary": freq * aov,
            "avg_order_value": aov,
            "age": rng.normal(pick([22, 45, 50]), 3),
            "gender": rng.choice(["female", "male"], n),
            "country": np.where(rng.random(n) < 0.8, pick(["France", "Germany", "Spain"]), "Italy"),
            "preferred_channel": np.where(rng.random(n) < 0.85, pick(["App", "Web", "Store"]), "Web"),
            "share_cat_toys": toys,
            "share_cat_home": 1 - toys,
            "interests": rng.choice(["gaming|music", "cooking", "travel|cooking"], n),
            "email": [f"x{i}@example.com" for i in range(n)],
        },
        index=pd.Index([f"c{i:04d}" for i in range(n)], name="customer_id"),
    )
    return CustomerTable(frame, CATALOG), group


def clusters(labels: np.ndarray, table: CustomerTable) -> Segmentation:
    series = pd.Series(labels, index=table.frame.index)
    return Segmentation(series, tuple(f"Segment {i + 1}" for i in range(labels.max() + 1)), "kmeans")


@pytest.fixture(scope="module")
def data() -> tuple[CustomerTable, np.ndarray]:
    return planted()


def test_sizes_shares_and_revenue_reconcile(data: tuple[CustomerTable, np.ndarray]) -> None:
    table, group = data
    profiles = profile_segments(table, clusters(group, table))
    assert [p.code for p in profiles] == [0, 1, 2]
    assert sum(p.size for p in profiles) == len(table.frame)
    assert sum(p.share for p in profiles) == pytest.approx(1)
    assert sum(p.revenue_share for p in profiles) == pytest.approx(1)
    assert sum(p.revenue for p in profiles) == pytest.approx(table.frame["monetary"].sum())
    assert all(0 <= p.priority <= 100 and p.priority_why for p in profiles)


def test_planted_segments_get_telling_names(data: tuple[CustomerTable, np.ndarray]) -> None:
    table, group = data
    young, loyal, lapsed = profile_segments(table, clusters(group, table))
    assert any(w in young.name.casefold() for w in ("young", "mobile", "bargain")), young.name
    assert any(w in loyal.name.casefold() for w in ("loyal", "spender")), loyal.name
    assert "lapsed" in lapsed.name.casefold(), lapsed.name
    assert any("Win-back" in a for a in lapsed.actions)
    assert any("App push" in a for a in young.actions)
    assert young.channels[0][0] == "App" and young.top_categories[0][0] == "Share of spend: Toys"
    assert young.places[0][0] == "France" and "age" in young.demographics and "gender" in young.demographics
    assert young.traits and all(t.feature != "email" for p in (young, loyal) for t in p.traits)
    age = next(t for t in young.traits if t.feature == "age")
    assert age.direction == "lower" and age.lift < 1 and age.effect < 0


def test_names_unique_and_deterministic(data: tuple[CustomerTable, np.ndarray]) -> None:
    table, group = data
    # Split every planted group in two alike halves: generated names would collide.
    split = group * 2 + (np.arange(len(group)) % 2)
    first = [p.name for p in profile_segments(table, clusters(split, table))]
    second = [p.name for p in profile_segments(table, clusters(split, table))]
    assert first == second
    assert len(set(first)) == len(first) == 6


def test_rule_segments_keep_names_and_get_playbook(data: tuple[CustomerTable, np.ndarray]) -> None:
    table, _ = data
    seg = rfm_segments(table)
    profiles = profile_segments(table, seg)
    assert [p.name for p in profiles] == list(seg.names)
    champions = profiles[0]
    assert "recently" in champions.description and any("VIP" in a for a in champions.actions)
    assert sum(p.size for p in profiles) == len(table.frame)
    empty = [p for p in profiles if p.size == 0]
    assert all(p.revenue == 0 and p.traits == () for p in empty)


def test_plain_words_only(data: tuple[CustomerTable, np.ndarray]) -> None:
    table, group = data
    frame = profiles_frame(profile_segments(table, clusters(group, table)))
    assert len(frame) == 3 and frame["customers"].sum() == len(table.frame)
    text = " ".join(frame.astype(str).to_numpy().ravel()).casefold()
    for jargon in ("z-score", "centroid", "std", "nan", "cluster"):
        assert jargon not in text


def test_heatmap_frame(data: tuple[CustomerTable, np.ndarray]) -> None:
    table, group = data
    heat = heatmap_frame(table, clusters(group, table))
    assert set(heat.columns) == {"segment", "feature", "label", "value", "overall", "index"}
    numeric = [f.name for f in CATALOG if f.kind == "numeric"]
    assert len(heat) == 3 * len(numeric)
    age = heat[heat["feature"] == "age"].set_index("segment")["index"]
    assert age["Segment 1"] < 100 < age["Segment 3"]
    # Segment sizes weight the averages back to the overall average.
    sizes = np.bincount(group)
    rec = heat[heat["feature"] == "recency_days"]
    assert np.average(rec["value"], weights=sizes) == pytest.approx(rec["overall"].iloc[0])


def test_all_equal_segment_does_not_crash() -> None:
    frame = pd.DataFrame(
        {"monetary": [10.0] * 6}, index=pd.Index([f"c{i}" for i in range(6)], name="customer_id")
    )
    table = CustomerTable(frame, (Feature("monetary", "value", "Total spend", unit="currency"),))
    profiles = profile_segments(table, clusters(np.array([0, 0, 0, 1, 1, 1]), table))
    assert len({p.name for p in profiles}) == 2
    assert "average customer" in profiles[0].description


def test_heatmap_features_main_facts_first_then_channels_and_custom_facts(
    data: tuple[CustomerTable, np.ndarray],
) -> None:
    table, _ = data
    main = [c for c in HEATMAP_FEATURES if c in table.frame]
    assert heatmap_features(table) == main  # neither channel shares nor custom facts in this table
    channels = {f"share_ch_{c}": 0.2 for c in ("web", "app", "store", "phone", "market", "other")}
    custom = (Feature("vip_score", "custom", "VIP score"), Feature("vip_tag", "custom", "VIP", "categorical"))
    wider = CustomerTable(table.frame.assign(**channels, vip_score=1.0, vip_tag="x"), CATALOG + custom)
    facts = heatmap_features(wider)
    assert facts == [*main, "share_ch_web", "share_ch_app", "share_ch_store", "share_ch_phone", "vip_score"]
    assert heatmap_features(wider, limit=3) == main[:3]


def test_traits_frame_has_one_row_per_trait(data: tuple[CustomerTable, np.ndarray]) -> None:
    table, group = data
    for profile in profile_segments(table, clusters(group, table)):
        frame = traits_frame(profile)
        assert frame["text"].tolist() == [t.text for t in profile.traits]
        assert frame["lift"].tolist() == [t.lift for t in profile.traits]
    empty = traits_frame(dataclasses.replace(profile, traits=()))
    assert empty.empty and {"feature", "label", "lift", "text"} <= set(empty.columns)


def test_tag_and_category_shares_count_each_customer_once() -> None:
    """A tag written twice counts once, an empty tag is no tag, and a category column reads as text."""
    catalog = (
        Feature("interests", "psychographic", "Interests", "tags"),
        Feature("country", "geographic", "Country", "categorical"),
    )
    frame = pd.DataFrame(
        {
            "interests": ["golf|golf", "golf|", "tennis", None, "tennis", "tennis"],
            "country": pd.Categorical(["FR", "FR", "DE", "DE", "DE", None]),
        },
        index=pd.Index(list("abcdef"), name="customer_id"),
    )
    table = CustomerTable(frame, catalog)
    traits = {(t.feature, t.value): t for t in segment_traits(table, np.arange(6) < 2)}
    golf = traits[("interests", "golf")]
    assert (golf.segment_share, golf.overall) == (1.0, pytest.approx(2 / 6))
    france = traits[("country", "FR")]
    assert (france.segment_share, france.overall) == (1.0, pytest.approx(2 / 6))
    assert ("interests", "") not in traits and all(t.segment_share <= 1 for t in traits.values())


def test_equal_medians_are_described_by_their_averages() -> None:
    """Half the customers never ordered and the segment's buyers ordered once: both medians read
    "1.0 orders", so the trait says the averages instead of "1.0 vs 1.0 (1.0x the usual)"."""
    from segmentation.explain.traits import segment_traits

    orders = np.r_[np.zeros(50), np.ones(40), np.full(10, 3.0)]
    catalog = (Feature("frequency", "behavioural", "Number of orders", unit="orders", skewed=True),)
    table = CustomerTable(pd.DataFrame({"frequency": orders}, index=[f"c{i}" for i in range(100)]), catalog)
    segment = np.r_[np.zeros(40, bool), np.ones(60, bool)]  # ten never ordered, 40 once, ten thrice
    (trait,) = segment_traits(table, segment)
    assert np.median(orders[segment]) == 1.0 and np.median(orders) == 0.5
    assert trait.text.startswith("Number of orders: typically 1.0 orders vs 0.5 orders overall")
    buyers = np.r_[np.zeros(50, bool), np.ones(50, bool)]  # 40 once and ten thrice: median 1 of 1
    table2 = CustomerTable(
        pd.DataFrame({"frequency": np.r_[np.ones(50), orders[50:]]}, index=table.frame.index), catalog
    )
    (trait,) = segment_traits(table2, buyers)
    assert trait.text == "Number of orders: on average 1.4 orders vs 1.2 orders overall (1.2x the usual)"
