"""Criteria: available families, spec round trip, encoder (kinds, missing values, family weights)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from segmentation.catalog import CustomerTable, Feature
from segmentation.segmenters import CriteriaEncoder, CriteriaSpec, MixedEncoder, available_criteria, needs_log


def make_table(n: int = 400, seed: int = 0) -> CustomerTable:
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 2, n)
    frame = pd.DataFrame(
        {
            "monetary": np.where(group == 1, 900.0, 60.0) * rng.lognormal(0, 0.2, n),
            "frequency": rng.poisson(3, n).astype(float),
            "recency_days": rng.uniform(0, 300, n),
            "preferred_channel": pd.array(
                rng.choice(["Web", "Store", "App", "Fax"], n, p=[0.5, 0.3, 0.195, 0.005]), dtype="str"
            ),
            "interests": rng.choice(
                ["yoga|travel", "travel", "cooking|yoga", None, "rare-tag"], n, p=[0.3, 0.3, 0.3, 0.09, 0.01]
            ),
            "loyalty_member": pd.array(rng.random(n) < 0.3, dtype="boolean"),
            "email": [f"c{i}@example.com" for i in range(n)],
            "signup_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
        },
        index=pd.Index([f"C{i:05d}" for i in range(n)], name="customer_id"),
    )
    catalog = (
        Feature("monetary", "value", "Revenue", skewed=True),
        Feature("frequency", "behavioural", "Orders", skewed=True),
        Feature("recency_days", "behavioural", "Days since last order"),
        Feature("preferred_channel", "channel", "Channel", kind="categorical"),
        Feature("interests", "psychographic", "Interests", kind="tags"),
        Feature("loyalty_member", "loyalty", "Member", kind="boolean"),
        Feature("email", "contact", "E-mail", kind="text"),
        Feature("signup_date", "lifecycle", "Signed up", kind="date"),
    )
    return CustomerTable(frame, catalog)


def test_available_criteria_lists_usable_families_with_counts() -> None:
    table = make_table()
    table.frame.loc[table.frame.index[:10], "preferred_channel"] = pd.NA
    infos = {i.family: i for i in available_criteria(table)}
    assert list(infos) == ["behavioural", "value", "loyalty", "channel", "psychographic"]
    assert infos["behavioural"].features == ("frequency", "recency_days")
    assert infos["channel"].n_customers == len(table.frame) - 10
    assert infos["value"].label == "Customer value" and infos["value"].help


def test_spec_round_trip_and_validation() -> None:
    spec = CriteriaSpec(("behavioural", "value"), weights={"value": 2})
    again = CriteriaSpec.from_dict(spec.to_dict())
    assert again == spec and hash(again) == hash(spec) and again.weight("value") == 2.0
    assert again.weight("behavioural") == 1.0
    with pytest.raises(ValueError, match="Unknown criteria"):
        CriteriaSpec(("astrology",))
    with pytest.raises(ValueError, match="zero or positive"):
        CriteriaSpec(("value",), weights={"value": -1})


def test_encoder_output_kinds_and_text_columns_never_used() -> None:
    table = make_table()
    spec = CriteriaSpec(("behavioural", "value", "channel", "psychographic", "loyalty", "lifecycle"))
    enc = CriteriaEncoder(spec, table.catalog).fit(table.frame)
    X = enc.transform(table.frame)
    names = list(enc.get_feature_names_out())
    assert X.dtype == np.float32 and X.shape == (len(table.frame), len(names)) and np.isfinite(X).all()
    assert "email" not in enc.features_ and "signup_date" not in enc.features_
    assert "preferred_channel_Web" in names and "interests_yoga" in names and "interests_other" in names
    assert not any("Fax" in n for n in names)  # rare value pooled
    assert "missingindicator_interests" not in names


def test_nan_inf_and_unseen_values_are_handled() -> None:
    table = make_table()
    frame = table.frame.copy()
    frame.loc[frame.index[:5], "monetary"] = np.inf
    frame.loc[frame.index[5:10], "monetary"] = np.nan
    frame.loc[frame.index[10:12], "monetary"] = -np.inf
    spec = CriteriaSpec(("value", "channel", "loyalty"))
    enc = CriteriaEncoder(spec, table.catalog).fit(frame)
    assert "missingindicator_monetary" in enc.get_feature_names_out()
    new = frame.head(3).copy()
    new["preferred_channel"] = pd.array(["Carrier pigeon", None, "Web"], dtype="str")
    out = enc.transform(new)
    assert out.shape == (3, len(enc.get_feature_names_out())) and np.isfinite(out).all()


def test_family_with_many_columns_does_not_dominate() -> None:
    rng = np.random.default_rng(1)
    n = 600
    truth = rng.integers(0, 2, n)
    cols = {"spend": truth * 4.0 + rng.normal(0, 0.5, n)}
    cols.update({f"noise{i}": rng.normal(0, 1, n) for i in range(10)})
    frame = pd.DataFrame(cols, index=[f"c{i}" for i in range(n)])
    catalog = (
        Feature("spend", "value", "Spend"),
        *(Feature(f"noise{i}", "demographic", "x") for i in range(10)),
    )
    enc = CriteriaEncoder(CriteriaSpec(("value", "demographic")), catalog).fit(frame)
    X = enc.transform(frame).astype(float)
    fam = enc.family_of_column_
    var_value, var_demo = X[:, fam == "value"].var(0).sum(), X[:, fam == "demographic"].var(0).sum()
    assert var_value == pytest.approx(var_demo, rel=0.01)
    labels = KMeans(2, n_init=5, random_state=0).fit_predict(X)
    assert adjusted_rand_score(truth, labels) > 0.9
    heavy = CriteriaEncoder(CriteriaSpec(("value", "demographic"), weights={"value": 3}), catalog).fit(frame)
    Xh = heavy.transform(frame).astype(float)
    assert Xh[:, fam == "value"].var(0).sum() == pytest.approx(
        3 * Xh[:, fam == "demographic"].var(0).sum(), rel=0.01
    )


def test_clear_error_when_nothing_usable() -> None:
    table = make_table()
    with pytest.raises(ValueError, match="None of the chosen criteria"):
        CriteriaEncoder(CriteriaSpec(("feedback",)), table.catalog).fit(table.frame)
    frame = table.frame.assign(monetary=np.nan)
    with pytest.raises(ValueError, match="Customer value"):
        CriteriaEncoder(CriteriaSpec(("value",)), table.catalog).fit(frame)


def test_mixed_encoder_keeps_categories_as_codes() -> None:
    table = make_table()
    enc = MixedEncoder(CriteriaSpec(("value", "channel")), table.catalog).fit(table.frame)
    X = enc.transform(table.frame)
    codes = X[:, enc.categorical_columns_[0]]
    assert enc.categorical_columns_ == [X.shape[1] - 1]
    assert set(np.unique(codes)) <= set(range(len(enc.categories_["preferred_channel"]) + 1))


def test_log_transform_decided_from_catalog_unit_and_data() -> None:
    rng = np.random.default_rng(3)
    n = 500
    frame = pd.DataFrame(
        {
            "monetary": rng.lognormal(4, 1, n),  # flagged skewed in the catalog
            "recency_days": rng.uniform(0, 300, n),  # days: logged whatever the shape
            "basket_size": rng.lognormal(1, 0.9, n),  # unflagged but right-skewed: logged
            "age": rng.normal(40, 10, n),  # symmetric: kept
            "balance": rng.lognormal(1, 0.9, n) - 5,  # negative values: kept
        },
        index=[f"c{i}" for i in range(n)],
    )
    catalog = (
        Feature("monetary", "value", "Revenue", skewed=True),
        Feature("recency_days", "behavioural", "Recency", unit="days"),
        Feature("basket_size", "behavioural", "Basket"),
        Feature("age", "demographic", "Age"),
        Feature("balance", "demographic", "Balance"),
    )
    enc = CriteriaEncoder(CriteriaSpec(("value", "behavioural", "demographic")), catalog).fit(frame)
    assert set(enc.logged_) == {"monetary", "recency_days", "basket_size"}
    assert needs_log(frame["basket_size"]) and not needs_log(frame["age"]) and not needs_log(frame["balance"])
    assert not needs_log(pd.Series([1.0, np.nan]))


def test_timing_and_gap_features_are_opt_in() -> None:
    rng = np.random.default_rng(4)
    n = 300
    frame = pd.DataFrame(
        {
            "recency_days": rng.uniform(0, 300, n),
            "mean_days_between_orders": rng.uniform(5, 90, n),
            "preferred_weekday": pd.Categorical(rng.choice(["Monday", "Friday"], n)),
            "preferred_hour": rng.integers(0, 24, n).astype(float),
        },
        index=[f"c{i}" for i in range(n)],
    )
    catalog = (
        Feature("recency_days", "behavioural", "Recency", unit="days"),
        Feature("mean_days_between_orders", "behavioural", "Gap", unit="days"),
        Feature("preferred_weekday", "behavioural", "Day", kind="categorical"),
        Feature("preferred_hour", "behavioural", "Hour"),
    )
    table = CustomerTable(frame, catalog)
    (info,) = available_criteria(table)
    assert info.default_features == ("recency_days",) and len(info.features) == 4
    by_default = CriteriaEncoder(CriteriaSpec(("behavioural",)), catalog).fit(frame)
    assert by_default.features_ == ("recency_days",)
    named = CriteriaSpec(("behavioural",), features=("recency_days", "preferred_weekday", "preferred_hour"))
    assert CriteriaEncoder(named, catalog).fit(frame).features_ == named.features
    # A family with nothing but opt-in features still uses them rather than nothing.
    only_timing = CriteriaEncoder(CriteriaSpec(("behavioural",)), catalog).fit(
        frame[["preferred_weekday", "preferred_hour"]]
    )
    assert set(only_timing.features_) == {"preferred_weekday", "preferred_hour"}
