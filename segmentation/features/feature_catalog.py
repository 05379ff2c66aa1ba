"""The catalog of customer-table columns: family, label, kind, unit and description of each feature.

``features.py`` builds the columns; this module says what they mean (fixed features from ``SPECS``,
spend shares and a file's own columns from their values) and gives each column its dtype.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from segmentation.catalog import CONTACT, FAMILIES, Feature

# (family, label, kind, unit, description, skewed) for every fixed column, in display order.
SPECS: dict[str, tuple[str, str, str, str, str, bool]] = {
    "recency_days": ("behavioural", "Days since last purchase", "numeric", "days",
                     "Days between the customer's latest order and the reference date.", False),
    "frequency": ("behavioural", "Number of orders", "numeric", "orders",
                  "Distinct orders with at least one item bought (returns alone do not count).", True),
    "tenure_days": ("behavioural", "Days as a customer", "numeric", "days",
                    "Days from the first order to the reference date.", False),
    "mean_days_between_orders": ("behavioural", "Average days between orders", "numeric", "days",
                                 "Typical wait between two orders; blank for one-order customers.", False),
    "max_gap_days": ("behavioural", "Longest gap between orders", "numeric", "days",
                     "Longest wait between two consecutive orders; blank for one-order customers.", False),
    "return_rate": ("behavioural", "Share of order lines returned", "numeric", "share",
                    "Returned or cancelled lines divided by all order lines (0 to 1).", False),
    "discount_share": ("behavioural", "Share of spend bought on discount", "numeric", "share",
                       "Part of the customer's spend (0 to 1) on order lines bought with a discount.", False),
    "units": ("behavioural", "Items bought (net of returns)", "numeric", "items",
              "Items bought minus items returned.", True),
    "preferred_weekday": ("behavioural", "Favourite day to shop", "categorical", "",
                          "Day of the week with the most orders.", False),
    "preferred_hour": ("behavioural", "Favourite hour to shop", "numeric", "hour of day",
                       "Hour of the day (0-23) with the most orders.", False),
    "views": ("behavioural", "Product views", "numeric", "views",
              "Product pages viewed, from the browsing log.", True),
    "cart_adds": ("behavioural", "Added to cart", "numeric", "items",
                  "Times something was added to the cart, from the browsing log.", True),
    "favourites": ("behavioural", "Added to favourites", "numeric", "items",
                   "Times something was saved as a favourite or to a wish list, from the browsing log.", True),
    "browsing_purchases": ("behavioural", "Purchases in the browsing log", "numeric", "purchases",
                           "Purchases recorded in the browsing log.", True),
    "view_to_purchase": ("behavioural", "View-to-purchase conversion", "numeric", "share",
                         "Purchases divided by product views in the browsing log (0 to 1); blank without views.",
                         False),
    "cart_abandonment": ("behavioural", "Cart abandonment", "numeric", "share",
                         "Part of the cart additions not followed by a purchase: 1 - purchases / cart additions "
                         "(0 to 1); blank without cart additions.", False),
    "days_since_last_visit": ("behavioural", "Days since last visit", "numeric", "days",
                              "Days between the customer's latest event in the browsing log and the reference date.",
                              False),
    "monetary": ("value", "Total spend (net of returns)", "numeric", "currency",
                 "Revenue from all orders minus returns and cancellations.", True),
    "avg_order_value": ("value", "Average order value", "numeric", "currency",
                        "Total spend divided by the number of orders.", True),
    "first_order_days_ago": ("lifecycle", "Days since first purchase", "numeric", "days",
                             "Days between the first order and the reference date.", False),
    "days_since_signup": ("lifecycle", "Days since sign-up", "numeric", "days",
                          "Days between the sign-up date and the reference date.", False),
    "signup_date": ("lifecycle", "Sign-up date", "date", "", "Date the customer signed up.", False),
    "loyalty_member": ("loyalty", "Loyalty programme member", "boolean", "",
                       "Whether the customer belongs to the loyalty programme.", False),
    "loyalty_points": ("loyalty", "Loyalty points", "numeric", "points", "Loyalty points collected.", True),
    "n_categories": ("product_usage", "Product categories bought", "numeric", "categories",
                     "Number of different product categories the customer bought from.", True),
    "favourite_category": ("product_usage", "Favourite category", "categorical", "",
                           "Product category with the highest spend.", False),
    "favourite_browsed_category": ("product_usage", "Most viewed category", "categorical", "",
                                   "Product category the customer viewed most often in the browsing log.", False),
    "preferred_channel": ("channel", "Favourite channel", "categorical", "",
                          "Sales channel with the highest spend.", False),
    "age": ("demographic", "Age", "numeric", "years", "Age in whole years at the reference date.", False),
    "gender": ("demographic", "Gender", "categorical", "", "Gender as given in the customer file.", False),
    "income": ("demographic", "Income", "numeric", "currency", "Income as given in the customer file.", True),
    "education": ("demographic", "Education", "categorical", "", "Education level.", False),
    "occupation": ("demographic", "Occupation", "categorical", "", "Occupation.", False),
    "marital_status": ("demographic", "Marital status", "categorical", "", "Marital status.", False),
    "birth_date": ("demographic", "Birth date", "date", "", "Date of birth.", False),
    "country": ("geographic", "Country", "categorical", "", "Country of the customer.", False),
    "region": ("geographic", "Region", "categorical", "", "Region or state of the customer.", False),
    "city": ("geographic", "City", "categorical", "", "City of the customer.", False),
    "latitude": ("geographic", "Latitude", "numeric", "degrees", "Latitude of the customer's location.", False),
    "longitude": ("geographic", "Longitude", "numeric", "degrees", "Longitude of the customer's location.", False),
    "interests": ("psychographic", "Interests", "tags", "", "Interest and lifestyle tags.", False),
    "campaign_response": ("psychographic", "Responds to campaigns", "numeric", "share",
                          "Whether the customer responded to past campaigns (1 yes, 0 no; between them when "
                          "the file gives a share of campaigns).", False),
    "rating": ("feedback", "Rating given", "numeric", "score", "Rating the customer gave.", False),
    "nps": ("feedback", "Likelihood to recommend (NPS)", "numeric", "score 0-10",
            "Answer to 'How likely are you to recommend us?'.", False),
    "mean_rating": ("feedback", "Average rating in the browsing log", "numeric", "score",
                    "Mean of the ratings the customer gave, from the rating and review events.", False),
    "reviews": ("feedback", "Reviews written", "numeric", "reviews", "Reviews written, from the browsing log.", True),
    "first_name": (CONTACT, "First name", "text", "", "First name, for exports only.", False),
    "last_name": (CONTACT, "Last name", "text", "", "Last name, for exports only.", False),
    "email": (CONTACT, "E-mail", "text", "", "E-mail address, for exports only.", False),
    "phone": (CONTACT, "Phone", "text", "", "Phone number, for exports only.", False),
    "postcode": (CONTACT, "Postcode", "text", "", "Postcode, for exports only.", False),
    "consent": (CONTACT, "Marketing consent", "text", "", "The consent answer as written in the file.", False),
    "review": (CONTACT, "Review", "text", "", "Free-text review, shown but never clustered on.", False),
}  # fmt: skip

ATTRIBUTES = {name for name, spec in SPECS.items() if spec[0] not in ("behavioural", "value")} - {
    "first_order_days_ago", "days_since_signup", "n_categories", "favourite_category",
    "favourite_browsed_category", "mean_rating", "reviews",
}  # fmt: skip
_ORDER = {family: i for i, family in enumerate((*FAMILIES, CONTACT))}

#: Prefix of the canonical names of a customer file's own columns (see ``schema.own_column_names``).
EXTRA = "extra_"


def share_feature(name: str, family: str, value: str) -> Feature:
    """Catalog entry of a spend-share column (``share_cat_*``, ``share_ch_*``)."""
    return Feature(
        name, family, f"Share of spend on {value}", "numeric", "share",
        f"Part of the customer's spend (0 to 1) that went to {value}.", False,
    )  # fmt: skip


def custom_feature(name: str, label: str, values: pd.Series) -> Feature:
    """Catalog entry of a customer file's own column (family ``custom``, labelled by its header).

    Numbers are ``numeric`` (``skewed`` when never negative with a skewness above 1, like spend);
    anything else is ``categorical``.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        known = values.dropna().to_numpy(dtype=float)
        # 0/1 flags stay linear; spend-like columns (never negative, long right tail) get a log
        spread = known.std() if len(known) else 0.0
        skew = float(np.mean(((known - known.mean()) / spread) ** 3)) if spread > 0 else 0.0
        skewed = bool(len(np.unique(known)) > 2 and known.min() >= 0 and skew > 1)
        return Feature(
            name, "custom", label, "numeric", "", f"'{label}' as given in the customer file.", skewed
        )
    return Feature(name, "custom", label, "categorical", "", f"'{label}' as given in the customer file.")


