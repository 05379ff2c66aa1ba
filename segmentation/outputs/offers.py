"""Per-customer offers in campaign lists: the next products (or categories) to show each customer.

Kept apart from ``export.py`` so that ``campaign_list`` can call it in one line:
``with_next_products(campaign_list(...), suggestions)``.
"""

from __future__ import annotations

import pandas as pd


def with_next_products(campaign: pd.DataFrame, suggestions: pd.DataFrame) -> pd.DataFrame:
    """``campaign`` (with a ``customer_id`` column) plus ``next_product_1..n`` from ``suggestions``
    (``features.NextProduct.recommend``); customers without suggestions get blanks. Row order kept."""
    columns = [c for c in suggestions.columns if c.startswith("next_product_")]
    extra = suggestions[columns].reindex(campaign["customer_id"].astype(str).to_numpy())
    out = campaign.drop(columns=[c for c in columns if c in campaign.columns]).reset_index(drop=True)
    return pd.concat([out, extra.reset_index(drop=True)], axis=1)
