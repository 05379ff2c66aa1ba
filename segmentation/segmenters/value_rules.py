"""Ready rule sets on predicted value (``features.predict_value``): predicted-CLV tiers and the
value x risk grid. The tiers need ``predicted_spend``, the grid ``monetary`` (spend so far) and
``churn_probability``; customers without a prediction (no order before the cut) get their own segment."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation.catalog import CustomerTable
from segmentation.segmenters.rules import RuleSet
from segmentation.segments import Segmentation

CLV_TIER_NAMES = ("Predicted top 10%", "Predicted top 10-30%", "Predicted middle 30-60%",
                  "Predicted lower 40%", "No prediction")  # fmt: skip
GRID_NAMES = ("Loyal core", "High value at risk", "Rising", "Low value leaving", "No prediction")


def _predicted(table: CustomerTable, column: str) -> pd.Series:
    if column not in table.frame.columns:
        raise ValueError(
            f"Predicted value segments need '{column}': run the value prediction first (it needs an "
            "order history)."
        )
    return table.frame[column].astype(float)


def _share_rank(values: pd.Series) -> np.ndarray:
    """Position of each customer from the top (0..1], ties by customer id; NaN stays NaN."""
    known = values.dropna()
    order = pd.DataFrame({"v": known.to_numpy(), "id": known.index.astype(str)})
    order = order.sort_values(["v", "id"], ascending=[False, True], kind="stable")
    position = pd.Series(np.arange(1, len(order) + 1) / max(len(order), 1), index=known.index[order.index])
    return position.reindex(values.index).to_numpy()


def clv_tiers(table: CustomerTable) -> Segmentation:
    """Top 10%, next 20%, next 30% and the lower 40% of customers by predicted spend."""
    position = _share_rank(_predicted(table, "predicted_spend"))
    codes = np.select(
        [np.isnan(position), position <= 0.10, position <= 0.30, position <= 0.60], [4, 0, 1, 2], default=3
    )
    return Segmentation.from_codes(codes, table.frame.index, CLV_TIER_NAMES, "clv_tiers", {})


def value_risk_grid(table: CustomerTable, value_share: float = 0.3, risk: float = 0.5) -> Segmentation:
    """High value = the top ``value_share`` by spend so far; at risk = chance of leaving >= ``risk``.

    Loyal core (high value, staying), High value at risk (high value, leaving), Rising (lower value,
    staying: likely to buy again), Low value leaving (lower value, leaving), No prediction.
    Value is what customers spent, not their predicted spend: that one already counts the chance of
    leaving, so almost no one would be both high value and at risk (2 of 20,000 in the sample store).
    """
    churn = _predicted(table, "churn_probability")
    if "monetary" not in table.frame.columns:
        raise ValueError(
            "The value x risk grid needs each customer's spend so far: it needs an order history with "
            "prices or amounts."
        )
    position = _share_rank(table.frame["monetary"].astype(float).where(churn.notna()))
    chance = churn.to_numpy()
    high, leaving = position <= value_share, chance >= risk
    unknown = np.isnan(position) | np.isnan(chance)
    codes = np.select([unknown, high & ~leaving, high & leaving, ~leaving], [4, 0, 1, 2], default=3)
    params = {"value_share": value_share, "risk": risk}
    return Segmentation.from_codes(codes, table.frame.index, GRID_NAMES, "value_risk", params)


#: Registered into ``RULE_SETS`` by the package (``segmenters/__init__.py``).
VALUE_RULE_SETS: dict[str, RuleSet] = {
    "value_risk": RuleSet(
        "Predicted value x risk",
        "Your biggest spenders so far (top 30%) against the predicted chance of leaving (50% or more): "
        "loyal core, high value at risk, rising and low value leaving.",
        value_risk_grid,
        ("monetary", "churn_probability"),
    ),
    "clv_tiers": RuleSet(
        "Predicted value tiers",
        "Customers by predicted spend over the forecast horizon: top 10%, next 20%, middle and lower.",
        clv_tiers,
        ("predicted_spend",),
    ),
}


def value_summary(table: CustomerTable, seg: Segmentation) -> pd.DataFrame:
    """Per segment (in code order, empty ones left out): customers, total spend so far and
    predicted spend, and mean chance of leaving."""
    columns = [c for c in ("monetary", "predicted_spend", "churn_probability") if c in table.frame.columns]
    frame = table.frame[columns].groupby(seg.labels.reindex(table.frame.index))
    out = pd.DataFrame(
        {
            "customers": frame.size(),
            **({"spend_so_far": frame["monetary"].sum().round()} if "monetary" in columns else {}),
            "predicted_spend": frame["predicted_spend"].sum().round(),
            "churn_probability": frame["churn_probability"].mean(),
        }
    )
    out.insert(0, "segment", [seg.names[int(c)] for c in out.index])
    return out.rename_axis("code")
