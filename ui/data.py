"""Cached loading of the samples and of uploaded files, keyed by a fingerprint of the bytes."""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from segmentation.dataset import Dataset, SourceFile, load_dataset, suggest, with_horizon
from segmentation.intake import Mapping, RawTable, Suggestion
from segmentation.samples import write

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "sample_data"
STORE_DIR = SAMPLE_DIR / "store"

SAMPLES = {
    "store": "Maison & Mode: a fictional fashion-and-home store (20,000 customers, demo data)",
    "retail": "Online Retail: a real UK gift shop's invoices (excerpt, 2010-2011)",
}


def sample_sources(name: str) -> list[SourceFile]:
    if name == "retail":
        path = SAMPLE_DIR / "online_retail_excerpt.csv.gz"
        return [SourceFile(path.name, path)]
    if not (STORE_DIR / "orders.csv.gz").exists():  # a fresh clone run without `make`
        write(STORE_DIR)
    return [SourceFile(p.name, p) for p in (STORE_DIR / "orders.csv.gz", STORE_DIR / "customers.csv.gz")]


@st.cache_resource(max_entries=2, show_spinner="Preparing the sample data…")
def load_sample(name: str) -> Dataset:
    return load_dataset(sample_sources(name))


@st.cache_resource(max_entries=8, show_spinner="Reading the file…")
def suggest_cached(fingerprint: str, _source: SourceFile) -> tuple[RawTable, Suggestion]:
    return suggest(_source)


@st.cache_resource(max_entries=4, show_spinner="Checking every row and building the customer table…")
def load_cached(key: str, _sources: tuple[SourceFile, ...], _mappings: dict[str, Mapping]) -> Dataset:
    return load_dataset(_sources, _mappings)


def load_uploaded(sources: list[SourceFile], mappings: dict[str, Mapping]) -> Dataset:
    key = json.dumps(
        [[s.fingerprint for s in sources], {n: m.to_dict() for n, m in sorted(mappings.items())}],
        sort_keys=True,
        default=str,
    )
    return load_cached(key, tuple(sources), mappings)


@st.cache_resource(max_entries=4, show_spinner="Predicting over the new horizon…")
def horizon_cached(key: str, horizon_days: int, _dataset: Dataset) -> Dataset:
    """Shared by every session that picks this horizon for this data (``key``: its fingerprint)."""
    return with_horizon(_dataset, horizon_days)
