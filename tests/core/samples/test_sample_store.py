"""The sample shop: deterministic, complete, plausible, and separable into its planted groups."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import RobustScaler

from segmentation.catalog import FAMILIES
from segmentation.samples import (
    CHANNELS,
    END,
    GROUPS,
    PROSPECT,
    START,
    SampleStore,
    generate,
    write,
    write_retail_excerpt,
)

#: Raw columns that feed each criteria family (predictive features are derived from orders).
FAMILY_COLUMNS = {
    "behavioural": ["Order ID", "Order date", "Quantity"],
    "value": ["Quantity", "Unit price"],
    "lifecycle": ["Signup date"],
    "loyalty": ["Loyalty member", "Loyalty points"],
    "product_usage": ["Product", "Category"],
    "channel": ["Channel"],
    "demographic": ["Date of birth", "Gender", "Annual income", "Education", "Occupation", "Marital status"],
    "geographic": ["Country", "Region", "City", "Latitude", "Longitude"],
    "psychographic": ["Interests"],
    "feedback": ["Satisfaction rating", "NPS", "Review"],
    "predictive": ["Order date", "Order ID"],
    "custom": ["Website visits (90 days)", "Newsletter open rate"],
    "contact": ["First name", "Last name", "Email", "Phone", "Postcode", "Marketing consent"],
}


@pytest.fixture(scope="module")
def store() -> SampleStore:
    return generate()


def _behaviour(orders: pd.DataFrame) -> pd.DataFrame:
    """Per-customer recency, frequency, spend, order value, tenure, return rate and channel shares."""
    o = orders.assign(amount=orders["Quantity"] * orders["Unit price"], ret=orders["Quantity"] < 0)
    bought = o[~o["ret"]].groupby("Customer ID")
    every = o.groupby("Customer ID")
    days = pd.Timedelta(days=1)
    frame = pd.DataFrame(
        {
            "recency_days": (END - bought["Order date"].max()) / days,
            "frequency": bought["Order ID"].nunique(),
            "monetary": every["amount"].sum(),
            "tenure_days": (END - bought["Order date"].min()) / days,
            "return_rate": every["ret"].mean(),
        }
    )
    frame["avg_order_value"] = frame["monetary"] / frame["frequency"]
    spend = o[~o["ret"]].pivot_table(
        index="Customer ID", columns="Channel", values="amount", aggfunc="sum", fill_value=0
    )
    return frame.join(spend.div(spend.sum(axis=1), axis=0).add_prefix("share_ch_")).fillna(0)


def test_same_seed_gives_identical_frames() -> None:
    a, b = generate(2_000, seed=3), generate(2_000, seed=3)
    pd.testing.assert_frame_equal(a.customers, b.customers)
    pd.testing.assert_frame_equal(a.orders, b.orders)
    pd.testing.assert_frame_equal(a.truth, b.truth)
    assert not generate(2_000, seed=4).orders.equals(a.orders)


def test_sizes_are_in_range(store: SampleStore) -> None:
    assert len(store.customers) == 20_000
    assert store.customers["Customer ID"].is_unique
    assert 250_000 <= len(store.orders) <= 400_000
    lines_per_order = store.orders.groupby("Order ID").size()
    assert 1.5 <= lines_per_order.mean() <= 4


@pytest.mark.parametrize("family", [*FAMILIES, "contact"])
def test_every_family_has_filled_columns(store: SampleStore, family: str) -> None:
    frames = {
        **dict.fromkeys(store.customers.columns, store.customers),
        **dict.fromkeys(store.orders, store.orders),
    }
    for column in FAMILY_COLUMNS[family]:
        assert column in frames, f"{family}: {column} missing"
        assert frames[column][column].notna().mean() > 0.4, f"{family}: {column} mostly empty"


def test_truth_covers_every_customer_once(store: SampleStore) -> None:
    truth = store.truth
    assert truth["Customer ID"].is_unique
    assert set(truth["Customer ID"]) == set(store.customers["Customer ID"])
    assert set(truth["Group"]) == {*GROUPS, PROSPECT}
    shares = truth["Group"].value_counts(normalize=True)
    assert shares.max() < 0.35 and shares.drop(PROSPECT).min() > 0.05  # unequal, none negligible


def test_orders_reference_existing_customers_and_prospects_have_none(store: SampleStore) -> None:
    buyers = set(store.orders["Customer ID"])
    assert store.orders["Customer ID"].notna().all()
    assert buyers <= set(store.customers["Customer ID"])
    group = store.truth.set_index("Customer ID")["Group"]
    assert set(group[group == PROSPECT].index).isdisjoint(buyers)
    assert set(group[group != PROSPECT].index) == buyers


def test_dates_lie_in_the_period_and_carry_a_time_of_day(store: SampleStore) -> None:
    ts = store.orders["Order date"]
    assert ts.min() >= START and ts.max() <= END
    assert (ts.dt.hour > 0).mean() > 0.9
    assert (store.customers["Signup date"] <= END).all()


def test_returns_are_negative_lines_of_earlier_orders(store: SampleStore) -> None:
    orders = store.orders
    returns = orders[orders["Quantity"] < 0]
    assert 0.03 <= len(returns) / len(orders) <= 0.06
    assert returns["Order ID"].str.startswith("R").all()
    bought = orders[orders["Quantity"] > 0]
    first = bought.groupby("Order ID")[["Customer ID", "Order date"]].first()
    origin = first.reindex(returns["Order ID"].str[1:])
    assert (origin["Customer ID"].to_numpy() == returns["Customer ID"].to_numpy()).all()  # by the buyer
    assert (origin["Order date"].to_numpy() < returns["Order date"].to_numpy()).all()  # after buying


def test_values_are_plausible(store: SampleStore) -> None:
    c, o = store.customers, store.orders
    assert (o["Unit price"] > 0).all() and (o["Quantity"] != 0).all()
    assert set(o["Channel"]) == set(CHANNELS)
    emails = c["Email"][c["Email"].fillna("") != ""]
    assert emails.str.fullmatch(r"[A-Za-z0-9.]+@([a-z]+\.)*example(\.[a-z]+)*").all()
    assert c["Phone"][c["Phone"].fillna("") != ""].str.fullmatch(r"[+(]?[0-9][0-9 ()\-]{7,}").all()
    assert c["Latitude"].between(30, 60).all() and c["Longitude"].between(-120, 15).all()
    assert c["NPS"].dropna().between(0, 10).all() and c["Satisfaction rating"].dropna().between(1, 5).all()
    young = store.truth["Group"].to_numpy() == "Young mobile-first"
    age = (END - c["Date of birth"]).dt.days / 365.25
    assert age[young].dropna().between(18, 28).all()


@pytest.mark.slow
@pytest.mark.parametrize("seed", [7, 11])
def test_planted_groups_are_recovered_by_kmeans(seed: int) -> None:
    store = generate(seed=seed)
    features = _behaviour(store.orders)
    x = features.copy()
    for skewed in ("frequency", "monetary", "avg_order_value"):
        x[skewed] = np.log1p(x[skewed].clip(lower=0))
    truth = store.truth.set_index("Customer ID")["Group"].reindex(features.index)
    labels = KMeans(len(GROUPS), n_init=10, random_state=0).fit_predict(RobustScaler().fit_transform(x))
    assert adjusted_rand_score(truth, labels) >= 0.8


def test_write_gives_loadable_byte_identical_files(tmp_path: Path) -> None:
    first = write(tmp_path / "a", n_customers=1_000, seed=5)
    second = write(tmp_path / "b", n_customers=1_000, seed=5)
    assert set(first) == {"customers", "orders", "truth"}
    for name, path in first.items():
        assert path.read_bytes() == second[name].read_bytes()
    orders = pd.read_csv(first["orders"])
    customers = pd.read_csv(first["customers"])
    assert len(customers) == 1_000 and set(orders["Customer ID"]) <= set(customers["Customer ID"])
    assert pd.to_datetime(orders["Order date"], format="%Y-%m-%d %H:%M:%S").notna().all()
    assert pd.to_datetime(customers["Signup date"], format="%Y-%m-%d").notna().all()


@pytest.mark.slow
def test_retail_excerpt_keeps_whole_customers_in_original_format(
    online_retail_path: Path, tmp_path: Path
) -> None:
    dst = tmp_path / "excerpt.csv.gz"
    written = write_retail_excerpt(online_retail_path, dst, n_customers=600)
    assert dst.stat().st_size < 1_100_000
    with gzip.open(online_retail_path, "rt", encoding="utf-8") as f:
        source = f.read().splitlines()
    with gzip.open(dst, "rt", encoding="utf-8") as f:
        excerpt = f.read().splitlines()
    assert excerpt[0] == source[0] and len(excerpt) == written + 1
    assert set(excerpt[1:]) <= set(source[1:])  # lines copied verbatim
    full = pd.read_csv(online_retail_path, dtype=str)
    part = pd.read_csv(dst, dtype=str)
    kept = part["CustomerID"].dropna().unique()
    assert len(kept) == 600
    assert full["CustomerID"].isin(kept).sum() == part["CustomerID"].notna().sum()  # every line of each
    guests = part["CustomerID"].isna().mean()
    assert 0.1 < guests < 0.4  # a proportional share of lines without a customer


def test_shipped_excerpt_matches_the_function(online_retail_path: Path, tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[3] / "sample_data" / "online_retail_excerpt.csv.gz"
    write_retail_excerpt(online_retail_path, tmp_path / "x.csv.gz")
    assert shipped.read_bytes() == (tmp_path / "x.csv.gz").read_bytes()
