"""Predicted columns of the customer table: value and risk over a horizon (``value.predict_value``)
and the next products (``next_product.NextProduct``), with the catalog entries saying what each means.

Customers with no purchase before the cut (a customer list's prospects) get blanks: there is
nothing to go on.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from segmentation.catalog import CustomerTable, Feature
from segmentation.features.history import history_span
from segmentation.features.next_product import NextProduct, item_column, purchases_by_item
from segmentation.features.value import ValuePrediction

#: Longest default horizon: beyond a year the models extrapolate more than the data says.
MAX_DEFAULT_HORIZON = 365

_SPEND_NOTE = (
    "Within the forecast horizon; 8 in 10 customers like this one spend between the low and high figures."
)
_SPEND_COLUMNS = ("predicted_spend", "spend_low", "spend_high")
#: Catalog entries of the value and risk columns, in the order the app shows them.
PREDICTED_FEATURES: tuple[Feature, ...] = (
    Feature("expected_purchases", "predictive", "Expected orders", unit="orders",
            description="Orders the customer is expected to place within the forecast horizon."),
    Feature("predicted_spend", "predictive", "Predicted spend", unit="currency", skewed=True,
            description="Spend expected within the forecast horizon (customer value for the horizon)."),
    Feature("spend_low", "predictive", "Predicted spend, low", unit="currency", skewed=True,
            description=_SPEND_NOTE),
    Feature("spend_high", "predictive", "Predicted spend, high", unit="currency", skewed=True,
            description=_SPEND_NOTE),
    Feature("churn_probability", "predictive", "Chance of leaving", unit="share",
            description="Estimated chance that the customer places no order within the forecast horizon."),
    Feature("next_order_date", "predictive", "Expected next order", kind="date",
            description="Date of the next order at the customer's predicted rate; blank when not expected "
                        "within two horizons."),
    Feature("prediction_note", "predictive", "Prediction note", kind="text",
            description="How much the customer's own history says (one order only, new customer)."),
)  # fmt: skip


def default_horizon(con: duckdb.DuckDBPyConnection, transactions: str) -> int:
    """A third of the order history in days (at least one, at most :data:`MAX_DEFAULT_HORIZON`)."""
    start, end = history_span(con, transactions)
    return int(min(max((end - start).days // 3, 1), MAX_DEFAULT_HORIZON))


def next_products(
    con: duckdb.DuckDBPyConnection,
    transactions: str,
    *,
    cutoff: pd.Timestamp | None = None,
    n: int = 3,
    names: pd.Series | None = None,
) -> tuple[pd.DataFrame, str] | None:
    """``next_product_1..n`` per customer from the orders before ``cutoff`` and the item they name
    (``product`` or ``category``), by name when ``names`` are given; None when orders name neither."""
    item = item_column(con, transactions)
    if item is None:
        return None
    bought = purchases_by_item(con, transactions, item, end=cutoff)
    if bought.empty:
        return None
    return named_products(NextProduct(n=n).fit(bought).recommend(bought), names), item


def named_products(picks: pd.DataFrame, names: pd.Series | None) -> pd.DataFrame:
    """``picks`` with each product code replaced by its name (``names``: code -> name, as the intake
    reads them); codes without a name stay. The one place codes become names: the suggestions,
    their backtest and the recipe stay on codes, which are unique and do not change."""
    if names is None:
        return picks
    return picks.apply(lambda codes: codes.map(names).fillna(codes))


def _offer_features(item: str, n: int) -> tuple[Feature, ...]:
    noun = "product" if item == "product" else "category"
    return tuple(
        Feature(f"next_product_{k}", "product_usage", f"Next {noun} to offer ({k})", kind="text",
                description=f"{noun.capitalize()} this customer is {'most' if k == 1 else 'next most'} "
                            "likely to buy next, from what customers with a similar basket bought.")
        for k in range(1, n + 1)
    )  # fmt: skip


def with_predictions(
    table: CustomerTable,
    prediction: ValuePrediction | None,
    offers: tuple[pd.DataFrame, str] | None = None,
) -> CustomerTable:
    """A copy of ``table`` with the predicted columns (replacing earlier ones) and their catalog entries."""
    added: list[Feature] = []
    parts: list[pd.DataFrame] = []
    if prediction is not None:
        spend_unknown = prediction.scores["predicted_spend"].isna().all()  # orders without prices
        added += [f for f in PREDICTED_FEATURES if not (spend_unknown and f.name in _SPEND_COLUMNS)]
        parts.append(prediction.scores[[f.name for f in added]])
    if offers is not None:
        picks, item = offers
        added += _offer_features(item, picks.shape[1])
        parts.append(picks)
    names = {f.name for f in added}
    frame = table.frame.drop(columns=[c for c in table.frame.columns if c in names])
    for part in parts:
        frame = frame.join(part.reindex(frame.index))
    catalog = tuple(f for f in table.catalog if f.name not in names) + tuple(added)
    return CustomerTable(frame, catalog, table.reference_date, table.notes)
