"""Customer feature table: known answers on small hand-made tables, and the real Online Retail file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from segmentation.catalog import CONTACT, FAMILIES, Feature
from segmentation.features import build_customer_table
from segmentation.intake import load

COLUMNS = (
    "customer_id, order_id, ts, amount, quantity, unit_price, is_return, category, channel, country, city"
)
LINES = [
    # customer a: order o1 has two lines (counts once), o2 four days later, then a return
    ("a", "o1", "2024-01-01 10:00", 10.0, 1.0, 10.0, False, "Toys", "web", "UK", "London"),
    ("a", "o1", "2024-01-01 10:00", 20.0, 2.0, 10.0, False, "Books", "web", "UK", "London"),
    ("a", "o2", "2024-01-05 12:00", 30.0, 1.0, 30.0, False, "Books", "app", "UK", "Leeds"),
    ("a", "r1", "2024-01-06 12:00", -10.0, -1.0, 10.0, True, "Toys", "web", "UK", "London"),
    # customer b: one order, no category
    ("b", "o3", "2024-01-09 09:00", 5.0, 1.0, 5.0, False, None, "store", "FR", "Paris"),
    # customer c: only a return
    ("c", "r2", "2024-01-03 09:00", -5.0, -1.0, 5.0, True, "Toys", "store", "FR", "Paris"),
    # customer e: three orders, gaps of 2 and 6 days
    ("e", "o4", "2024-01-01 08:00", 4.0, 1.0, 4.0, False, "Garden & Home", "web", "UK", "York"),
    ("e", "o5", "2024-01-03 08:00", 4.0, 1.0, 4.0, False, "Garden & Home", "web", "UK", "York"),
    ("e", "o6", "2024-01-09 08:00", 4.0, 1.0, 4.0, False, "Toys", "web", "UK", "York"),
]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE tx (customer_id VARCHAR NOT NULL, order_id VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
        "amount DOUBLE NOT NULL, quantity DOUBLE, unit_price DOUBLE, is_return BOOLEAN NOT NULL, "
        "category VARCHAR, channel VARCHAR, country VARCHAR, city VARCHAR)"
    )
    con.executemany(f"INSERT INTO tx ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", LINES)
    return con


@pytest.fixture
def customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["a", "e", "p"],
            "birth_date": pd.to_datetime(["1990-01-10", "1980-06-30", "2000-01-09"]),
            "signup_date": pd.to_datetime(["2023-12-01", "2023-12-31", "2024-01-08"]),
            "gender": ["F", "M", None],
            "loyalty_member": pd.array([True, False, None], dtype="boolean"),
            "email": ["a@x.org", "e@x.org", "p@x.org"],
            "interests": ["running|cooking", None, "books"],
            "country": ["Ireland", None, "Spain"],
        }
    )


def test_behaviour_and_value_known_answers(con: duckdb.DuckDBPyConnection) -> None:
    table = build_customer_table(con, "tx", None)
    f = table.frame
    assert table.reference_date == pd.Timestamp("2024-01-10")  # the day after the last order
    assert list(f.index) == ["a", "b", "c", "e"] and f.index.name == "customer_id"
    assert f.loc["a", "frequency"] == 2  # two lines of o1 count as one order; the return is no order
    assert f.loc["a", "recency_days"] == 5 and f.loc["b", "recency_days"] == 1
    assert f.loc["a", "tenure_days"] == 9 and f.loc["a", "first_order_days_ago"] == 9
    assert f.loc["a", "monetary"] == 50  # 10 + 20 + 30 - 10
    assert f.loc["a", "avg_order_value"] == 25
    assert f.loc["a", "return_rate"] == 0.25 and f.loc["b", "return_rate"] == 0
    assert f.loc["a", "units"] == 3
    assert f.loc["e", "max_gap_days"] == 6 and f.loc["e", "mean_days_between_orders"] == 4
    assert f.loc["a", "preferred_weekday"] == "Monday"  # Monday and Friday tie: earliest day wins
    assert f.loc["b", "preferred_weekday"] == "Tuesday" and f.loc["b", "preferred_hour"] == 9
    # one-order customers have no interval between orders
    assert np.isnan(f.loc["b", "max_gap_days"]) and np.isnan(f.loc["b", "mean_days_between_orders"])
    # a customer with only a return: counted, 0 orders, negative spend, no recency
    assert (
        f.loc["c", "frequency"] == 0 and f.loc["c", "monetary"] == -5 and np.isnan(f.loc["c", "recency_days"])
    )
    assert f["monetary"].sum() == pytest.approx(con.execute("SELECT sum(amount) FROM tx").fetchone()[0])


def test_category_and_channel_mix(con: duckdb.DuckDBPyConnection) -> None:
    f = build_customer_table(con, "tx", None, max_categories=2).frame
    cat = [c for c in f.columns if c.startswith("share_cat_")]
    ch = [c for c in f.columns if c.startswith("share_ch_")]
    # Books (50) and Garden & Home (8) lead on net revenue; Toys (-1 after returns) and blanks are pooled
    assert cat == ["share_cat_books", "share_cat_garden_home", "share_cat_other"]
    assert f.loc["a", "share_cat_books"] == pytest.approx(50 / 60)
    assert f.loc["b", "share_cat_other"] == 1  # blank category counts as other
    buyers = f["frequency"] > 0
    np.testing.assert_allclose(f.loc[buyers, cat].sum(axis=1), 1.0)
    np.testing.assert_allclose(f.loc[buyers, ch].sum(axis=1), 1.0)
    assert f.loc["a", "favourite_category"] == "Books" and f.loc["e", "favourite_category"] == "Garden & Home"
    assert f.loc["a", "n_categories"] == 2 and f.loc["b", "n_categories"] == 0
    assert f.loc["a", "preferred_channel"] == "app"  # web 30 and app 30 tie: alphabetical
    assert f.loc["e", "country"] == "UK" and f.loc["a", "city"] == "London"  # most frequent over orders
    assert isinstance(f["favourite_category"].dtype, pd.CategoricalDtype)


def test_join_with_customers_prospects_and_coverage(
    con: duckdb.DuckDBPyConnection, customers: pd.DataFrame
) -> None:
    table = build_customer_table(con, "tx", customers)
    f = table.frame
    assert set(f.index) == {"a", "b", "c", "e", "p"}  # outer join
    assert (
        f.loc["p", "frequency"] == 0 and f.loc["p", "monetary"] == 0 and np.isnan(f.loc["p", "recency_days"])
    )
    assert pd.isna(f.loc["b", "gender"]) and pd.isna(f.loc["b", "email"])  # buyer without attributes
    assert f.loc["a", "age"] == 34  # 34th birthday on the reference date 2024-01-10
    assert f.loc["p", "age"] == 24 and f.loc["e", "age"] == 43  # e turns 44 only in June
    assert f.loc["a", "days_since_signup"] == 40
    # the customer file wins on country, orders fill its blanks
    assert (
        f.loc["a", "country"] == "Ireland"
        and f.loc["e", "country"] == "UK"
        and f.loc["p", "country"] == "Spain"
    )
    assert f["loyalty_member"].dtype == "boolean" and f.loc["a", "loyalty_member"]
    assert f.loc["a", "interests"] == "running|cooking"
    assert any("Prospects" in n and "1 customer" in n for n in table.notes)
    assert any("missing from the customer file" in n and "2 customers" in n for n in table.notes)
    assert table.feature("email").family == CONTACT and table.feature("interests").kind == "tags"


def test_customers_alone_and_explicit_reference_date(customers: pd.DataFrame) -> None:
    ref = pd.Timestamp("2030-01-10")
    table = build_customer_table(
        duckdb.connect(), None, customers.drop(columns="country"), reference_date=ref
    )
    f = table.frame
    assert table.reference_date == ref and list(f.index) == ["a", "e", "p"]
    assert "frequency" not in f and f.loc["a", "age"] == 40
    assert f.loc["p", "days_since_signup"] == (ref - pd.Timestamp("2024-01-08")).days


def test_reference_date_moves_recency(con: duckdb.DuckDBPyConnection) -> None:
    f = build_customer_table(con, "tx", None, reference_date=pd.Timestamp("2024-02-01")).frame
    assert f.loc["a", "recency_days"] == 27 and f.loc["b", "recency_days"] == 23


def test_view_without_time_or_optional_columns(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE VIEW early AS SELECT customer_id, order_id, ts, amount, is_return FROM tx WHERE ts < '2024-01-04'"
    )
    table = build_customer_table(con, "early", None, has_time=False)
    f = table.frame
    assert "preferred_hour" not in f and "favourite_category" not in f and "units" not in f
    assert f.loc["e", "frequency"] == 2 and table.reference_date == pd.Timestamp("2024-01-04")
    assert any("preferred hour left out" in n for n in table.notes)


def test_catalog_covers_every_column_with_valid_families(
    con: duckdb.DuckDBPyConnection, customers: pd.DataFrame
) -> None:
    table = build_customer_table(con, "tx", customers, max_categories=2)
    assert [f.name for f in table.catalog] == list(table.frame.columns)
    for feature in table.catalog:
        assert feature.family in (*FAMILIES, CONTACT)
        assert feature.label and feature.description
        column = table.frame[feature.name]
        if feature.kind == "numeric":
            assert column.dtype == "float64", feature.name
    assert table.feature("monetary").unit == "currency" and table.feature("monetary").skewed
    assert table.feature("frequency").skewed and not table.feature("recency_days").skewed


def test_clear_errors(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="nothing to build"):
        build_customer_table(con, None, None)
    with pytest.raises(ValueError, match="could not be found"):
        build_customer_table(con, "no_such_table", None)
    con.execute("CREATE VIEW bad AS SELECT customer_id, ts FROM tx")
    with pytest.raises(ValueError, match="order_id"):
        build_customer_table(con, "bad", None)


def test_real_online_retail_reconciles(online_retail_path: Path) -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE tx AS SELECT CAST(CustomerID AS VARCHAR) AS customer_id, InvoiceNo AS order_id, "
        "CAST(InvoiceDate AS TIMESTAMP) AS ts, Quantity * UnitPrice AS amount, Quantity::DOUBLE AS quantity, "
        "UnitPrice AS unit_price, starts_with(InvoiceNo, 'C') OR Quantity < 0 AS is_return, Country AS country "
        "FROM read_csv(?, all_varchar = false) WHERE CustomerID IS NOT NULL",
        [str(online_retail_path)],
    )
    table = build_customer_table(con, "tx", None)
    f = table.frame
    assert len(f) == 4372
    assert f["monetary"].sum() == pytest.approx(8_300_065.81, abs=0.01)
    assert table.reference_date == pd.Timestamp("2011-12-10")
    assert (f["recency_days"].dropna() >= 1).all() and (f["return_rate"].between(0, 1)).all()
    assert f["country"].notna().all() and "United Kingdom" in set(f["country"])


def _custom(path: Path) -> tuple[int, dict[str, Feature]]:
    intake = load(path)
    table = build_customer_table(intake.con, None, intake.customers)
    return len(table.frame), {f.label: f for f in table.catalog if f.family == "custom"}


def test_a_files_own_columns_become_custom_features(shared_data: Path) -> None:
    n, custom = _custom(shared_data / "mall_customers.csv")
    assert n == 200 and custom["Spending Score (1-100)"].kind == "numeric"
    n, custom = _custom(shared_data / "wholesale_customers.csv")
    assert n == 440 and len([f for f in custom.values() if f.kind == "numeric"]) == 6
    assert custom["Fresh"].skewed  # spend: non-negative with a long right tail
    n, custom = _custom(shared_data / "telco_churn.csv")
    assert n == 7043 and custom["Contract"].kind == "categorical"
    assert custom["MonthlyCharges"].kind == custom["tenure"].kind == "numeric"
    assert "PhoneService" in custom and custom["PhoneService"].kind == "categorical"


def test_favourite_category_matches_a_plain_reference_with_ties_and_many_categories() -> None:
    # 12 categories (more than the 3 with shares) and whole-unit prices: many spend ties per customer
    rng = np.random.default_rng(7)
    n = 3000
    lines = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in rng.integers(0, 150, n)],
            "order_id": [f"o{i}" for i in rng.integers(0, 900, n)],
            "ts": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
            "amount": rng.integers(1, 4, n).astype(float),
            "is_return": rng.random(n) < 0.1,
            "category": rng.choice([f"Cat {c}" for c in "LKJIHGFEDCBA"], n),
        }
    )
    lines.loc[lines["is_return"], "amount"] *= -1
    con = duckdb.connect()
    con.register("tx", lines)
    f = build_customer_table(con, "tx", None, max_categories=3).frame
    bought = lines[~lines["is_return"]].groupby(["customer_id", "category"])["amount"].sum().reset_index()
    best = bought.sort_values(["customer_id", "amount", "category"], ascending=[True, False, True])
    expected = best.drop_duplicates("customer_id").set_index("customer_id")["category"]
    assert f.loc[expected.index, "favourite_category"].astype(str).to_dict() == expected.to_dict()
    assert (f.loc[expected.index, "n_categories"] == bought.groupby("customer_id").size()).all()


def test_discount_share_matches_a_plain_reference() -> None:
    rng = np.random.default_rng(12)
    n = 2000
    lines = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in rng.integers(0, 120, n)],
            "order_id": [f"o{i}" for i in rng.integers(0, 700, n)],
            "ts": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 200, n), unit="D"),
            "amount": rng.gamma(2, 20, n).round(2),
            "is_return": rng.random(n) < 0.1,
            "channel": rng.choice(["web", "app"], n),
            # blank and 0 both mean no discount
            "discount": np.where(
                rng.random(n) < 0.3, rng.gamma(1, 5, n), np.where(rng.random(n) < 0.5, 0, np.nan)
            ),
        }
    )
    lines.loc[lines["is_return"], "amount"] *= -1
    lines.loc[lines.index[:3], ["customer_id", "discount", "is_return"]] = ["only_full_price", 0.0, False]
    con = duckdb.connect()
    con.register("tx", lines)
    table = build_customer_table(con, "tx", None)
    bought = lines[~lines["is_return"]].assign(s=lambda d: d["amount"].clip(lower=0))
    on_discount = bought["s"].where(bought["discount"] > 0, 0.0)
    expected = on_discount.groupby(bought["customer_id"]).sum() / bought.groupby("customer_id")["s"].sum()
    f = table.frame
    np.testing.assert_allclose(f.loc[expected.index, "discount_share"], expected, rtol=1e-9)
    assert f.loc["only_full_price", "discount_share"] == 0 and 0 < f["discount_share"].mean() < 1
    feature = table.feature("discount_share")
    assert feature.family == "behavioural" and feature.unit == "share"
    con.execute("CREATE VIEW plain AS SELECT * EXCLUDE (discount) FROM tx")
    assert "discount_share" not in build_customer_table(con, "plain", None).frame
