"""Explain: what each segment is (profiles, names, descriptions, the playbook) and where it sits (the map)."""

from __future__ import annotations

from segmentation.explain.changes import RefitChanges, refit_changes
from segmentation.explain.embedding import (
    MapLayout,
    plot_sample,
    quick_layout,
    stratified_sample,
    trustworthiness,
    umap_layout,
    warm_up,
)
from segmentation.explain.habits import WEEKDAYS, BestTime, best_offers, best_times
from segmentation.explain.map_points import (
    MAX_POINTS,
    PLACE_COLUMNS,
    TOOLTIP_FACTS,
    GeoPoints,
    MapPoints,
    geo_points,
    has_coordinates,
    map_points,
    place_column,
    place_points,
)
from segmentation.explain.movement import LOST, NEW, Movement, membership_history, movement
from segmentation.explain.profiling import (
    HEATMAP_FEATURES,
    SegmentProfile,
    generated_names,
    heatmap_features,
    heatmap_frame,
    profile_segments,
    profiles_frame,
    traits_frame,
)
from segmentation.explain.traits import segment_traits

__all__ = [
    "HEATMAP_FEATURES",
    "LOST",
    "MAX_POINTS",
    "NEW",
    "PLACE_COLUMNS",
    "TOOLTIP_FACTS",
    "WEEKDAYS",
    "BestTime",
    "GeoPoints",
    "MapLayout",
    "MapPoints",
    "Movement",
    "RefitChanges",
    "SegmentProfile",
    "best_offers",
    "best_times",
    "generated_names",
    "geo_points",
    "has_coordinates",
    "heatmap_features",
    "heatmap_frame",
    "map_points",
    "membership_history",
    "movement",
    "place_column",
    "place_points",
    "plot_sample",
    "profile_segments",
    "profiles_frame",
    "quick_layout",
    "refit_changes",
    "segment_traits",
    "stratified_sample",
    "traits_frame",
    "trustworthiness",
    "umap_layout",
    "warm_up",
]
