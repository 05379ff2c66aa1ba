"""Cached wrappers around the core. Keys: the dataset's fingerprint plus the parameters as JSON.

Frames and matrices are passed as ``_``-prefixed arguments so Streamlit never hashes them (hashing a
large frame costs more than the cache saves); caches are bounded.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from segmentation import explain, outputs, recipe, segmenters
from segmentation.dataset import Dataset
from segmentation.explain import SegmentProfile, heatmap_frame, profile_segments, profiles_frame, umap_layout
from segmentation.outputs import heatmap_chart, priority_chart, segment_sizes, sizes_chart
from segmentation.segmenters import CriteriaSpec, KScan, Rule, scan_k
from segmentation.segments import Segmentation


def spec_key(spec: CriteriaSpec) -> str:
    return json.dumps(spec.to_dict(), sort_keys=True)


@st.cache_resource(max_entries=6, show_spinner="Preparing the criteria…")
def matrix(fingerprint: str, spec_json: str, _dataset: Dataset) -> tuple[np.ndarray, Any]:
    encoder, X = recipe.encode(_dataset.table, CriteriaSpec.from_dict(json.loads(spec_json)))
    return X, encoder


def matrix_for(dataset: Dataset, spec: CriteriaSpec) -> np.ndarray:
    return matrix(dataset.fingerprint, spec_key(spec), dataset)[0]


@st.cache_data(max_entries=12, show_spinner="Trying 2 to 12 segments…")
def k_scan(fingerprint: str, spec_json: str, seed: int, _X: np.ndarray) -> KScan:
    return scan_k(_X, random_state=seed)


@st.cache_resource(max_entries=16, show_spinner="Finding the segments…")
def run_recipe(fingerprint: str, recipe_json: str, _dataset: Dataset) -> Segmentation:
    rec = recipe.Recipe.from_json(recipe_json)
    if rec.method not in recipe.CLUSTER_METHODS:
        return recipe.segment(_dataset.table, rec)
    X, encoder = matrix(fingerprint, spec_key(rec.spec), _dataset)  # shared with the k scan and the map
    return recipe.segment(_dataset.table, rec, (encoder, X))


def segment(dataset: Dataset, rec: recipe.Recipe) -> Segmentation:
    return run_recipe(dataset.fingerprint, rec.to_json(), dataset)


@st.cache_data(max_entries=32, show_spinner=False)
def rule_sizes(fingerprint: str, rules_json: str, _dataset: Dataset) -> pd.DataFrame:
    parsed = [Rule.from_dict(r) for r in json.loads(rules_json)]
    return segmenters.rule_sizes(_dataset.table, parsed)


def seg_key(seg: Segmentation) -> str:
    """A cheap fingerprint of a segmentation: method, params, names and the label bytes."""
    import hashlib

    digest = hashlib.sha256(seg.labels.to_numpy().tobytes())
    digest.update(json.dumps([seg.method, seg.params, seg.names], sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


@st.cache_resource(max_entries=16, show_spinner="Describing the segments…")
def profiles(fingerprint: str, key: str, _dataset: Dataset, _seg: Segmentation) -> list[SegmentProfile]:
    return profile_segments(_dataset.table, _seg)


def profiles_for(dataset: Dataset, seg: Segmentation) -> list[SegmentProfile]:
    return profiles(dataset.fingerprint, seg_key(seg), dataset, seg)


@st.cache_resource(max_entries=8, show_spinner="Drawing a first map…")
def quick_layout(fingerprint: str, spec_json: str, _X: np.ndarray) -> np.ndarray:
    return explain.quick_layout(_X)


@st.cache_resource(max_entries=8, show_spinner=False)
def umap_job(fingerprint: str, spec_json: str, key: str, _X: np.ndarray, _labels: np.ndarray):
    """Start the UMAP layout in the background; the Map page polls the returned future."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="umap")
    return pool.submit(umap_layout, _X, strata=_labels)


TOOLTIP_FACTS = ("monetary", "frequency", "recency_days", "preferred_channel", "city")
MAX_POINTS = 20_000


