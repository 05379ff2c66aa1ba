"""An order history without prices (quantities only) is read for what it has: every order counted,
spend unknown rather than 0, and predictions of orders without spend."""

from __future__ import annotations

import pandas as pd
import pytest

from segmentation.dataset import Dataset, SourceFile, load_dataset
from segmentation.segmenters.rules import available_rule_sets
from tests.conftest import SHARED_DATA

FILES = SHARED_DATA / "corpus" / "files"
NO_PRICES = "The order history has no prices or amounts, so spend is unknown"


@pytest.fixture(scope="module")
def adventure_works() -> Dataset:
    """The corpus' real customers + 2016 order lines pair (no price column, by the manifest)."""
    names = ("11_AdventureWorks_Customers.csv", "12_AdventureWorks_Sales_2016.csv")
    return load_dataset([SourceFile(n, FILES / n) for n in names])


def test_every_order_is_counted_and_spend_is_unknown_not_zero(adventure_works: Dataset) -> None:
    frame = adventure_works.table.frame
    # the manifest's truth: 10,695 orders of 9,133 customers, among 18,148 customers on the list
    assert len(frame) == 18_148
    assert (frame["frequency"] > 0).sum() == 9_133
    assert frame["frequency"].sum() == 10_695
    assert "monetary" not in frame
    assert any(n.startswith(NO_PRICES) for n in adventure_works.table.notes)


def test_predictions_give_orders_and_risk_but_no_spend(adventure_works: Dataset) -> None:
    frame = adventure_works.table.frame
    assert frame["expected_purchases"].notna().sum() == 9_133
    assert frame["churn_probability"].between(0, 1).sum() == 9_133
    assert not {"predicted_spend", "spend_low", "spend_high"} & set(frame.columns)
    assert "so spend is not predicted" in " ".join(adventure_works.notes)


def test_only_rule_sets_that_need_no_spend_are_offered(adventure_works: Dataset) -> None:
    assert available_rule_sets(adventure_works.table) == ["lifecycle"]


def test_lines_without_an_amount_are_purchases_not_unknown_returns(tmp_path) -> None:
    lines = pd.DataFrame(
        {
            "Customer": ["a", "a", "b", "b"],
            "Order": ["1", "2", "3", "4"],
            "Date": ["2024-01-05", "2024-03-01", "2024-02-10", "2024-02-11"],
            "Quantity": [2, 1, 3, -1],
        }
    )
    path = tmp_path / "orders.csv"
    lines.to_csv(path, index=False)
    frame = load_dataset([SourceFile("orders.csv", path)], predictions=False).table.frame
    assert frame["frequency"].to_dict() == {"a": 2.0, "b": 1.0}  # order 4 is a return (negative quantity)
    assert "monetary" not in frame


def test_profiles_count_the_segments_worth_in_orders(adventure_works: Dataset) -> None:
    from segmentation.explain import profile_segments, profiles_frame
    from segmentation.segmenters.rules import lifecycle_stages

    table = adventure_works.table
    profiles = profile_segments(table, lifecycle_stages(table))
    assert {p.measure for p in profiles} == {"orders"}
    assert sum(p.value for p in profiles) == table.frame["frequency"].sum()
    assert sum(p.value_share for p in profiles) == pytest.approx(1)
    assert all(pd.isna(p.revenue) and pd.isna(p.revenue_share) for p in profiles)  # unknown, not 0
    active = next(p for p in profiles if p.name == "Active")
    assert f"who place {active.value_share:.0%} of orders." in active.description
    assert "of orders" in active.priority_why
    assert profiles_frame(profiles)["measure"].eq("orders").all()
