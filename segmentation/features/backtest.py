"""Temporal backtest on the shop's own orders: cut at ``reference - horizon``, predict from what came
before, and compare with what happened after.

:func:`score_predictions` judges any set of predictions against outcomes; :func:`backtest_value`
runs the learned model (and, when asked, the textbook model and two one-number baselines) through the
same cut, so the figures sit side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import roc_auc_score

from segmentation.features.bgnbd import rfm_from_features
from segmentation.features.history import history_outcomes, history_span
from segmentation.features.textbook import TextbookCLV
from segmentation.features.value import fit_value_model

#: Grade of the ranking by AUC, best first: the words the user reads.
GRADES = ((0.85, "excellent"), (0.75, "good"), (0.65, "fair"), (0.0, "weak"))


def grade(auc: float) -> str:
    """Plain word for how well "bought again" is ranked (AUC: 0.5 is chance, 1 is perfect)."""
    return next(word for floor, word in GRADES if auc >= floor)


def _corr(a: np.ndarray, b: np.ndarray, kind: str) -> float:
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return float((pearsonr if kind == "pearson" else spearmanr)(a, b)[0])


def capture(score: np.ndarray, actual: np.ndarray, share: float) -> float:
    """Share of the actual total held by the top ``share`` of customers ranked by ``score``.

    Ties at the boundary are split pro rata (each tied customer counts by the fraction of the tie
    that fits), so the figure does not depend on the order of customers.
    """
    n = len(score)
    total = float(actual.sum())
    if n == 0 or total <= 0:
        return float("nan")
    k = share * n
    frame = pd.DataFrame({"s": score, "a": actual}).groupby("s", sort=True)["a"].agg(["sum", "count"])
    frame = frame.iloc[::-1]
    before = frame["count"].cumsum() - frame["count"]
    fit = ((k - before) / frame["count"]).clip(0, 1)
    return float((frame["sum"] * fit).sum() / total)


@dataclass(frozen=True)
class BacktestMetrics:
    """How one set of predictions compared with what happened after the cut."""

    name: str
    auc: float
    pearson_purchases: float
    spearman_purchases: float
    pearson_spend: float
    spearman_spend: float
    top10_revenue: float
    top20_revenue: float
    top20_bought: float
    buyers_reached: tuple[float, ...]
    calibration: pd.DataFrame
    interval_coverage: float = float("nan")
    orders_predicted: float = float("nan")  # summed over the customers known at the cut
    orders_actual: float = float("nan")

    @property
    def grade(self) -> str:
        return grade(self.auc)

    def reach(self, share: float) -> float:
        """Share of the period's buyers reached by targeting the top ``share`` by chance of buying."""
        grid = np.linspace(0, 1, len(self.buyers_reached))
        return float(np.interp(share, grid, self.buyers_reached))

    def targeting_sentence(self, share: float, period: str = "the next period") -> str:
        return (
            f"Target the top {share:.0%} by chance of buying and you reach {self.reach(share):.0%} "
            f"of {period}'s buyers."
        )

    def totals_sentence(self, period: str = "the next period") -> str:
        """Predicted against actual orders in all, and why a gap beyond a tenth is there."""
        gap = self.orders_actual / self.orders_predicted - 1 if self.orders_predicted > 0 else float("nan")
        said = (
            f"In all, we predicted {self.orders_predicted:,.0f} orders from these customers in {period}; "
            f"{self.orders_actual:,.0f} came"
        )
        if not np.isfinite(gap) or abs(gap) <= 0.1:
            return f"{said}."
        why = (
            "the models learn each customer's pace, not seasonal peaks or the shop's growth"
            if gap > 0
            else "the models learn each customer's pace, not a slowdown of the whole shop"
        )
        return f"{said} ({gap:+.0%}): {why}."

    def summary(self, period: str = "the next period") -> str:
        return (
            f"Prediction quality: {self.grade} (it ranks a returning customer above one who did not "
            f"return {self.auc:.0%} of the time). Of the customers ranked in the top 20%, "
            f"{self.top20_bought:.0%} bought again; they brought {self.top20_revenue:.0%} of "
            f"{period}'s revenue."
        )