@st.cache_resource(max_entries=8, show_spinner=False)
def map_points(
    view: str,
    _table,
    _seg: Segmentation,
    _xy: np.ndarray,
    *,
    shown: list[str],
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> pd.DataFrame:
    """The customers to draw: layout, segment and tooltip facts; a stratified sample above ``max_points``.

    ``view`` keys the cache (data, criteria, segmentation, layout, shown segments); ``_xy`` rows follow
    ``_table.frame``; only the plotted and tooltip columns are sent to the browser.
    """
    table, seg, xy = _table, _seg, _xy
    tips = [c for c in TOOLTIP_FACTS if c in table.frame]
    points = table.frame[tips].copy()
    points.insert(0, "customer_id", table.frame.index.astype(str))
    points.insert(1, "x", xy[:, 0])
    points.insert(2, "y", xy[:, 1])
    points.insert(
        3, "segment", seg.named.reindex(table.frame.index).array
    )  # categorical: keeps segment order
    points = points[points["segment"].isin(shown)].reset_index(drop=True)
    total = len(points)
    if total > max_points:
        rng = np.random.default_rng(seed)
        keep = np.concatenate(
            [
                rng.choice(idx, size=max(1, round(len(idx) * max_points / total)), replace=False)
                for idx in points.groupby("segment", observed=True).indices.values()
            ]
        )
        points = points.iloc[np.sort(keep)].reset_index(drop=True)
    points.attrs.update(tooltip=tips, total=total, sampled=len(points) < total)
    return points


@st.cache_resource(max_entries=4, show_spinner="Reading phone numbers and e-mail addresses…")
def _contacts(fingerprint: str, country: str, _dataset: Dataset) -> outputs.ContactDetails:
    return outputs.contact_details(_dataset.table.frame, country or None)


@st.cache_resource(max_entries=16, show_spinner="Preparing the list…")
def _audience(
    fingerprint: str, key: str, params: str, _dataset: Dataset, _seg: Segmentation
) -> outputs.Audience:
    p = json.loads(params)
    return outputs.build_audience(
        _dataset.table,
        _seg,
        segments=p["segments"],
        columns=p["columns"],
        reach=p["reach"],
        consent_only=p["consent"],
        holdout_share=p["holdout"],
        seed=p["seed"],
        contacts=_contacts(fingerprint, p["country"], _dataset),
    )


def audience(dataset: Dataset, seg: Segmentation, **params: Any) -> outputs.Audience:
    """``params``: segments, columns, reach, consent, holdout, seed, country (see build_audience)."""
    return _audience(dataset.fingerprint, seg_key(seg), json.dumps(params, sort_keys=True), dataset, seg)


@st.cache_resource(max_entries=16, show_spinner="Preparing the platform file…")
def _platform_file(fingerprint: str, key: str, params: str, platform: str, _audience: outputs.Audience):
    return outputs.platform_file(_audience, platform)


def platform_file(dataset: Dataset, seg: Segmentation, platform: str, **params: Any):
    """The platform's file from an audience built for the platform's own reach."""
    params = {**params, "reach": outputs.PLATFORM_REACH[platform]}
    built = audience(dataset, seg, **params)
    return built, _platform_file(
        dataset.fingerprint, seg_key(seg), json.dumps(params, sort_keys=True), platform, built
    )


def profiles_table(profiles: list[SegmentProfile]) -> pd.DataFrame:
    return profiles_frame(profiles)


def traits_table(profile: SegmentProfile) -> pd.DataFrame:
    from dataclasses import asdict

    return pd.DataFrame([asdict(t) for t in profile.traits])


@st.cache_resource(max_entries=16, show_spinner=False)
def _heatmap(fingerprint: str, key: str, _dataset: Dataset, _seg: Segmentation) -> pd.DataFrame:
    return heatmap_frame(_dataset.table, _seg, heatmap_features(_dataset.table))


def heatmap(dataset: Dataset, seg: Segmentation) -> pd.DataFrame:
    return _heatmap(dataset.fingerprint, seg_key(seg), dataset, seg)


def place_points(table, seg: Segmentation, place: str) -> pd.DataFrame:
    points = table.frame[[place]].copy()
    points["segment"] = seg.named.reindex(
        table.frame.index
    ).array  # categorical: charts keep the segment order
    return points.dropna()


def geo_points(dataset: Dataset, seg: Segmentation) -> pd.DataFrame:
    return _geo_points(dataset.fingerprint, seg_key(seg), dataset, seg)


@st.cache_resource(max_entries=8, show_spinner=False)
def _geo_points(fingerprint: str, key: str, _dataset: Dataset, _seg: Segmentation) -> pd.DataFrame:
    """Customers with coordinates, zoomed onto where most of them live (a few far-away ones left out).

    ``attrs["shown"]`` is the share of located customers inside the view.
    """
    table = _dataset.table
    points = table.frame[["latitude", "longitude"]].copy()
    points["segment"] = _seg.named.reindex(
        table.frame.index
    ).array  # categorical: charts keep the segment order
    points = points.dropna()
    lat, lon = points["latitude"], points["longitude"]
    inside = lat.between(*lat.quantile([0.05, 0.95])) & lon.between(*lon.quantile([0.05, 0.95]))
    shown = points[inside]
    shown.attrs["shown"] = len(shown) / max(len(points), 1)
    return shown


def report_html(dataset: Dataset, saved) -> str:
    """The client report: sizes, priorities, heat map and a section per segment."""

    seg = saved.segmentation
    profiles = profiles_for(dataset, seg)
    sizes = segment_sizes(seg, dataset.table.frame.get("monetary"))
    figures = {
        "Segment sizes": sizes_chart(sizes),
        "Where to focus": priority_chart(profiles_frame(profiles)),
        "All segments side by side": heatmap_chart(heatmap(dataset, seg)),
    }
    notes = [
        *dataset.table.notes,
        *dataset.notes,
        f"Method: {saved.recipe.method}; criteria: {', '.join(saved.spec.families)}.",
    ]
    return outputs.report_html(f"Customer segments: {saved.title}", sizes, profiles, figures, notes)


HEATMAP_FEATURES = (
    "recency_days", "frequency", "monetary", "avg_order_value", "tenure_days", "return_rate", "n_categories",
    "age", "income", "loyalty_points", "rating", "nps", "churn_probability",
)  # fmt: skip


def heatmap_features(table) -> list[str]:
    """The main facts for the side-by-side heat map (a dozen columns stay readable), plus channel shares."""
    main = [c for c in HEATMAP_FEATURES if c in table.frame]
    channels = [c for c in table.frame.columns if c.startswith("share_ch_") and not c.endswith("_other")]
    custom = [f.name for f in table.catalog if f.family == "custom" and f.kind == "numeric"]
    return (main + channels[:4] + custom)[:18]
