"""BG/NBD (Fader, Hardie and Lee 2005) and Gamma-Gamma (Fader and Hardie 2013) by maximum
likelihood in numpy/scipy: the structural part of our value model, light enough for the app.

Inputs per customer, in days: ``frequency`` (repeat orders), ``recency`` (first to last order),
``T`` (first order to the cut), ``monetary_value`` (mean spend of repeat orders). Parameters are
population-level, so they are fitted on a seeded sample of at most ``max_fit`` customers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, digamma, gammaln, hyp2f1
from sklearn.base import BaseEstimator

#: Bounds of the log parameters: wide enough for any shop, narrow enough to keep the optimiser finite.
_BOUNDS = [(-9.0, 14.0)] * 4


def rfm_from_features(features: pd.DataFrame) -> pd.DataFrame:
    """The textbook inputs from ``history_features``: repeat orders, recency and age in days, and
    the mean spend of repeat orders (the first order left out, as the Gamma-Gamma model asks)."""
    repeat = features["n_orders"] - 1
    repeat_spend = (features["spend_total"] - features["first_order_spend"]) / repeat.where(repeat > 0)
    return pd.DataFrame(
        {
            "customer_id": features.index.to_numpy(),
            "frequency": repeat.to_numpy(),
            "recency": features["active_days"].to_numpy(),
            "T": features["tenure_days"].to_numpy(),
            "monetary_value": repeat_spend.fillna(0.0).clip(lower=0.0).to_numpy(),
        }
    )


def _bgnbd_nll(
    log_params: np.ndarray, x: np.ndarray, tx: np.ndarray, big_t: np.ndarray
) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood (Fader, Hardie and Lee 2005, equation 6) and its analytic gradient
    in the log parameters: one pass per step instead of five for finite differences."""
    r, alpha, a, b = np.exp(log_params)
    repeat = x > 0
    log_t, log_tx = np.log(alpha + big_t), np.log(alpha + tx)
    a3 = -(r + x) * log_t
    a4 = np.where(repeat, np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0)) - (r + x) * log_tx, -np.inf)
    tail = np.logaddexp(a3, a4)
    w3, w4 = np.exp(a3 - tail), np.exp(a4 - tail)  # shares of "alive" and "dropped after the last order"
    ll = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b) + tail
    d_ab, d_abx = digamma(a + b), digamma(a + b + x)
    grad = np.array([
        r * np.mean(digamma(r + x) - digamma(r) + np.log(alpha) - w3 * log_t - w4 * log_tx),
        alpha * np.mean(r / alpha - (r + x) * (w3 / (alpha + big_t) + w4 / (alpha + tx))),
        a * np.mean(d_ab - d_abx + w4 / a),
        b * np.mean(digamma(b + x) - d_abx - digamma(b) + d_ab - w4 / np.where(repeat, b + x - 1, 1.0)),
    ])  # fmt: skip
    return -float(np.mean(ll)), -grad


