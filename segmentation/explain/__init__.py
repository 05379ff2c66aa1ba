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
from segmentation.explain.movement import LOST, NEW, Movement, membership_history, movement
from segmentation.explain.profiling import (
    SegmentProfile,
    generated_names,
    heatmap_frame,
    profile_segments,
    profiles_frame,
    segment_traits,
)

__all__ = [
    "LOST",
    "NEW",
    "MapLayout",
    "Movement",
    "SegmentProfile",
    "generated_names",
    "heatmap_frame",
    "membership_history",
    "movement",
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
