"""Customer feature table: canonical transactions and customer attributes → one row per customer.

Order features are aggregated in DuckDB (``order_features.py``); customer attributes are joined in
pandas here. Every column gets a catalog entry (``feature_catalog.py``: label, unit, family) so that
the criteria pipeline, profiles and pages can speak about it plainly.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from segmentation.catalog import CustomerTable, Feature
from segmentation.features.feature_catalog import ATTRIBUTES, EXTRA, build_catalog, dates, typed
from segmentation.features.order_features import REQUIRED, WEEKDAYS, n_customers, slug, transaction_features

__all__ = ["REQUIRED", "WEEKDAYS", "build_customer_table", "slug"]


def build_customer_table(
    con: duckdb.DuckDBPyConnection,
    transactions: str | None,
    customers: pd.DataFrame | None,
    *,
    has_time: bool = True,
    reference_date: pd.Timestamp | None = None,
    max_categories: int = 8,
) -> CustomerTable:
    """Build one row per customer from canonical transactions and/or customer attributes.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection holding the transactions relation.
    transactions : str or None
        Name of a table or view in ``con`` with the canonical transaction columns (``customer_id``,
        ``order_id``, ``ts``, ``amount``, ``is_return``, optional ``quantity``, ``category``,
        ``channel``, ``country``, ``city``). ``None`` when only attributes are known.
    customers : pandas.DataFrame or None
        Canonical customer attributes with a unique ``customer_id`` column. Customers found only
        here are prospects (0 orders, 0 spend, no recency).
    has_time : bool
        Whether timestamps carry a time of day; without it ``preferred_hour`` is left out.
    reference_date : pandas.Timestamp, optional
        Date that recency, tenure and age are measured to; defaults to the day after the last order
        (or, without orders, the day after the last sign-up, else today).
    max_categories : int
        Number of top categories (and channels) by revenue that get their own spend share; the
        rest are pooled into ``share_cat_other`` (``share_ch_other``).

    Returns
    -------
    CustomerTable
        Frame indexed by ``customer_id`` (sorted strings), its catalog and plain-language notes.

    Examples
    --------
    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE tx AS SELECT 'c1' AS customer_id, 'o1' AS order_id, "
    ...                 "TIMESTAMP '2024-01-01' AS ts, 10.0 AS amount, false AS is_return")
    >>> build_customer_table(con, "tx", None).frame.loc["c1", "recency_days"]
    np.float64(1.0)
    """
    if transactions is None and customers is None:
        raise ValueError("There is nothing to build customers from: give orders, a customer file or both.")
    if max_categories < 1:
        raise ValueError("max_categories must be at least 1.")
    notes: list[str] = []
    frame = pd.DataFrame(index=pd.Index([], dtype="str", name="customer_id"))
    shares: dict[str, Feature] = {}
    if transactions is not None:
        frame, reference_date, shares = transaction_features(
            con, transactions, has_time, reference_date, max_categories, notes
        )
    if reference_date is None:
        reference_date = _fallback_reference(customers, notes)
    reference_date = pd.Timestamp(reference_date)
    if customers is not None:
        frame = _join_attributes(frame, customers, reference_date, transactions is not None, notes)
    for column in ("country", "city"):
        if transactions is not None and column in frame and (customers is None or column not in customers):
            notes.append(f"{column.capitalize()} taken from the orders (each customer's most frequent one).")
    blank = [c for c in frame.columns if len(frame) and frame[c].isna().all()]
    if blank:
        notes.append(f"Left out because blank for every customer: {', '.join(blank)}.")
    frame = frame.drop(columns=blank).sort_index()
    frame.index = frame.index.astype("str").rename("customer_id")
    labels = customers.attrs.get("labels", {}) if customers is not None else {}
    catalog = build_catalog(frame, shares, labels)
    frame = typed(frame, catalog)
    return CustomerTable(frame=frame, catalog=catalog, reference_date=reference_date, notes=tuple(notes))


# ---------------------------------------------------------------------------- customer attributes


def _fallback_reference(customers: pd.DataFrame | None, notes: list[str]) -> pd.Timestamp:
    """Reference date without orders: the day after the last sign-up, else today."""
    if customers is not None and "signup_date" in customers:
        last = dates(customers["signup_date"]).max()
        if pd.notna(last):
            ref = pd.Timestamp(last).normalize() + pd.Timedelta(days=1)
            notes.append(f"Reference date {ref:%Y-%m-%d}: the day after the last sign-up.")
            return ref
    ref = pd.Timestamp.today().normalize()
    if customers is not None and "birth_date" in customers:
        notes.append(f"No order dates: ages are measured to today ({ref:%Y-%m-%d}).")
    return ref


def _age(birth: pd.Series, ref: pd.Timestamp) -> pd.Series:
    """Whole years between birth dates and the reference date."""
    birth = dates(birth)
    before = (birth.dt.month > ref.month) | ((birth.dt.month == ref.month) & (birth.dt.day > ref.day))
    return (ref.year - birth.dt.year - before.astype(float)).astype(float)


def _derive(attrs: pd.DataFrame, ref: pd.Timestamp, notes: list[str]) -> pd.DataFrame:
    """Age from birth date (when age is absent or blank) and days since sign-up."""
    if "birth_date" in attrs:
        age = _age(attrs["birth_date"], ref)
        if "age" not in attrs:
            attrs["age"] = age
            notes.append("Age worked out from the birth date.")
        else:
            current = pd.to_numeric(attrs["age"], errors="coerce")
            filled = int((current.isna() & age.notna()).sum())
            attrs["age"] = current.fillna(age)
            if filled:
                notes.append(f"Age worked out from the birth date for {n_customers(filled)} without an age.")
    if "signup_date" in attrs:
        signup = dates(attrs["signup_date"]).dt.normalize()
        attrs["days_since_signup"] = (ref.normalize() - signup).dt.days.astype(float)
    return attrs


def _join_attributes(
    frame: pd.DataFrame, customers: pd.DataFrame, ref: pd.Timestamp, has_orders: bool, notes: list[str]
) -> pd.DataFrame:
    """Outer-join the attribute table: attribute-only customers are prospects, buyers keep blanks."""
    if "customer_id" not in customers:
        raise ValueError("The customer file has no customer id column; map one on the data page.")
    attrs = customers.dropna(subset=["customer_id"])
    attrs = attrs.assign(customer_id=attrs["customer_id"].astype("str"))
    duplicated = attrs["customer_id"].duplicated()
    if duplicated.any():
        notes.append(f"{int(duplicated.sum())} repeated customer ids in the customer file: first row kept.")
        attrs = attrs[~duplicated]
    # a channel given in the customer file (e.g. retail or wholesale) describes where they buy
    attrs = attrs.set_index("customer_id").rename(columns={"channel": "preferred_channel"})
    unknown = [c for c in attrs.columns if c not in ATTRIBUTES and not str(c).startswith(EXTRA)]
    if unknown:
        notes.append(f"Columns not used as customer attributes: {', '.join(map(str, unknown))}.")
    attrs = _derive(attrs.drop(columns=unknown), ref, notes)
    if not has_orders:
        return attrs
    prospects = int((~attrs.index.isin(frame.index)).sum())
    unmatched = int((~frame.index.isin(attrs.index)).sum())
    if prospects:
        notes.append(f"Prospects with no orders yet (only in the customer file): {n_customers(prospects)}.")
    if unmatched:
        notes.append(
            f"Buyers missing from the customer file (their details are blank): {n_customers(unmatched)}."
        )
    joined = frame.join(attrs, how="outer", suffixes=("", "_attr"))  # type: ignore[call-arg]
    for column in ("country", "city"):  # the customer file wins; orders fill its blanks
        if f"{column}_attr" in joined:
            joined[column] = joined.pop(f"{column}_attr").astype(object).fillna(joined[column].astype(object))
    if "preferred_channel_attr" in joined:  # the orders' channel by spend wins; the file fills blanks
        own = joined.pop("preferred_channel_attr").astype(object)
        joined["preferred_channel"] = joined["preferred_channel"].astype(object).fillna(own)
    for column in ("frequency", "monetary", "units", "n_categories"):
        if column in joined:
            joined[column] = joined[column].fillna(0.0)
    return joined
