"""Rule segments: RFM grids, lifecycle, tiers, bands and custom rules on hand-built and real tables."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from segmentation.catalog import CustomerTable, Feature
from segmentation.features import build_customer_table
from segmentation.segmenters import (
    AGE_EDGES,
    LIFECYCLE_NAMES,
    LOYALTY_NAMES,
    NO_ORDERS,
    RFM6_NAMES,
    RFM11_NAMES,
    RULE_SETS,
    Condition,
    Rule,
    available_rule_sets,
    bands,
    custom_segments,
    lifecycle_stages,
    loyalty_tiers,
    nps_classes,
    rfm_scores,
    rfm_segments,
    rule_sizes,
    satisfaction_bands,
    value_tiers,
)


def make_table(frame: pd.DataFrame) -> CustomerTable:
    frame.index = pd.Index([f"c{i:04d}" for i in range(len(frame))], name="customer_id")
    kinds = {
        c: ("categorical" if frame[c].dtype == object or str(frame[c].dtype) == "str" else "numeric")
        for c in frame
    }
    catalog = tuple(Feature(c, "behavioural", c, kinds[c]) for c in frame.columns)  # type: ignore[arg-type]
    return CustomerTable(frame, catalog)


@pytest.fixture
def table() -> CustomerTable:
    rng = np.random.default_rng(0)
    n = 500
    freq = rng.integers(1, 20, n).astype(float)
    mean_gap = rng.uniform(10, 90, n)
    frame = pd.DataFrame(
        {
            "recency_days": rng.integers(0, 400, n).astype(float),
            "frequency": freq,
            "monetary": rng.gamma(2, 200, n),
            "tenure_days": rng.integers(0, 700, n).astype(float),
            "mean_days_between_orders": np.where(freq > 1, mean_gap, np.nan),
            "max_gap_days": np.where(freq > 1, mean_gap * 2.5, np.nan),
            "age": rng.integers(16, 80, n).astype(float),
            "country": rng.choice(["France", "Sweden", "Norway", "Germany"], n),
            "interests": rng.choice(["yoga|running", "cooking", "Yoga", None], n),
            "nps": rng.choice([0, 5, 7, 8, 9, 10, np.nan], n),
            "rating": rng.choice([1, 2, 3, 4, 5, np.nan], n),
        }
    )
    frame["tenure_days"] = np.maximum(frame["tenure_days"], frame["recency_days"])
    frame.loc[:9, ["recency_days", "mean_days_between_orders", "max_gap_days", "tenure_days"]] = np.nan
    frame.loc[:9, ["frequency", "monetary"]] = 0.0  # ten prospects
    return make_table(frame)


def test_rfm_scores_range_and_direction(table: CustomerTable) -> None:
    scores = rfm_scores(table)
    buyers = table.frame["frequency"] > 0
    assert (scores.loc[~buyers, ["R", "F", "M"]] == 0).all().all()
    assert scores.loc[buyers, ["R", "F", "M"]].isin(range(1, 6)).all().all()
    recency = table.frame.loc[buyers, "recency_days"]
    # Most recent buyers get the best recency score.
    assert scores.loc[recency.idxmin(), "R"] == 5 and scores.loc[recency.idxmax(), "R"] == 1
    # Equal values share a score.
    same = table.frame.loc[buyers].groupby("frequency").groups
    for ids in same.values():
        assert scores.loc[ids, "F"].nunique() == 1


@pytest.mark.parametrize(("grid", "n_names"), [("rfm11", 11), ("rfm6", 6)])
def test_rfm_grid_counts_add_up(table: CustomerTable, grid: str, n_names: int) -> None:
    seg = rfm_segments(table, grid)  # type: ignore[arg-type]
    assert seg.sizes().sum() == len(table.frame)
    assert seg.names[:n_names] == (RFM11_NAMES if grid == "rfm11" else RFM6_NAMES)
    assert seg.names[-1] == NO_ORDERS and seg.sizes()[NO_ORDERS] == 10
    assert (seg.sizes() > 0).sum() >= n_names - 3


def test_rfm_terciles(table: CustomerTable) -> None:
    seg = rfm_segments(table, "rfm11", bins=3)
    assert seg.sizes().sum() == len(table.frame)
    assert rfm_scores(table, bins=3)[["R", "F", "M"]].max().max() == 3


def test_rfm_all_equal_values_do_not_crash() -> None:
    frame = pd.DataFrame({"recency_days": [5.0] * 20, "frequency": [1.0] * 20, "monetary": [10.0] * 20})
    seg = rfm_segments(make_table(frame))
    assert seg.sizes().sum() == 20
    assert seg.labels.nunique() == 1  # identical customers, identical segment


def test_rfm11_on_real_online_retail(online_retail_path: Path) -> None:
    con = duckdb.connect()
    con.execute(
        f"""
        create table tx as
        select CAST(CustomerID AS VARCHAR) customer_id, InvoiceNo order_id, CAST(InvoiceDate AS TIMESTAMP) ts,
               Quantity * UnitPrice amount, Quantity::DOUBLE quantity, UnitPrice unit_price,
               Quantity < 0 is_return
        from read_csv('{online_retail_path.as_posix()}') where CustomerID is not null
        """
    )
    table = build_customer_table(con, "tx", None, has_time=False)
    seg = rfm_segments(table)
    assert seg.names[:11] == RFM11_NAMES
    assert seg.sizes().sum() == 4372
    assert (seg.sizes() > 0).all()
    # Only customers whose every line is a return have no purchase on record.
    frame = table.frame
    assert seg.sizes().get(NO_ORDERS, 0) == (frame["frequency"] == 0).sum()
    champions, lost = frame[seg.named == "Champions"], frame[seg.named == "Lost"]
    assert champions["monetary"].median() > lost["monetary"].median()
    assert champions["recency_days"].max() < lost["recency_days"].min()


def test_lifecycle_covers_everyone(table: CustomerTable) -> None:
    seg = lifecycle_stages(table)
    assert seg.names == LIFECYCLE_NAMES
    assert seg.sizes().sum() == len(table.frame)
    assert seg.sizes()["Prospect"] == 10
    limits = seg.params["thresholds"]
    lost = seg.named == "Lost"
    assert (table.frame.loc[lost, "recency_days"] > limits["lost"]).all()
    back = seg.named == "Reactivated"
    assert (table.frame.loc[back, "max_gap_days"] > limits["lost"]).all()


def test_lifecycle_keeps_buyers_without_an_order_date_out_of_the_prospects() -> None:
    """A customer list counting orders but leaving "days since last order" blank (corpus 09): those
    customers bought, so no onboarding series; they get a stage of their own."""
    catalog = (
        Feature("recency_days", "behavioural", "Days since last purchase", unit="days"),
        Feature("frequency", "behavioural", "Number of orders", unit="orders", skewed=True),
    )
    frame = pd.DataFrame(
        {"recency_days": [5.0, np.nan, np.nan, 400.0], "frequency": [3.0, 2.0, 0.0, 1.0]},
        index=["recent", "undated", "never", "old"],
    )
    seg = lifecycle_stages(CustomerTable(frame, catalog), {"new": 0, "active": 30, "lost": 365})
    assert seg.named.to_dict() == {
        "recent": "Repeat", "undated": "Order date unknown", "never": "Prospect", "old": "Lost",
    }  # fmt: skip


def test_lifecycle_rejects_unordered_thresholds(table: CustomerTable) -> None:
    with pytest.raises(ValueError, match="new <= active <= lost"):
        lifecycle_stages(table, {"new": 100, "active": 50})


def test_loyalty_and_value_tiers(table: CustomerTable) -> None:
    seg = loyalty_tiers(table)
    assert seg.names == LOYALTY_NAMES and seg.sizes().sum() == len(table.frame)
    spend = table.frame["monetary"].groupby(seg.named, observed=False).median()
    assert spend["Platinum"] > spend["Gold"] > spend["Silver"] > spend["Bronze"]
    thr = {"silver": (100, 2), "gold": (500, 5), "platinum": (1000, 10)}
    seg2 = loyalty_tiers(table, "thresholds", thresholds=thr)
    plat = table.frame[seg2.named == "Platinum"]
    assert ((plat["monetary"] >= 1000) & (plat["frequency"] >= 10)).all()
    tiers = value_tiers(table)
    assert tiers.sizes().tolist() == [5, 45, 50, 400]


def test_nps_and_satisfaction(table: CustomerTable) -> None:
    nps = nps_classes(table)
    by_class = table.frame["nps"].groupby(nps.named, observed=False)
    assert by_class.min()["Promoters"] == 9 and by_class.max()["Detractors"] <= 6
    assert nps.sizes()["No answer"] == table.frame["nps"].isna().sum()
    sat = satisfaction_bands(table)
    assert sat.params["scale_max"] == 5.0
    assert (table.frame.loc[sat.named == "Very satisfied", "rating"] == 5).all()


def test_bands_numeric_and_groups(table: CustomerTable) -> None:
    ages = bands(table, "age", AGE_EDGES)
    assert ages.names[0] == "Under 18" and ages.names[1] == "18-24" and ages.names[-2] == "65+"
    assert (table.frame.loc[ages.named == "18-24", "age"].between(18, 24)).all()
    groups = bands(table, "country", {"Nordics": ["sweden", "Norway"]})
    assert groups.names == ("Nordics", "Other", "Unknown")
    assert groups.sizes()["Nordics"] == table.frame["country"].isin(["Sweden", "Norway"]).sum()


def sample_rules() -> list[Rule]:
    return [
        Rule("Big spenders", (Condition("monetary", ">=", 600),)),
        Rule(
            "Yoga or lapsed",
            (Condition("interests", "contains", "yoga"), Condition("recency_days", ">", 300)),
            "or",
        ),
        Rule(
            "Nordic mid-age",
            (Condition("country", "in", ["Sweden", "Norway"]), Condition("age", "between", [30, 50])),
        ),
    ]


def test_custom_rules_first_match_wins_and_sizes_match(table: CustomerTable) -> None:
    seg = custom_segments(table, sample_rules())
    assert seg.names == ("Big spenders", "Yoga or lapsed", "Nordic mid-age", "Everyone else")
    assert seg.sizes().sum() == len(table.frame)
    big = table.frame["monetary"] >= 600
    assert (seg.named[big] == "Big spenders").all()
    sizes = rule_sizes(table, sample_rules())
    assert sizes["customers"].tolist() == seg.sizes().tolist()
    assert sizes.loc["Big spenders", "alone"] == big.sum()
    assert (sizes["alone"] >= sizes["customers"]).all()
    yoga = (
        table.frame["interests"]
        .str.casefold()
        .str.split("|")
        .map(lambda t: isinstance(t, list) and "yoga" in t)
    )
    assert sizes.loc["Yoga or lapsed", "alone"] == (yoga | (table.frame["recency_days"] > 300)).sum()


def test_rules_round_trip_json_and_never_eval(table: CustomerTable) -> None:
    text = json.dumps([r.to_dict() for r in sample_rules()])
    back = [Rule.from_dict(d) for d in json.loads(text)]
    assert back == sample_rules()
    # A rule string that would run code is only ever compared as data.
    evil = Rule("Evil", (Condition("country", "==", "__import__('os').system('touch /tmp/pwned')"),))
    assert custom_segments(table, [evil]).sizes()["Evil"] == 0
    with pytest.raises(ValueError, match="Unknown comparison"):
        Condition.from_dict({"feature": "age", "op": "lambda: 1", "value": 1})
    with pytest.raises(ValueError, match="not a column"):
        custom_segments(table, [Rule("X", (Condition("os.system", ">", 1),))])
    with pytest.raises(ValueError, match="text, a number"):
        Condition("age", ">", object())
    with pytest.raises(ValueError, match="not a number"):
        Rule("Y", (Condition("country", ">", 3),)).mask(table.frame)


def test_duplicate_rule_names_rejected(table: CustomerTable) -> None:
    dup = [Rule("A", (Condition("age", ">", 30),)), Rule("A", (Condition("age", "<", 30),))]
    with pytest.raises(ValueError, match="same name"):
        custom_segments(table, dup)


def test_registry(table: CustomerTable) -> None:
    for key in available_rule_sets(table):
        seg = RULE_SETS[key].function(table)
        assert seg.sizes().sum() == len(table.frame), key
