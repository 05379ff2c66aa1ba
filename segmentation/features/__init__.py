"""Features: the customer table (one row per customer) built from the canonical tables, its feature
catalog, order features and predicted scores."""

from __future__ import annotations

from segmentation.features.customer_table import build_customer_table
from segmentation.features.order_features import slug
from segmentation.features.predictive import (
    PredictionResult,
    churn_and_propensity,
    predict_churn,
    with_predictions,
)

__all__ = [
    "PredictionResult",
    "build_customer_table",
    "churn_and_propensity",
    "predict_churn",
    "slug",
    "with_predictions",
]
