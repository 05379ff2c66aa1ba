"""Predicted-value rule sets: tiers and the value x risk grid against hand-made tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation.catalog import CustomerTable, Feature
from segmentation.explain import profile_segments
from segmentation.explain.naming import PLAYBOOK, RULE_PLAYS
from segmentation.segmenters import (
    GRID_NAMES,
    RULE_SETS,
    available_rule_sets,
    clv_tiers,
    value_risk_grid,
    value_summary,
)


def table(spend: list[float], churn: list[float], spent: list[float] | None = None) -> CustomerTable:
    """Predicted spend and chance of leaving; spend so far (``monetary``) as predicted unless given."""
    ids = pd.Index([f"c{i:02d}" for i in range(len(spend))], name="customer_id")
    frame = {"predicted_spend": spend, "churn_probability": churn, "monetary": spent or spend}
    return CustomerTable(pd.DataFrame(frame, index=ids), ())


def test_grid_quadrants_by_hand() -> None:
    # top 30% by spend so far = the 3 highest of the 10 with a prediction; at risk = chance >= 0.5
    spent = [100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 500]
    churn = [0.1, 0.7, 0.2, 0.4, 0.9, 0.1, 0.6, 0.2, 0.8, 0.3, np.nan]
    predicted = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, np.nan]  # the grid does not read it
    seg = value_risk_grid(table(predicted, churn, spent))
    assert seg.named.tolist() == [
        "Loyal core", "High value at risk", "Loyal core", "Rising", "Low value leaving", "Rising",
        "Low value leaving", "Rising", "Low value leaving", "Rising", "No prediction",
    ]  # fmt: skip
    assert seg.names == GRID_NAMES


def test_tiers_have_exact_sizes_with_ties_broken_by_id() -> None:
    seg = clv_tiers(table([5.0] * 20, [0.5] * 20))
    assert seg.sizes().tolist() == [2, 4, 6, 8, 0]
    assert seg.named.iloc[:2].tolist() == ["Predicted top 10%"] * 2  # the first ids win the tie


def test_registered_with_plays_and_offered_only_with_predictions() -> None:
    assert {"value_risk", "clv_tiers"} <= set(RULE_SETS)
    assert all(all(p in PLAYBOOK for p in RULE_PLAYS[name]) for name in GRID_NAMES)
    without = CustomerTable(pd.DataFrame({"monetary": [1.0]}, index=pd.Index(["a"], name="customer_id")), ())
    assert "value_risk" not in available_rule_sets(without)
    with pytest.raises(ValueError, match="value prediction"):
        value_risk_grid(without)


@pytest.mark.parametrize("make", [value_risk_grid, clv_tiers], ids=["grid", "tiers"])
def test_profiles_keep_the_rule_names_and_their_plays(make) -> None:
    rng = np.random.default_rng(0)
    spend, churn = rng.gamma(2, 50, 200), rng.uniform(0, 1, 200)
    catalog = (Feature("predicted_spend", "predictive", "Predicted spend"),
               Feature("churn_probability", "predictive", "Chance of leaving"))  # fmt: skip
    t = CustomerTable(table(list(spend), list(churn)).frame, catalog)
    seg = make(t)
    for p in profile_segments(t, seg):
        assert p.name == seg.names[p.code]
        assert p.actions == tuple(PLAYBOOK[k] for k in RULE_PLAYS[p.name])


def test_summary_per_segment() -> None:
    t = table([100, 90, 80, 70, 60, 50, 40, 30, 20, 10], [0.1, 0.7, 0.2, 0.4, 0.9, 0.1, 0.6, 0.2, 0.8, 0.3])
    out = value_summary(t, value_risk_grid(t))
    assert out["segment"].tolist() == ["Loyal core", "High value at risk", "Rising", "Low value leaving"]
    assert out["customers"].tolist() == [2, 1, 4, 3]
    assert out.loc[0, "predicted_spend"] == 180 and out.loc[1, "churn_probability"] == pytest.approx(0.7)
    assert out["spend_so_far"].tolist() == [180, 90, 160, 120]


def test_customers_without_a_prediction_are_told_apart_and_not_just_onboarded() -> None:
    # Online Retail: 33 customers whose every order line was returned have no purchase to predict from
    t = table([1.0, 2.0, np.nan, np.nan], [0.2, 0.8, np.nan, np.nan], [50.0, 10.0, -30.0, 0.0])
    seg = value_risk_grid(t)
    unknown = next(p for p in profile_segments(t, seg) if p.name == "No prediction")
    assert unknown.size == 2
    assert "no purchase on record" in unknown.description.lower()
    assert PLAYBOOK["returns"] in unknown.actions and PLAYBOOK["onboarding"] in unknown.actions
