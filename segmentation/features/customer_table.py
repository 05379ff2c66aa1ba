"""Customer feature table: canonical transactions and customer attributes → one row per customer.

Order features are aggregated in DuckDB (``order_features.py``), browsing features too
(``browsing.py``); customer attributes are joined in pandas here, and a customer list's precomputed
behaviour becomes the order features it summarises (``precomputed.py``). Every column gets a
catalog entry (``feature_catalog.py``: label, unit, family) so that the criteria pipeline, profiles
and pages can speak about it plainly.
"""

from __future__ import annotations

from contextlib import suppress

import duckdb
import pandas as pd

from segmentation.catalog import CustomerTable, Feature
from segmentation.errors import quote_relation
from segmentation.features.browsing import event_columns, event_features, join_events, last_event
from segmentation.features.feature_catalog import ATTRIBUTES, EXTRA, build_catalog, dates, typed
from segmentation.features.order_features import REQUIRED, WEEKDAYS, n_customers, slug, transaction_features
from segmentation.features.precomputed import precomputed_features

__all__ = ["REQUIRED", "WEEKDAYS", "build_customer_table", "slug"]


def build_customer_table(
    con: duckdb.DuckDBPyConnection,
    transactions: str | None,
    customers: pd.DataFrame | None,
    *,
    events: str | None = None,
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
        here are prospects (0 orders, 0 spend, no recency). Precomputed behaviour (``recency_days``,
        ``frequency``, ``monetary``, ``category_spend:<header>``, ``channel_orders:<header>``)
        gives the order features when there is no order history (see ``precomputed.py``);
        ``birth_year`` gives the age, ``signup_date`` the days as a customer.
    events : str, optional
        Name of a table or view in ``con`` with the canonical event columns (``customer_id``,
        ``timestamp``, ``event_type``, optional ``category``, ``product``, ``price``, ``rating``):
        browsing and feedback features (see ``browsing.py``). Alone, its users are the customers.
    has_time : bool
        Whether timestamps carry a time of day; without it ``preferred_hour`` is left out.
    reference_date : pandas.Timestamp, optional
        Date that recency, tenure and age are measured to; defaults to the day after the last order
        or event (or, without either, the day after the last sign-up, else today).
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
    if transactions is None and customers is None and events is None:
        raise ValueError(
            "There is nothing to build customers from: give orders, a customer file, an event log or several."
        )
    if max_categories < 1:
        raise ValueError("max_categories must be at least 1.")
    notes: list[str] = []
    frame = pd.DataFrame(index=pd.Index([], dtype="str", name="customer_id"))
    shares: dict[str, Feature] = {}
    if events is not None:
        event_columns(con, events)  # a missing log fails before any work is done
        if reference_date is None:
            reference_date = _activity_reference(con, transactions, events, notes)
    if transactions is not None:
        frame, reference_date, shares = transaction_features(
            con, transactions, has_time, reference_date, max_categories, notes
        )
    if reference_date is None:
        reference_date = _fallback_reference(customers, notes)
    reference_date = pd.Timestamp(reference_date)
    if customers is not None:
        frame, entries = _join_attributes(
            frame, customers, reference_date, transactions is not None, max_categories, notes
        )
        shares.update(entries)
    if events is not None:
        browsing = event_features(con, events, reference_date, notes)
        has_rows = transactions is not None or customers is not None
        frame = join_events(frame, browsing, notes, has_rows=has_rows, has_orders=transactions is not None)
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


def _activity_reference(
    con: duckdb.DuckDBPyConnection, transactions: str | None, events: str, notes: list[str]
) -> pd.Timestamp | None:
    """The day after the last order or event: days since the last visit are then never negative."""
    last = [last_event(con, events)]
    if transactions is not None:
        with suppress(duckdb.Error):  # a missing orders table is reported by the order features
            row = con.execute(f"SELECT max(ts) FROM {quote_relation(transactions)}").fetchone()
            last.append(pd.Timestamp(row[0]) if row and row[0] is not None else None)
    known = [t for t in last if t is not None]
    if not known:
        return None
    ref = max(known).normalize() + pd.Timedelta(days=1)
    what = "order or event" if transactions is not None else "event"
    notes.append(f"Reference date {ref:%Y-%m-%d}: the day after the last {what}.")
    return ref


def _fallback_reference(customers: pd.DataFrame | None, notes: list[str]) -> pd.Timestamp:
    """Reference date without orders: the day after the last sign-up, else today."""
    if customers is not None and "signup_date" in customers:
        last = dates(customers["signup_date"]).max()
        if pd.notna(last):
            ref = pd.Timestamp(last).normalize() + pd.Timedelta(days=1)
            notes.append(f"Reference date {ref:%Y-%m-%d}: the day after the last sign-up.")
            return ref
    ref = pd.Timestamp.today().normalize()
    if customers is not None and ({"birth_date", "birth_year"} & set(customers.columns)):
        notes.append(f"No order dates: ages are measured to today ({ref:%Y-%m-%d}).")
    return ref


def _age(birth: pd.Series, ref: pd.Timestamp) -> pd.Series:
    """Whole years between birth dates and the reference date."""
    birth = dates(birth)
    before = (birth.dt.month > ref.month) | ((birth.dt.month == ref.month) & (birth.dt.day > ref.day))
    return (ref.year - birth.dt.year - before.astype(float)).astype(float)


#: Ages outside this range come from a mistyped or placeholder birth year (1900, 2099, ...).
PLAUSIBLE_AGE = (0, 110)


def _age_from_year(years: pd.Series, ref: pd.Timestamp, notes: list[str]) -> pd.Series:
    """Age reached in the reference date's year; implausible ages left blank, with a note."""
    age = ref.year - pd.to_numeric(years, errors="coerce").astype(float)
    odd = age.notna() & ~age.between(*PLAUSIBLE_AGE)
    if odd.any():
        notes.append(
            f"Birth years giving an age under {PLAUSIBLE_AGE[0]} or over {PLAUSIBLE_AGE[1]} left blank: "
            f"{n_customers(int(odd.sum()))}."
        )
    return age.where(~odd)


def _fill_age(attrs: pd.DataFrame, age: pd.Series, source: str, notes: list[str]) -> None:
    """Age from ``source`` where the file gives none (the more precise sources come first)."""
    if "age" not in attrs:
        attrs["age"] = age
        notes.append(f"Age worked out from the {source}.")
        return
    current = pd.to_numeric(attrs["age"], errors="coerce")
    filled = int((current.isna() & age.notna()).sum())
    attrs["age"] = current.fillna(age)
    if filled:
        notes.append(f"Age worked out from the {source} for {n_customers(filled)} without an age.")


def _derive(attrs: pd.DataFrame, ref: pd.Timestamp, notes: list[str]) -> pd.DataFrame:
    """Age from birth date, then birth year (when age is absent or blank), and days since sign-up."""
    if "birth_date" in attrs:
        _fill_age(attrs, _age(attrs["birth_date"], ref), "birth date", notes)
    if "birth_year" in attrs:  # the age is the feature; the year itself would count twice
        _fill_age(attrs, _age_from_year(attrs.pop("birth_year"), ref, notes), "birth year", notes)
    if "signup_date" in attrs:
        signup = dates(attrs["signup_date"]).dt.normalize()
        attrs["days_since_signup"] = (ref.normalize() - signup).dt.days.astype(float)
    return attrs


#: Days as a customer on a customer list with precomputed behaviour: counted from the sign-up date.
_TENURE_FROM_SIGNUP = Feature(
    "tenure_days", "lifecycle", "Days as a customer", "numeric", "days",
    "Days from the sign-up date to the reference date (the customer file gives no first order date).",
)  # fmt: skip


def _attributes(
    customers: pd.DataFrame, ref: pd.Timestamp, covered: set[str], max_categories: int, notes: list[str]
) -> tuple[pd.DataFrame, dict[str, Feature]]:
    """The customer file indexed by id: attributes, derived ages and precomputed behaviour."""
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
    attrs, behaviour, entries = precomputed_features(attrs, covered, max_categories, notes)
    unknown = [c for c in attrs.columns if c not in ATTRIBUTES and not str(c).startswith(EXTRA)]
    unknown = [c for c in unknown if c != "birth_year"]
    if unknown:
        notes.append(f"Columns not used as customer attributes: {', '.join(map(str, unknown))}.")
    attrs = _derive(attrs.drop(columns=unknown), ref, notes)
    if "preferred_channel" in behaviour and "preferred_channel" in attrs:  # orders per channel win
        own = attrs.pop("preferred_channel").astype(object)
        behaviour["preferred_channel"] = behaviour["preferred_channel"].astype(object).fillna(own)
    if "recency_days" in behaviour and "days_since_signup" in attrs:
        # without order dates the sign-up is when they became a customer: lifecycle stages need it
        attrs["tenure_days"] = attrs.pop("days_since_signup")
        entries["tenure_days"] = _TENURE_FROM_SIGNUP
        notes.append("Days as a customer counted from the sign-up date.")
    return (behaviour.join(attrs) if len(behaviour.columns) else attrs), entries


def _join_attributes(
    frame: pd.DataFrame,
    customers: pd.DataFrame,
    ref: pd.Timestamp,
    has_orders: bool,
    max_categories: int,
    notes: list[str],
) -> tuple[pd.DataFrame, dict[str, Feature]]:
    """Outer-join the attribute table: attribute-only customers are prospects, buyers keep blanks."""
    attrs, entries = _attributes(
        customers, ref, set(frame.columns) if has_orders else set(), max_categories, notes
    )
    if not has_orders:
        return attrs, entries
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
    return joined, entries