def dates(values: pd.Series) -> pd.Series:
    """Timezone-naive datetimes (unreadable values become missing)."""
    out = pd.to_datetime(values, errors="coerce")
    return out.dt.tz_localize(None) if out.dt.tz is not None else out


def typed(frame: pd.DataFrame, catalog: Sequence[Feature]) -> pd.DataFrame:
    """Float for numbers, category for categoricals, nullable boolean, str for tags and text."""
    out: dict[str, pd.Series] = {}
    for f in catalog:
        col = frame[f.name]
        if f.kind == "numeric":  # most come from DuckDB as float64 already: no parse, no copy
            out[f.name] = (
                col if col.dtype == np.float64 else pd.to_numeric(col, errors="coerce").astype(float)
            )
        elif f.kind == "categorical":
            out[f.name] = (
                col if isinstance(col.dtype, pd.CategoricalDtype) else col.astype("str").astype("category")
            )
        elif f.kind == "boolean":
            out[f.name] = col.astype("boolean")
        elif f.kind == "date":
            out[f.name] = dates(col)
        else:
            out[f.name] = col.astype("str")
    # copy=False: no consolidation copy of every column (copy-on-write keeps the sharing safe)
    return pd.DataFrame(out, index=frame.index, copy=False)


def build_catalog(
    frame: pd.DataFrame, shares: dict[str, Feature], labels: Mapping[str, str] | None = None
) -> tuple[Feature, ...]:
    """Catalog entries for every column, ordered by family and then by the house order of features.

    ``shares`` holds the entries of share columns (``share_cat_*``, ``share_ch_*``) and of fixed
    features whose wording differs from ``SPECS`` for this data (e.g. the favourite channel by
    orders, not spend); ``labels`` the original headers of the customer file's own columns
    (``extra_*``), which keep the file's column order.
    """
    rank = {name: i for i, name in enumerate(SPECS)}
    anchors = {"share_cat_": rank["favourite_category"], "share_ch_": rank["preferred_channel"]}
    features = []
    for name in frame.columns:
        if name in shares:
            feature = shares[name]
            prefix = next((p for p in anchors if name.startswith(p)), None)
            position = anchors[prefix] + 0.5 if prefix else rank.get(name, len(rank))
        elif name.startswith(EXTRA) and name not in SPECS:
            label = (labels or {}).get(name) or name.removeprefix(EXTRA).replace("_", " ").capitalize()
            feature, position = custom_feature(name, label, frame[name]), 0.0
        else:
            family, label, kind, unit, description, skewed = SPECS[name]
            feature = Feature(name, family, label, kind, unit, description, skewed)  # type: ignore[arg-type]
            position = rank[name]
        features.append((_ORDER[feature.family], position, feature))
    features.sort(
        key=lambda item: (item[0], item[1])
    )  # stable: shares keep their revenue order, own columns the file's
    return tuple(f for _, _, f in features)
