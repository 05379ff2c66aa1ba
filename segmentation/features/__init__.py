"""Features: the customer table (one row per customer) built from the canonical tables, its feature
catalog, order features and predicted scores."""

from __future__ import annotations

from segmentation.features.backtest import (
    Backtest,
    BacktestMetrics,
    backtest_value,
    baselines,
    capture,
    grade,
    score_predictions,
)
from segmentation.features.bgnbd import BetaGeoGamma, rfm_from_features
from segmentation.features.customer_table import build_customer_table
from segmentation.features.history import (
    HistoryCheck,
    check_history,
    history_features,
    history_outcomes,
    history_span,
)
from segmentation.features.next_product import (
    NextProduct,
    NextProductBacktest,
    backtest_next_product,
    item_column,
    popular_picks,
    purchases_by_item,
)
from segmentation.features.order_features import n_customers, slug
from segmentation.features.predictive import (
    MAX_DEFAULT_HORIZON,
    PREDICTED_FEATURES,
    default_horizon,
    named_products,
    next_products,
    with_predictions,
)
from segmentation.features.textbook import TextbookCLV, textbook_available
from segmentation.features.value import (
    VALUE_COLUMNS,
    ValueModel,
    ValuePrediction,
    fit_value_model,
    predict_value,
)

__all__ = [
    "MAX_DEFAULT_HORIZON",
    "PREDICTED_FEATURES",
    "VALUE_COLUMNS",
    "Backtest",
    "BacktestMetrics",
    "BetaGeoGamma",
    "HistoryCheck",
    "NextProduct",
    "NextProductBacktest",
    "TextbookCLV",
    "ValueModel",
    "ValuePrediction",
    "backtest_next_product",
    "backtest_value",
    "baselines",
    "build_customer_table",
    "capture",
    "check_history",
    "default_horizon",
    "fit_value_model",
    "grade",
    "history_features",
    "history_outcomes",
    "history_span",
    "item_column",
    "n_customers",
    "named_products",
    "next_products",
    "popular_picks",
    "predict_value",
    "purchases_by_item",
    "rfm_from_features",
    "score_predictions",
    "slug",
    "textbook_available",
    "with_predictions",
]
