"""Explain: what each segment is (profiles, names, descriptions, the playbook) and where it sits (the map)."""

from __future__ import annotations

from segmentation.explain.embedding import (
    MapLayout,
    plot_sample,
    quick_layout,
    stratified_sample,
    trustworthiness,
    umap_layout,
    warm_up,
)
from segmentation.explain.profiling import (
    SegmentProfile,
    generated_names,
    heatmap_frame,
    profile_segments,
    profiles_frame,
    segment_traits,
)

__all__ = [
    "MapLayout",
    "SegmentProfile",
    "generated_names",
    "heatmap_frame",
    "plot_sample",
    "profile_segments",
    "profiles_frame",
    "quick_layout",
    "segment_traits",
    "stratified_sample",
    "trustworthiness",
    "umap_layout",
    "warm_up",
]
