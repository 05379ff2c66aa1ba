"""Segmenters: from chosen criteria to segments, by rules (RFM, lifecycle, tiers, browsing, custom rules)
or by clustering (with the scan that recommends the number of segments).

``browsing_rules`` is imported here so that its rule sets join ``RULE_SETS`` whatever is imported.
"""

from __future__ import annotations

from segmentation.segmenters.browsing_rules import (
    BROWSING_RULE_SETS,
    CART_NAMES,
    ENGAGEMENT_NAMES,
    NO_VISITS,
    WINDOW_NAMES,
    cart_abandoners,
    engaged_browsers,
    window_shoppers,
)
from segmentation.segmenters.clustering import (
    METHOD_LABELS,
    METHODS,
    UNCLUSTERED,
    SegmentClusterer,
    cluster_segmentation,
)
from segmentation.segmenters.criteria import (
    DEFAULT_FAMILIES,
    CriteriaSpec,
    available_criteria,
    default_criteria,
    needs_log,
    usable_features,
)
from segmentation.segmenters.criteria_encoder import CriteriaEncoder, MixedEncoder
from segmentation.segmenters.custom_rules import Condition, Rule, custom_segments, rule_sizes
from segmentation.segmenters.frozen import FrozenModel, freeze
from segmentation.segmenters.kprototypes import KPrototypes
from segmentation.segmenters.kscan import PREFERRED_K, KScan, recommend, scan_k, silhouettes, stability_word
from segmentation.segmenters.rfm import (
    NO_ORDERS,
    RFM6_NAMES,
    RFM11_NAMES,
    describe_edges,
    fit_rfm_edges,
    rfm_scores,
    rfm_segments,
    tie_aware_edges,
)
from segmentation.segmenters.rules import (
    AGE_EDGES,
    LIFECYCLE_NAMES,
    LOYALTY_NAMES,
    RULE_SETS,
    available_rule_sets,
    bands,
    lifecycle_stages,
    loyalty_tiers,
    nps_classes,
    satisfaction_bands,
    value_tiers,
)
from segmentation.segmenters.value_rules import (
    CLV_TIER_NAMES,
    GRID_NAMES,
    VALUE_RULE_SETS,
    clv_tiers,
    value_risk_grid,
    value_summary,
)

RULE_SETS.update(VALUE_RULE_SETS)  # the predicted-value rule sets, after the classic ones

__all__ = [
    "AGE_EDGES",
    "BROWSING_RULE_SETS",
    "CART_NAMES",
    "CLV_TIER_NAMES",
    "DEFAULT_FAMILIES",
    "ENGAGEMENT_NAMES",
    "GRID_NAMES",
    "LIFECYCLE_NAMES",
    "LOYALTY_NAMES",
    "METHODS",
    "METHOD_LABELS",
    "NO_ORDERS",
    "NO_VISITS",
    "PREFERRED_K",
    "RFM6_NAMES",
    "RFM11_NAMES",
    "RULE_SETS",
    "UNCLUSTERED",
    "WINDOW_NAMES",
    "Condition",
    "CriteriaEncoder",
    "CriteriaSpec",
    "FrozenModel",
    "KPrototypes",
    "KScan",
    "MixedEncoder",
    "Rule",
    "SegmentClusterer",
    "available_criteria",
    "available_rule_sets",
    "bands",
    "cart_abandoners",
    "cluster_segmentation",
    "clv_tiers",
    "custom_segments",
    "default_criteria",
    "describe_edges",
    "engaged_browsers",
    "fit_rfm_edges",
    "freeze",
    "lifecycle_stages",
    "loyalty_tiers",
    "needs_log",
    "nps_classes",
    "recommend",
    "rfm_scores",
    "rfm_segments",
    "rule_sizes",
    "satisfaction_bands",
    "scan_k",
    "silhouettes",
    "stability_word",
    "tie_aware_edges",
    "usable_features",
    "value_risk_grid",
    "value_summary",
    "value_tiers",
    "window_shoppers",
]
