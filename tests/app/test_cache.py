"""Cached results and charts never cross data sets: two files with the same segment names see their own charts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from app_driver import goto, start

from segmentation.dataset import Dataset, SourceFile, load_dataset
from segmentation.recipe import Recipe
from segmentation.segmenters import default_criteria
from segmentation.segments import Segmentation
from ui.keys import cache_key
from ui.state import SavedSegmentation

NAMES = ("Gold", "Silver", "Bronze")
N = 300


def customer_list(seed: int) -> Dataset:
    """Same file name, same customer ids, different facts: only the bytes tell the two apart."""
    rng = np.random.default_rng(seed)
    tier = np.arange(N) % 3  # the segments below: each tier of its own age, so each has traits
    frame = pd.DataFrame(
        {
            "CustomerID": [f"C{i:04d}" for i in range(N)],
            "Age": (np.array([25, 45, 65])[tier] + rng.normal(0, 3 + seed, N)).round(),
            "Income": rng.gamma(2.0, 20_000.0, N).round(),
            "Region": rng.choice(["North", "South", "East", "West"], N),
            "Latitude": rng.normal(48 + 4 * seed, 1.0, N).round(4),
            "Longitude": rng.normal(2 + 5 * seed, 1.0, N).round(4),
        }
    )
    data = frame.to_csv(index=False).encode()
    return load_dataset([SourceFile("customers.csv", data)])


def same_segments(dataset: Dataset) -> SavedSegmentation:
    """Identical labels and names on both data sets: the segmentation's own key cannot tell them apart."""
    index = dataset.table.frame.index.sort_values()
    seg = Segmentation.from_codes(np.arange(N) % 3, index, NAMES, "custom", {})
    spec = default_criteria(dataset.table)
    return SavedSegmentation("Tiers", seg, Recipe("custom", criteria=spec.to_dict()), spec)


def charts_on_profiles(dataset: Dataset) -> list[tuple[str, list[str]]]:
    """The Profiles page's charts as the browser receives them: spec and data of each."""
    at = start()
    at.session_state["dataset"] = dataset
    saved = same_segments(dataset)
    at.session_state["segmentations"] = {saved.title: saved}
    at = goto(at, "profiles")
    charts = [e.proto for e in at.get("vega_lite_chart")]
    assert len(charts) >= 6, "priority, three traits charts, heat map, places and the map of customers"
    return [(c.spec, [str(d) for d in c.datasets]) for c in charts]


@pytest.fixture(scope="module")
def two_datasets() -> tuple[Dataset, Dataset]:
    a, b = customer_list(0), customer_list(1)
    assert a.fingerprint != b.fingerprint
    assert same_segments(a).segmentation.names == same_segments(b).segmentation.names
    return a, b


def test_two_data_sets_with_the_same_segment_names_never_share_a_cached_chart(two_datasets) -> None:
    a, b = two_datasets
    st.cache_resource.clear()
    st.cache_data.clear()
    alone = charts_on_profiles(b)  # the oracle: B drawn with nothing cached
    st.cache_resource.clear()
    st.cache_data.clear()
    first = charts_on_profiles(a)
    after_a = charts_on_profiles(b)  # B drawn while A's charts are in the cache
    assert after_a == alone
    differ = [i for i, (x, y) in enumerate(zip(first, after_a, strict=True)) if x != y]
    # The first, where to focus, shows sizes only (a customer list has no revenue): the same for A and B.
    # Every other chart (traits, heat map, places, the map of customers) shows facts, and those differ.
    assert differ == list(range(1, len(first)))


def test_cache_keys_always_hold_the_data_fingerprint(two_datasets) -> None:
    a, b = two_datasets
    seg = same_segments(a).segmentation
    key_a, key_b = cache_key(a, "heatmap_chart", seg=seg), cache_key(b, "heatmap_chart", seg=seg)
    assert key_a != key_b and key_a.startswith(a.fingerprint) and key_b.startswith(b.fingerprint)
    assert cache_key(a, "map", True, ["Gold"]) != cache_key(a, "map", True, ["Gold", "Silver"])
    assert cache_key(a, "map", True, ["Gold"]) == cache_key(a, "map", True, ["Gold"])