def score_predictions(
    name: str, predicted: pd.DataFrame, actual: pd.DataFrame, *, deciles: int = 10
) -> BacktestMetrics:
    """Judge predictions (``buy_probability``, ``expected_purchases``, ``predicted_spend``, optional
    ``spend_low``/``spend_high``) against outcomes (``purchases``, ``spend``; absent customers: 0).

    The calibration frame has one row per decile of predicted purchases: mean predicted and actual
    purchases and spend.
    """
    y = actual.reindex(predicted.index).fillna(0.0)
    bought = (y["purchases"].to_numpy() > 0).astype(int)
    prob = predicted["buy_probability"].to_numpy(dtype=float)
    purchases = predicted["expected_purchases"].to_numpy(dtype=float)
    spend = predicted["predicted_spend"].to_numpy(dtype=float)
    got_p, got_s = y["purchases"].to_numpy(dtype=float), y["spend"].to_numpy(dtype=float)
    auc = float(roc_auc_score(bought, prob)) if 0 < bought.sum() < len(bought) else float("nan")
    reached = tuple(capture(prob, bought.astype(float), s) for s in np.linspace(0, 1, 21))
    ranks = pd.Series(purchases).rank(method="first").to_numpy()
    decile = np.ceil(ranks / max(len(ranks), 1) * deciles).astype(int).clip(1, deciles)
    calib = (
        pd.DataFrame({"decile": decile, "predicted_purchases": purchases, "actual_purchases": got_p,
                      "predicted_spend": spend, "actual_spend": got_s})
        .groupby("decile").mean().reset_index()
    )  # fmt: skip
    top20 = prob >= np.quantile(prob, 0.8) if len(prob) else np.array([], bool)
    coverage = float("nan")
    if {"spend_low", "spend_high"} <= set(predicted.columns):
        inside = (got_s >= predicted["spend_low"].to_numpy() - 1e-9) & (
            got_s <= predicted["spend_high"].to_numpy() + 1e-9
        )
        coverage = float(inside.mean())
    return BacktestMetrics(
        name=name,
        auc=auc,
        pearson_purchases=_corr(purchases, got_p, "pearson"),
        spearman_purchases=_corr(purchases, got_p, "spearman"),
        pearson_spend=_corr(spend, got_s, "pearson"),
        spearman_spend=_corr(spend, got_s, "spearman"),
        top10_revenue=capture(spend, got_s, 0.1),
        top20_revenue=capture(spend, got_s, 0.2),
        top20_bought=float(bought[top20].mean()) if top20.any() else float("nan"),
        buyers_reached=reached,
        calibration=calib,
        interval_coverage=coverage,
        orders_predicted=float(purchases.sum()),
        orders_actual=float(got_p.sum()),
    )


@dataclass(frozen=True)
class Backtest:
    """Every model's figures on one cut, the cut itself and which model the app uses."""

    cutoff: pd.Timestamp
    horizon_days: int
    customers: int
    buyers: int
    metrics: tuple[BacktestMetrics, ...]
    notes: tuple[str, ...]

    def by_name(self, name: str) -> BacktestMetrics:
        return next(m for m in self.metrics if m.name == name)

    def table(self) -> pd.DataFrame:
        """One row per model, one column per figure (for the bench and the backtest panel)."""
        cols = ("auc", "pearson_purchases", "spearman_purchases", "pearson_spend", "spearman_spend",
                "top10_revenue", "top20_revenue", "top20_bought")  # fmt: skip
        return pd.DataFrame({m.name: {c: getattr(m, c) for c in cols} for m in self.metrics}).T


def baselines(features: pd.DataFrame, horizon_days: float) -> dict[str, pd.DataFrame]:
    """Recency-only and frequency-only rankings, with counts at each customer's past rate."""
    rate = features["n_orders"] / features["tenure_days"].clip(lower=1.0) * horizon_days
    value = rate * features["avg_order_value"]
    recency = -features["recency_days"]
    frequency = features["n_orders"]
    out = {}
    for name, score in (("recency only", recency), ("frequency only", frequency)):
        order = score.rank(pct=True)  # same ranking for all three figures
        out[name] = pd.DataFrame(
            {"buy_probability": order, "expected_purchases": order * rate.mean() / order.mean(),
             "predicted_spend": order * value.mean() / order.mean()},
            index=features.index,
        )  # fmt: skip
    return out


def backtest_value(
    con: duckdb.DuckDBPyConnection,
    transactions: str,
    *,
    horizon_days: int,
    reference: pd.Timestamp | None = None,
    textbook: bool = False,
    random_state: int = 0,
) -> Backtest:
    """Cut at ``reference - horizon``, fit on the orders before it, judge on the ``horizon`` after.

    ``reference`` defaults to just after the last purchase. With ``textbook`` the BG/NBD +
    Gamma-Gamma model (pymc-marketing) is fitted on the same orders and judged beside ours.
    """
    if reference is None:
        reference = history_span(con, transactions)[1] + pd.Timedelta(seconds=1)
    cutoff = pd.Timestamp(reference) - pd.Timedelta(days=horizon_days)
    model, features, scale, check, notes = fit_value_model(
        con, transactions, cutoff, horizon_days, random_state=random_state
    )
    actual = history_outcomes(con, transactions, cutoff, pd.Timestamp(reference))
    predictions = {"ours": model.predict_frame(features, scale)}
    if textbook:
        rfm = rfm_from_features(features)
        fitted = TextbookCLV(random_state=random_state).fit(rfm)
        predictions["textbook"] = fitted.predict_frame(rfm, horizon_days).reindex(features.index)
    predictions |= baselines(features, horizon_days)
    metrics = tuple(score_predictions(name, p, actual) for name, p in predictions.items())
    buyers = int(actual.reindex(features.index)["purchases"].fillna(0).gt(0).sum())
    return Backtest(cutoff, int(horizon_days), len(features), buyers, metrics, (check.summary(), *notes))
