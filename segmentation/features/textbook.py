"""The textbook reference: BG/NBD for repeat purchases and Gamma-Gamma for spend (Fader, Hardie and
Lee 2005; Fader and Hardie 2013), through pymc-marketing's CLV models fitted by MAP.

pymc-marketing pulls in pymc and pytensor (a fresh environment with pymc-marketing 0.19 holds about 790 MB of site-packages; importing its CLV models takes 5-13 s), so it is the optional extra
``clv``; the app runs on the learned model of ``value.py`` and uses this one only to compare.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator


def textbook_available() -> bool:
    """Whether pymc-marketing is installed (``pip install 'segmentation-studio[clv]'``)."""
    return importlib.util.find_spec("pymc_marketing") is not None


class TextbookCLV(BaseEstimator):  # type: ignore[misc]
    """BG/NBD + Gamma-Gamma by MAP (pymc-marketing). ``fit`` takes :func:`rfm_from_features` output."""

    def __init__(self, random_state: int = 0) -> None:
        self.random_state = random_state

    def fit(self, rfm: pd.DataFrame) -> TextbookCLV:
        if not textbook_available():
            raise ValueError(
                "The textbook model needs pymc-marketing: pip install 'segmentation-studio[clv]'."
            )
        from pymc_marketing.clv import BetaGeoModel, GammaGammaModel

        self.purchases_: Any = BetaGeoModel(data=rfm[["customer_id", "frequency", "recency", "T"]])
        self.purchases_.fit(method="map", progressbar=False)
        repeaters = rfm[(rfm["frequency"] > 0) & (rfm["monetary_value"] > 0)]
        self.spend_: Any = GammaGammaModel(data=repeaters[["customer_id", "frequency", "monetary_value"]])
        self.spend_.fit(method="map", progressbar=False)
        return self

    def parameters(self) -> dict[str, float]:
        """The fitted BG/NBD (r, alpha, a, b) and Gamma-Gamma (p, q, v) parameters, as in ``BetaGeoGamma``."""
        fits = {"purchases_": ("r", "alpha", "a", "b"), "spend_": ("p", "q", "v")}
        return {
            k: float(getattr(self, model).fit_result[k].mean())
            for model, names in fits.items()
            for k in names
        }

    def predict_frame(self, rfm: pd.DataFrame, horizon_days: float) -> pd.DataFrame:
        """Expected orders, spend and chance of ordering in the next ``horizon_days``, per customer."""
        data = rfm[["customer_id", "frequency", "recency", "T"]]
        mean = ("chain", "draw")
        expected = self.purchases_.expected_purchases(data, future_t=horizon_days).mean(mean).to_numpy()
        none = self.purchases_.expected_probability_no_purchase(horizon_days, data).mean(mean).to_numpy()
        order = self.spend_.expected_customer_spend(rfm[["customer_id", "frequency", "monetary_value"]])
        order_value = order.mean(mean).to_numpy()
        return pd.DataFrame(
            {
                "expected_purchases": expected,
                "predicted_spend": expected * order_value,
                "buy_probability": 1 - np.asarray(none),
            },
            index=pd.Index(rfm["customer_id"].astype(str), name="customer_id"),
        )
