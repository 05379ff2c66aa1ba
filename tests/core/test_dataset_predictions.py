"""Predicted value, risk and next products in the customer table, as load_dataset builds them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation.dataset import Dataset, SourceFile, as_of, horizons, load_dataset, with_horizon
from segmentation.errors import DataError
from segmentation.features import PREDICTED_FEATURES, history_span
from segmentation.outputs import build_audience
from segmentation.segments import Segmentation

START = pd.Timestamp("2023-01-01")
CUT = START + pd.Timedelta(days=400)
PRODUCTS = [f"Product {k}" for k in range(12)]
PREDICTED = [f.name for f in PREDICTED_FEATURES] + ["next_product_1", "next_product_2", "next_product_3"]


def shop(n: int = 400, seed: int = 0, days: float = 540.0) -> pd.DataFrame:
    """Seeded orders with one product each: customers buy at their own rate until they drop out."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(n):
        first, rate, life = rng.uniform(0, days * 0.7), rng.gamma(1.5, 1 / 30), rng.exponential(300)
        taste = rng.integers(0, 3) * 4  # three baskets of four products
        t, k = first, 0
        while t < min(days, first + life):
            product = PRODUCTS[taste + int(rng.integers(0, 4))]
            rows.append(
                (f"c{c:04d}", f"o{c:04d}-{k}", START + pd.Timedelta(days=t), rng.gamma(3, 15), product)
            )
            t += rng.exponential(1 / rate)
            k += 1
    return pd.DataFrame(rows, columns=["Customer ID", "Order ID", "Order Date", "Amount", "Product"])


def source(frame: pd.DataFrame) -> SourceFile:
    text = frame.assign(**{"Order Date": frame["Order Date"].dt.strftime("%Y-%m-%d %H:%M:%S")})
    return SourceFile("orders.csv", text.to_csv(index=False).encode())


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return shop()


@pytest.fixture(scope="module")
def dataset(orders: pd.DataFrame) -> Dataset:
    return load_dataset([source(orders)], horizon_days=120)


def test_the_table_carries_value_risk_and_offers_with_their_meaning(dataset: Dataset) -> None:
    frame = dataset.table.frame
    assert dataset.horizon_days == 120
    assert set(PREDICTED) <= set(frame.columns)
    assert frame["churn_probability"].between(0, 1).all()
    assert (frame["spend_low"] <= frame["spend_high"]).all()
    assert frame["next_product_1"].isin(PRODUCTS).all()
    assert dataset.table.feature("predicted_spend").family == "predictive"
    assert dataset.table.feature("next_product_1").label == "Next product to offer (1)"
    assert "120 days ahead" in dataset.notes[0]


def test_customers_with_one_order_are_flagged(orders: pd.DataFrame, dataset: Dataset) -> None:
    counts = orders.groupby("Customer ID").size()
    notes = dataset.table.frame["prediction_note"]
    assert notes[counts[counts == 1].index].str.startswith("One order").all()
    assert not notes[counts[counts > 3].index].str.startswith("One order").any()


def test_the_default_horizon_is_a_third_of_the_history(orders: pd.DataFrame) -> None:
    ds = load_dataset([source(orders)])
    span = (orders["Order Date"].max() - orders["Order Date"].min()).days
    assert ds.horizon_days == span // 3


def test_a_planted_future_purchase_changes_nothing_before_the_cut(orders: pd.DataFrame) -> None:
    future = pd.DataFrame(
        [("c0000", "future-1", CUT + pd.Timedelta(days=2), 9_999.0, "Product 11"),
         ("newcomer", "future-2", CUT + pd.Timedelta(days=3), 50.0, "Product 0")],
        columns=orders.columns,
    )  # fmt: skip
    base = as_of(load_dataset([source(orders)], horizon_days=120), CUT).table.frame
    planted = as_of(load_dataset([source(pd.concat([orders, future]))], horizon_days=120), CUT).table.frame
    pd.testing.assert_frame_equal(base[PREDICTED], planted[PREDICTED].reindex(base.index))
    assert "newcomer" not in planted.index


def test_same_seed_same_scores(orders: pd.DataFrame, dataset: Dataset) -> None:
    again = load_dataset([source(orders)], horizon_days=120).table.frame
    pd.testing.assert_frame_equal(dataset.table.frame[PREDICTED], again[PREDICTED])


@pytest.mark.parametrize(
    ("frame", "words"),
    [
        (shop(1, seed=1), "Only 1 customers"),
        (shop().assign(**{"Order Date": START}), "covers 0 days"),
        (shop().groupby("Customer ID").head(1), "repeat buyers"),
    ],
    ids=["one customer", "all orders on one day", "one order each"],
)
def test_thin_histories_load_with_a_plain_note(frame: pd.DataFrame, words: str) -> None:
    ds = load_dataset([source(frame)])
    note = next(n for n in ds.notes if n.startswith("Predicted value left out"))
    assert words in note
    assert "predicted_spend" not in ds.table.frame
    assert ds.horizon_days is None
    assert len(ds.table.frame) == frame["Customer ID"].nunique()


def test_campaign_lists_pick_up_the_next_products(dataset: Dataset) -> None:
    seg = Segmentation.from_codes(
        np.zeros(len(dataset.table.frame)), dataset.table.frame.index, ["All"], "one", {}
    )
    offers = ["next_product_1", "next_product_2", "next_product_3"]
    send = build_audience(dataset.table, seg, columns=offers).send()
    expected = dataset.table.frame.loc[send["customer_id"], offers].reset_index(drop=True)
    pd.testing.assert_frame_equal(send[offers], expected, check_names=False)


def test_another_horizon_recomputes_only_the_predictions(dataset: Dataset) -> None:
    longer = with_horizon(dataset, 240)
    before, after = dataset.table.frame, longer.table.frame
    assert longer.horizon_days == 240 and longer.fingerprint != dataset.fingerprint
    assert after.index.equals(before.index)
    predicted = [f.name for f in PREDICTED_FEATURES]
    pd.testing.assert_frame_equal(after.drop(columns=predicted), before.drop(columns=predicted))
    # twice the time, more orders (the model is chosen again, so not exactly twice as many)
    active = before["expected_purchases"] > 0.05
    assert (after.loc[active, "expected_purchases"] > before.loc[active, "expected_purchases"]).all()
    assert 1.3 < after["expected_purchases"].sum() / before["expected_purchases"].sum() <= 2.0
    assert any(n.startswith("Predicted value and risk look 240 days ahead") for n in longer.notes)
    assert sum(n.startswith("Predicted value") for n in longer.notes) == 1
    assert with_horizon(longer, 120).fingerprint == f"{dataset.fingerprint}~120d"  # one mark, not two


def test_the_horizons_offered_fit_the_history_twice(dataset: Dataset) -> None:
    offered = horizons(dataset)  # about 540 days of orders: a horizon of at most half of them
    start, end = history_span(dataset.con, dataset.transactions)
    assert 120 in offered and 180 in offered and max(offered) == (end - start).days // 2 > 250
    with pytest.raises(DataError, match="400 days ahead"):
        with_horizon(dataset, 400)
