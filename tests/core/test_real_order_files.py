"""Real order histories of the corpus read for what they have: orders without prices counted with
spend unknown (not 0), order ids that only look like cancellations kept as orders, and the person
behind several customer ids (Olist) as one customer."""

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


def test_only_c_and_digits_mark_a_cancelled_order(tmp_path) -> None:
    """Shop exports mark cancellations as C536379; Olist's hex ids (c4a3f1...) are plain orders."""
    lines = pd.DataFrame(
        {
            "Customer": ["a", "a", "b"],
            "Order": ["536379", "C536379", "c4a3f18b2e0d9b7a6c5e4d3c2b1a0f9e"],
            "Date": ["2024-01-05", "2024-01-06", "2024-02-10"],
            "Quantity": [2, 2, 1],
        }
    )
    path = tmp_path / "orders.csv"
    lines.to_csv(path, index=False)
    ds = load_dataset([SourceFile("orders.csv", path)], predictions=False)
    returns = ds.con.execute(f"SELECT order_id FROM {ds.transactions} WHERE is_return").fetchall()
    assert returns == [("C536379",)]
    assert ds.table.frame["frequency"].to_dict() == {"a": 1.0, "b": 1.0}


def test_olist_orders_count_per_person_without_cancelled_ones_and_none_is_a_return() -> None:
    names = ("13_olist_orders_2017_subset.csv", "14_olist_customers_2017_subset.csv")
    ds = load_dataset([SourceFile(n, FILES / n) for n in names], predictions=False)
    frame = ds.table.frame
    # the truth from the raw files: orders of each person (customer_unique_id), cancelled ones left out
    orders, people = (pd.read_csv(FILES / n, dtype=str) for n in names)
    bought = orders[~orders["order_status"].isin(["canceled", "unavailable"])]
    per_person = bought.merge(people, on="customer_id")["customer_unique_id"].value_counts()
    assert len(frame) == people["customer_unique_id"].nunique() == 9_920
    assert frame["frequency"].sum() == per_person.sum() == 10_000 - 155
    pd.testing.assert_series_equal(
        frame["frequency"][frame["frequency"] > 0].sort_index(),
        per_person.astype(float).sort_index(),
        check_names=False,
    )
    assert ds.con.execute(f"SELECT count(*) FROM {ds.transactions} WHERE is_return").fetchall() == [(0,)]
    order_file = next(f for f in ds.files if f.kind == "transactions")
    assert order_file.ledger.set_aside == {"cancelled_order": 155}  # 57 canceled, 98 unavailable
    customers = next(f for f in ds.files if f.kind == "customers")
    assert customers.mapping.roles["customer_unique_id"] == "person_id"
    assert customers.ledger.kept == 10_000  # rows are merged, never dropped
    assert any("10,000 rows are 9,920 customers" in n for n in customers.notes)


def test_ids_of_one_person_merge_and_an_id_without_a_person_stays_itself(tmp_path) -> None:
    customers = pd.DataFrame(
        {"customer_id": ["o1", "o2", "o3", "o4"], "customer_unique_id": ["p1", "p1", "p2", ""],
         "city": ["Lyon", "Paris", "Nice", "Metz"]}
    )  # fmt: skip
    orders = pd.DataFrame(
        {"order_id": ["1", "2", "3", "4", "5"], "customer_id": ["o1", "o2", "o3", "o4", "o9"],
         "order_date": ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01"],
         "amount": [10.0, 20.0, 30.0, 40.0, 50.0]}
    )  # fmt: skip
    customers.to_csv(tmp_path / "customers.csv", index=False)
    orders.to_csv(tmp_path / "orders.csv", index=False)
    sources = [SourceFile(n, tmp_path / n) for n in ("orders.csv", "customers.csv")]
    frame = load_dataset(sources, predictions=False).table.frame
    assert frame["frequency"].to_dict() == {"o4": 1.0, "o9": 1.0, "p1": 2.0, "p2": 1.0}
    assert frame.loc["p1", "monetary"] == 30.0
    assert frame.loc["p1", "city"] == "Lyon"  # the person's first row


def test_cancelled_statuses_are_set_aside_in_the_ledger(tmp_path) -> None:
    lines = pd.DataFrame(
        {
            "订单编号": ["1", "2", "3", "4"],
            "会员号": ["a", "a", "b", "b"],
            "下单时间": ["2024-01-05", "2024-02-01", "2024-02-10", "2024-03-01"],
            "订单金额": [10.0, 20.0, 30.0, 40.0],
            "订单状态": ["交易成功", "交易关闭", "Voided", " CANCELLED "],
        }
    )
    path = tmp_path / "orders.csv"
    lines.to_csv(path, index=False)
    ds = load_dataset([SourceFile("orders.csv", path)], predictions=False)
    (report,) = ds.files
    assert report.mapping.roles["订单状态"] == "order_status"
    assert report.ledger.kept == 1 and report.ledger.set_aside == {"cancelled_order": 3}
    assert ds.table.frame["frequency"].to_dict() == {"a": 1.0}


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("11_AdventureWorks_Customers.csv", "a customer list has no order dates"),
        ("05_rees46_2019-Oct-sample.csv", "an event log's views and carts are not orders"),
    ],
)
def test_without_orders_the_message_names_what_was_loaded(name: str, says: str) -> None:
    from segmentation.dataset import as_of, with_horizon
    from segmentation.errors import DataError

    ds = load_dataset([SourceFile(name, FILES / name)])
    for attempt in (lambda: with_horizon(ds, 30), lambda: as_of(ds, "2019-10-01")):
        with pytest.raises(DataError, match=says):
            attempt()