def _gg_nll(log_params: np.ndarray, x: np.ndarray, m: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood of Gamma-Gamma (Fader and Hardie 2013, equation 1a) and its gradient."""
    p, q, v = np.exp(log_params)
    px, log_xm_v = p * x, np.log(x * m + v)
    ll = (
        gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v)
        + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * log_xm_v
    )  # fmt: skip
    d_all = digamma(px + q)
    grad = np.array([
        p * np.mean(x * (d_all - digamma(px) + np.log(m) + np.log(x) - log_xm_v)),
        q * np.mean(d_all - digamma(q) + np.log(v) - log_xm_v),
        v * np.mean(q / v - (px + q) / (x * m + v)),
    ])  # fmt: skip
    return -float(np.mean(ll)), -grad


class BetaGeoGamma(BaseEstimator):  # type: ignore[misc]
    """BG/NBD for orders and Gamma-Gamma for spend per order, fitted by maximum likelihood.

    Parameters
    ----------
    max_fit : int
        Customers the parameters are fitted on at most (a seeded sample beyond it).
    random_state : int
        Seed of that sample.
    """

    def __init__(self, max_fit: int = 20_000, random_state: int = 0) -> None:
        self.max_fit = max_fit
        self.random_state = random_state

    def fit(self, rfm: pd.DataFrame) -> BetaGeoGamma:
        """Fit on columns ``frequency``, ``recency``, ``T`` and ``monetary_value``."""
        sample = rfm
        if len(rfm) > self.max_fit:
            keep = np.random.default_rng(self.random_state).choice(len(rfm), self.max_fit, replace=False)
            sample = rfm.iloc[np.sort(keep)]
        x, tx, big_t = (sample[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
        scale = max(float(np.mean(big_t)), 1.0)
        start = np.log([1.0, scale, 1.0, 1.0])
        res = minimize(
            _bgnbd_nll, start, args=(x, tx, big_t), method="L-BFGS-B", jac=True, bounds=_BOUNDS[:4]
        )
        self.r_, self.alpha_, self.a_, self.b_ = (float(v) for v in np.exp(res.x))
        repeat = (x > 0) & (sample["monetary_value"].to_numpy() > 0)
        if repeat.sum() >= 10:
            xm, mm = x[repeat], sample["monetary_value"].to_numpy(dtype=float)[repeat]
            start = np.log([2.0, 3.0, float(np.mean(mm))])
            res = minimize(_gg_nll, start, args=(xm, mm), method="L-BFGS-B", jac=True, bounds=_BOUNDS[:3])
            self.p_, self.q_, self.v_ = (float(v) for v in np.exp(res.x))
        else:  # too few repeat buyers to learn the spread: everyone at the mean order
            mean = float(sample["monetary_value"][repeat].mean()) if repeat.any() else 0.0
            self.p_, self.q_, self.v_ = 1.0, 2.0, mean
        return self

    def log_likelihood(self, rfm: pd.DataFrame) -> float:
        """BG/NBD log-likelihood of the customers' orders (``frequency``, ``recency``, ``T``)."""
        x, tx, big_t = (rfm[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
        at = np.log([self.r_, self.alpha_, self.a_, self.b_])
        return -len(rfm) * _bgnbd_nll(at, x, tx, big_t)[0]

    def expected_purchases(self, rfm: pd.DataFrame, t: float) -> np.ndarray:
        """Expected orders in the next ``t`` days (equation 10 of Fader, Hardie and Lee 2005)."""
        r, alpha, a, b = self.r_, self.alpha_, self.a_, self.b_
        x, tx, big_t = (rfm[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
        z = t / (alpha + big_t + t)
        head = (a + b + x - 1) / (a - 1 if abs(a - 1) > 1e-9 else 1e-9)
        body = 1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
        alive = 1 + (x > 0) * (a / np.maximum(b + x - 1, 1e-12)) * ((alpha + big_t) / (alpha + tx)) ** (r + x)
        return np.clip(np.nan_to_num(head * body / alive), 0.0, None)

    def probability_no_purchase(self, rfm: pd.DataFrame, t: float) -> np.ndarray:
        """Chance of no order in the next ``t`` days (Fader and Hardie 2019, equation 34)."""
        r, alpha, a, b = self.r_, self.alpha_, self.a_, self.b_
        x, tx, big_t = (rfm[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
        beta_rep = betaln(a, b + x)
        k_e = np.where(
            x > 0, betaln(a + 1, np.maximum(b + x - 1, 1e-12)) - (r + x) * np.log(alpha + tx), -np.inf
        )
        k_f = beta_rep - (r + x) * np.log(alpha + big_t + t)
        k_m = beta_rep - (r + x) * np.log(alpha + big_t)
        return np.clip(np.exp(np.logaddexp(k_e, k_f) - np.logaddexp(k_e, k_m)), 0.0, 1.0)

    def expected_order_value(self, rfm: pd.DataFrame) -> np.ndarray:
        """Expected spend per future order (Gamma-Gamma, equation 5)."""
        x = rfm["frequency"].to_numpy(dtype=float)
        m = rfm["monetary_value"].to_numpy(dtype=float)
        p, q, v = self.p_, self.q_, self.v_
        return p * (v + x * m) / np.maximum(p * x + q - 1, 1e-9)

    def predict_frame(self, rfm: pd.DataFrame, horizon_days: float) -> pd.DataFrame:
        expected = self.expected_purchases(rfm, horizon_days)
        return pd.DataFrame(
            {
                "expected_purchases": expected,
                "predicted_spend": expected * self.expected_order_value(rfm),
                "buy_probability": 1 - self.probability_no_purchase(rfm, horizon_days),
            },
            index=pd.Index(rfm["customer_id"].astype(str), name="customer_id"),
        )


#: The two negative log-likelihoods with their gradients (BG/NBD, Gamma-Gamma), for checking them.
BG_NBD_LOSSES = (_bgnbd_nll, _gg_nll)
