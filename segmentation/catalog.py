"""The feature catalog: what each customer-table column means and which criteria family it serves.

Shared vocabulary of every layer: features.py fills the catalog, criteria.py turns chosen families
into a matrix, profiling.py and the pages use labels and units to speak plainly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

#: Criteria families, in the order the app shows them.
FAMILIES: tuple[str, ...] = (
    "behavioural",
    "value",
    "lifecycle",
    "loyalty",
    "product_usage",
    "channel",
    "demographic",
    "geographic",
    "psychographic",
    "feedback",
    "predictive",
    "custom",
)

#: Not a criteria family: identity and contact columns carried for exports only.
CONTACT = "contact"

FAMILY_LABELS: dict[str, str] = {
    "behavioural": "Buying behaviour",
    "value": "Customer value",
    "lifecycle": "Lifecycle stage",
    "loyalty": "Loyalty",
    "product_usage": "Products bought",
    "channel": "Channels",
    "demographic": "Demographics",
    "geographic": "Location",
    "psychographic": "Interests and lifestyle",
    "feedback": "Feedback and satisfaction",
    "predictive": "Predicted behaviour",
    "custom": "Other columns of your file",
    CONTACT: "Contact details",
}

FAMILY_HELP: dict[str, str] = {
    "behavioural": "How recently and how often people buy and browse, how they return goods and use discounts.",
    "value": "How much each customer spends in total and per order.",
    "lifecycle": "How long someone has been a customer and how their activity has moved.",
    "loyalty": "Membership of your loyalty programme and points collected.",
    "product_usage": "Which product categories people buy and how broad their basket is.",
    "channel": "Where people shop: website, app, store or social.",
    "demographic": "Age, gender, income, education and household.",
    "geographic": "Country, region and city.",
    "psychographic": "Interests, lifestyle tags and how people respond to your campaigns.",
    "feedback": "Ratings, NPS answers and reviews.",
    "predictive": "Model-based chance of leaving or of buying again.",
    "custom": "Columns of your customer list with no standard meaning, such as a spending score or a contract type.",
    CONTACT: "Names, e-mail and phone, used for exports only.",
}

Kind = Literal["numeric", "categorical", "tags", "boolean", "text", "date"]


@dataclass(frozen=True)
class Feature:
    """One column of the customer table.

    ``skewed`` marks money and counts whose long right tail calls for a log transform.
    ``kind`` tells the criteria pipeline how to encode it: ``numeric`` and ``boolean`` are scaled,
    ``categorical`` one-hot encoded, ``tags`` (values joined by ``"|"``) multi-hot encoded;
    ``text`` and ``date`` columns are shown and exported but never clustered on.
    """

    name: str
    family: str
    label: str
    kind: Kind = "numeric"
    unit: str = ""
    description: str = ""
    skewed: bool = False


@dataclass(frozen=True)
class CustomerTable:
    """One row per customer (index ``customer_id``, strings) and the catalog of its columns."""

    frame: pd.DataFrame
    catalog: tuple[Feature, ...]
    reference_date: pd.Timestamp | None = None
    notes: tuple[str, ...] = field(default=())

    def feature(self, name: str) -> Feature:
        for f in self.catalog:
            if f.name == name:
                return f
        raise KeyError(name)

    def labels(self) -> dict[str, str]:
        """Plain label of each column, by column name (for pickers, legends and tables)."""
        return {f.name: f.label for f in self.catalog}

    def by_family(self) -> dict[str, list[Feature]]:
        """Features grouped by family, in ``FAMILIES`` order, families without features left out."""
        groups: dict[str, list[Feature]] = {}
        for family in (*FAMILIES, CONTACT):
            members = [f for f in self.catalog if f.family == family]
            if members:
                groups[family] = members
        return groups

    def n_known(self, columns: list[str] | tuple[str, ...]) -> int:
        """Customers with at least one of ``columns`` known (not missing)."""
        return int(self.frame[list(columns)].notna().any(axis=1).sum())
