"""Customer feature table: canonical transactions and customer attributes → one row per customer.

All per-customer aggregation runs in one DuckDB query so that only the per-customer result (not the
order lines) ever reaches pandas. Every column gets a catalog entry (label, unit, family) so that the
criteria pipeline, profiles and pages can speak about it plainly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from segmentation.catalog import CONTACT, FAMILIES, CustomerTable, Feature

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
REQUIRED = ("customer_id", "order_id", "ts", "amount", "is_return")

# (family, label, kind, unit, description, skewed) for every fixed column, in display order.
_SPECS: dict[str, tuple[str, str, str, str, str, bool]] = {
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
    "units": ("behavioural", "Items bought (net of returns)", "numeric", "items",
              "Items bought minus items returned.", True),
    "preferred_weekday": ("behavioural", "Favourite day to shop", "categorical", "",
                          "Day of the week with the most orders.", False),
    "preferred_hour": ("behavioural", "Favourite hour to shop", "numeric", "hour of day",
                       "Hour of the day (0-23) with the most orders.", False),
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
    "rating": ("feedback", "Rating given", "numeric", "score", "Rating the customer gave.", False),
    "nps": ("feedback", "Likelihood to recommend (NPS)", "numeric", "score 0-10",
            "Answer to 'How likely are you to recommend us?'.", False),
    "first_name": (CONTACT, "First name", "text", "", "First name, for exports only.", False),
    "last_name": (CONTACT, "Last name", "text", "", "Last name, for exports only.", False),
    "email": (CONTACT, "E-mail", "text", "", "E-mail address, for exports only.", False),
    "phone": (CONTACT, "Phone", "text", "", "Phone number, for exports only.", False),
    "postcode": (CONTACT, "Postcode", "text", "", "Postcode, for exports only.", False),
    "consent": (CONTACT, "Marketing consent", "boolean", "", "Whether the customer agreed to marketing.", False),
    "review": (CONTACT, "Review", "text", "", "Free-text review, shown but never clustered on.", False),
}  # fmt: skip

_ATTRIBUTES = {name for name, spec in _SPECS.items() if spec[0] not in ("behavioural", "value")} - {
    "first_order_days_ago", "days_since_signup", "n_categories", "favourite_category", "preferred_channel",
}  # fmt: skip
_ORDER = {family: i for i, family in enumerate((*FAMILIES, CONTACT))}


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
        frame, reference_date, shares = _transaction_features(
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
    catalog = _catalog(frame, shares)
    frame = _typed(frame, catalog)
    return CustomerTable(frame=frame, catalog=catalog, reference_date=reference_date, notes=tuple(notes))


# ---------------------------------------------------------------------------- transactions (DuckDB)


def slug(value: object) -> str:
    """Column-name-safe slug of a category or channel (``"Home & Garden"`` → ``"home_garden"``)."""
    return re.sub(r"[^0-9a-z]+", "_", str(value).lower()).strip("_")[:40] or "blank"


def _quote(relation: str) -> str:
    """Quote a possibly schema-qualified relation name so that any spelling is safe in SQL."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in relation.split("."))


def _overview(
    con: duckdb.DuckDBPyConnection, rel: str, mixed: Sequence[str]
) -> tuple[Any, dict[str, tuple[list[str], bool]]]:
    """One scan: the last timestamp, and for each mixed column its values by net revenue (highest
    first, ties alphabetical) and whether some lines leave it blank."""
    flags = "".join(f', grouping("{c}")' for c in mixed)
    keys = "".join(f', "{c}"' for c in mixed)
    sets = "".join(f'("{c}"), ' for c in mixed)
    sql = f"SELECT max(ts), sum(amount){flags}{keys} FROM {rel} GROUP BY GROUPING SETS ({sets}())"
    rows = con.execute(sql).fetchall()
    n = len(mixed)
    last_ts = next((r[0] for r in rows if all(r[2 : 2 + n])), None)  # the grand-total row
    ranked: dict[str, tuple[list[str], bool]] = {}
    for i, column in enumerate(mixed):
        own = [(r[2 + n + i], r[1] or 0.0) for r in rows if r[2 + i] == 0]
        values = sorted((v for v in own if v[0] is not None), key=lambda v: (-v[1], str(v[0])))
        ranked[column] = ([str(v[0]) for v in values], any(v[0] is None for v in own))
    return last_ts, ranked


def _share_names(values: Sequence[str], prefix: str) -> list[str]:
    """Unique column names for the top values; ``<prefix>other`` is reserved for the pooled rest."""
    names: list[str] = []
    for value in values:
        base = name = f"{prefix}{slug(value)}"
        n = 2
        while name in names or name == f"{prefix}other":
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


def _mix_cte(
    column: str, count: str, favourite: str, names: list[str], other: str | None, source: str
) -> str:
    """CTE: distinct count, favourite value and spend shares of one column per customer.

    ``source`` yields ``customer_id, v, s`` (value and purchase spend) at customer-value grain.
    Conditional sums use CASE inside the aggregate: DuckDB runs each FILTER clause as its own pass.
    """
    shares = [f"coalesce(sum(CASE WHEN v = ? THEN s END), 0) / nullif(sum(s), 0) AS {n}" for n in names]
    if other:
        marks = ", ".join("?" * len(names))
        shares.append(
            f"1 - coalesce(sum(CASE WHEN v IN ({marks}) THEN s END), 0) / nullif(sum(s), 0) AS {other}"
        )
    # min over (-spend, value): the highest spend wins, ties go to the alphabetically first value
    return (
        f"{column} AS (SELECT customer_id, count(v)::DOUBLE AS {count}, "
        f"min(CASE WHEN v IS NOT NULL AND s > 0 THEN {{'a': -s, 'b': v}} END).b AS {favourite}, "
        f"{', '.join(shares)} FROM ({source}) GROUP BY customer_id)"
    )


#: Top categories counted with a bit each; categories beyond them are counted by a grouping.
_BITS = 63


def _category_ctes(
    rel: str, top: Sequence[str], names: list[str], other: str | None, rest: bool
) -> list[str]:
    """CTEs: category spend shares, distinct categories bought and favourite category per customer.

    Spend per top category comes from conditional sums in the order pass (``o.cs<i>``); only lines of
    categories outside the top ones (``rest``: when there are more categories than shares) are
    grouped by customer and category, for their count and best spend. The favourite is the highest
    spend, ties alphabetical, exactly as a full customer-by-category grouping would give.
    """
    bits = min(len(top), _BITS)
    ctes = []
    if rest:
        ctes.append(
            "cat_rest AS (SELECT customer_id, count(v) AS n_rest, min(CASE WHEN s > 0 THEN {'a': -s, 'b': v} END) "
            f"AS best FROM (SELECT customer_id, category AS v, sum(greatest(amount, 0)) AS s FROM {rel} "
            f"WHERE NOT is_return AND category IS NOT NULL AND coalesce(list_position(?, category), 0) NOT BETWEEN 1 "
            f"AND {bits} GROUP BY ALL) GROUP BY customer_id)"
        )
    candidates = [f"CASE WHEN cs{i} > 0 THEN {{'a': -cs{i}, 'b': {_lit(v)}}} END" for i, v in enumerate(top)]
    shares = [f"coalesce(cs{i}, 0) / nullif(cs_all, 0) AS {n}" for i, n in enumerate(names)]
    if other:
        spent = " + ".join(f"coalesce(cs{i}, 0)" for i in range(len(top)))
        shares.append(f"1 - ({spent}) / nullif(cs_all, 0) AS {other}")
    n_rest = " + coalesce(r.n_rest, 0)" if rest else ""
    best = ", r.best" if rest else ""
    ctes.append(
        f"category AS (SELECT customer_id, (coalesce(bit_count(cbits), 0){n_rest})::DOUBLE AS n_categories, "
        f"list_min([{', '.join(candidates)}{best}]).b AS favourite_category, {', '.join(shares)} "
        f"FROM o {'LEFT JOIN cat_rest r USING (customer_id)' if rest else ''})"
    )
    return ctes


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _mode_cte(column: str) -> str:
    """CTE: each customer's most frequent non-blank ``column`` over orders (ties: alphabetically first)."""
    return (
        f"{column}_mode AS (SELECT customer_id, min({{'a': -n, 'b': v}}).b AS {column} FROM "
        f"(SELECT customer_id, {column} AS v, count(*) AS n FROM ol WHERE {column} IS NOT NULL GROUP BY ALL) "
        "GROUP BY customer_id)"
    )


def _orders_ctes(rel: str, cols: set[str], has_time: bool, top: Sequence[str]) -> list[str]:
    """CTEs at order grain (``ol``: one aggregation of the lines), then per customer (``o``, no window:
    the longest gap comes from each customer's sorted list of order dates); purchase orders are those
    with at least one non-return line (their ``ts``). Return-only orders keep ``ts`` NULL."""
    # channel, country and city describe the order, not the line: one value per order is enough
    extra = "".join(f', min("{c}") AS {c}' for c in ("channel", "country", "city") if c in cols)
    qty = ", sum(quantity) AS qty" if "quantity" in cols else ""
    days = ", ".join(f"count(CASE WHEN d = {d} THEN 1 END)" for d in range(1, 8))
    lines, cat_sums, cat_totals = rel, "", ""
    if top:  # spend per top category, total purchase spend, bits of the top categories bought
        lines = (f"(SELECT *, CASE WHEN is_return THEN 0.0 ELSE greatest(amount, 0) END AS s, "
                 f"list_position(?, category) AS ci FROM {rel})")  # fmt: skip
        bits = min(len(top), _BITS)
        cat_sums = "".join(f", sum(CASE WHEN ci = {i + 1} THEN s END) AS cs{i}" for i in range(len(top)))
        cat_sums += (f", sum(s) AS cs_all, bit_or(CASE WHEN NOT is_return AND ci <= {bits} "
                     "THEN 1::UBIGINT << (ci - 1) END) AS cbits")  # fmt: skip
        cat_totals = "".join(f", sum(cs{i}) AS cs{i}" for i in range(len(top)))
        cat_totals += ", sum(cs_all) AS cs_all, bit_or(cbits) AS cbits"
    ctes = [
        "ol AS MATERIALIZED (SELECT customer_id, min(CASE WHEN NOT is_return THEN ts END) AS ts, "
        "sum(amount) AS amount, sum(CASE WHEN NOT is_return THEN greatest(amount, 0) END) AS spend, "
        f"count(*) AS n_lines, count(CASE WHEN is_return THEN 1 END) AS n_ret{qty}{extra}{cat_sums} "
        f"FROM {lines} GROUP BY customer_id, order_id)",
        "o AS (SELECT customer_id, sum(n_ret) / sum(n_lines) AS return_rate, sum(amount)::DOUBLE AS monetary"
        f"{', sum(qty)::DOUBLE AS units' if qty else ''}, count(ts) AS n_orders, min(ts)::DATE AS first_d, "
        "max(ts)::DATE AS last_d, list_sort(list(ts::DATE)) AS dates, "  # NULLs (return-only orders) sort last
        f"list_value({days}) AS wc, CASE WHEN count(ts) > 0 THEN list_position(wc, list_max(wc)) END AS weekday"
        f"{cat_totals} "
        "FROM (SELECT *, isodow(ts) AS d FROM ol) GROUP BY customer_id)",
    ]  # fmt: skip
    if has_time:  # most orders per hour, ties to the earliest hour
        ctes.append("hr AS (SELECT customer_id, arg_max(h, n * 32 - h) AS hour FROM (SELECT customer_id, "
                    "hour(ts) AS h, count(*) AS n FROM ol WHERE ts IS NOT NULL GROUP BY ALL) GROUP BY customer_id)")  # fmt: skip
    return ctes


def _transaction_features(
    con: duckdb.DuckDBPyConnection,
    transactions: str,
    has_time: bool,
    reference_date: pd.Timestamp | None,
    max_categories: int,
    notes: list[str],
) -> tuple[pd.DataFrame, pd.Timestamp | None, dict[str, Feature]]:
    """Aggregate the transactions relation to one row per customer: one scan for the overview, one query."""
    rel = _quote(transactions)
    try:
        cols = {d[0] for d in con.execute(f"SELECT * FROM {rel} LIMIT 0").description}
    except duckdb.Error as err:
        raise ValueError(f"The orders table '{transactions}' could not be found.") from err
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise ValueError(
            f"The orders table lacks the column(s) {', '.join(missing)}; map them on the data page."
        )
    mixed = [c for c in ("category", "channel") if c in cols]
    last_ts, ranked = _overview(con, rel, mixed)
    if reference_date is None and last_ts is not None:
        reference_date = pd.Timestamp(last_ts).normalize() + pd.Timedelta(days=1)
        notes.append(f"Reference date {reference_date:%Y-%m-%d}: the day after the last order.")
    elif reference_date is not None and last_ts is not None and pd.Timestamp(last_ts) > reference_date:
        notes.append("Some orders are dated after the reference date: their recency counts as negative days.")
    ref = f"DATE '{pd.Timestamp(reference_date or pd.Timestamp.today()):%Y-%m-%d}'"

    cat_top = ranked.get("category", ([], False))[0][:max_categories]
    ctes = _orders_ctes(rel, cols, has_time, cat_top)
    params: list[Any] = [cat_top] if cat_top else []
    selects = [
        "o.customer_id, o.return_rate, o.monetary",
        *(["o.units"] if "quantity" in cols else []),
        f"date_diff('day', o.last_d, {ref})::DOUBLE AS recency_days",
        "coalesce(o.n_orders, 0)::DOUBLE AS frequency",
        f"date_diff('day', o.first_d, {ref})::DOUBLE AS tenure_days",
        f"date_diff('day', o.first_d, {ref})::DOUBLE AS first_order_days_ago",
        "CASE WHEN o.n_orders > 1 THEN date_diff('day', o.first_d, o.last_d) / (o.n_orders - 1) END "
        "AS mean_days_between_orders",
        "list_max(list_transform(range(1, len(o.dates)), lambda i: date_diff('day', o.dates[i], o.dates[i + 1])))"
        "::DOUBLE AS max_gap_days",
        "o.monetary / nullif(o.n_orders, 0) AS avg_order_value",
        "o.weekday::DOUBLE AS weekday",
        *(["hr.hour::DOUBLE AS preferred_hour"] if has_time else []),
    ]
    joins: list[str] = ["LEFT JOIN hr USING (customer_id)"] if has_time else []
    sources = {
        "channel": "SELECT customer_id, channel AS v, sum(spend) AS s FROM ol WHERE ts IS NOT NULL GROUP BY ALL",
    }
    shares: dict[str, Feature] = {}
    mixes = (("category", "share_cat_", "n_categories", "favourite_category", "product_usage", "categories"),
             ("channel", "share_ch_", "n_channels", "preferred_channel", "channel", "channels"))  # fmt: skip
    for column, prefix, count, favourite, family, words in mixes:
        values, blank = ranked.get(column, ([], False))
        top, pooled = values[:max_categories], len(values) > max_categories or blank
        if not top:
            notes.append(f"No {column} in the orders: {column} features left out.")
            continue
        names = _share_names(top, prefix)
        other = f"{prefix}other" if pooled else None
        if column == "category":
            rest = len(values) > min(max_categories, _BITS)
            ctes += _category_ctes(rel, top, names, other, rest)
            params += [top] if rest else []
        else:
            ctes.append(_mix_cte(column, count, favourite, names, other, sources[column]))
            params += [*top, *(top if pooled else [])]
        selects.append(f"{column}.* EXCLUDE (customer_id)")
        joins.append(f"LEFT JOIN {column} USING (customer_id)")
        for name, value in zip(names, top, strict=True):
            shares[name] = _share_feature(name, family, value)
        if other:
            shares[other] = _share_feature(other, family, f"other {words}")
            notes.append(f"Spend shares cover the top {len(top)} {words} by revenue; the others are pooled.")
    for column in ("country", "city"):
        if column in cols:
            ctes.append(_mode_cte(column))
            selects.append(f"{column}_mode.{column}")
            joins.append(f"LEFT JOIN {column}_mode USING (customer_id)")
    # sorted in DuckDB (parallel): pandas' sort_index then only checks the order
    sql = (
        f"WITH {', '.join(ctes)} SELECT {', '.join(selects)} FROM o {' '.join(joins)} ORDER BY o.customer_id"
    )
    # through Arrow: strings arrive as Arrow-backed columns (``.df()`` makes Python objects, 4x slower)
    frame = con.sql(sql, params=params).to_arrow_table().to_pandas()
    frame = frame.set_index("customer_id").drop(columns=["n_channels"], errors="ignore")

    codes = frame.pop("weekday").fillna(0).to_numpy(dtype=np.int64) - 1
    frame["preferred_weekday"] = pd.Categorical.from_codes(
        codes, dtype=pd.CategoricalDtype(list(WEEKDAYS), ordered=True)
    )
    for column in ("frequency", "monetary", "units", "n_categories"):
        if column in frame:
            frame[column] = frame[column].fillna(0.0)
    only_returns = int((frame["frequency"] == 0).sum())
    if only_returns:
        notes.append(f"Only returns, no purchase in this period (counted as 0 orders): {_n(only_returns)}.")
    if not has_time:
        notes.append("No timestamps with a time of day: preferred hour left out.")
    return frame, reference_date, shares


def _n(count: int) -> str:
    return f"{count:,} customer{'s' if count != 1 else ''}"


def _share_feature(name: str, family: str, value: str) -> Feature:
    return Feature(
        name, family, f"Share of spend on {value}", "numeric", "share",
        f"Part of the customer's spend (0 to 1) that went to {value}.", False,
    )  # fmt: skip


# ---------------------------------------------------------------------------- customer attributes


def _fallback_reference(customers: pd.DataFrame | None, notes: list[str]) -> pd.Timestamp:
    """Reference date without orders: the day after the last sign-up, else today."""
    if customers is not None and "signup_date" in customers:
        last = _dates(customers["signup_date"]).max()
        if pd.notna(last):
            ref = pd.Timestamp(last).normalize() + pd.Timedelta(days=1)
            notes.append(f"Reference date {ref:%Y-%m-%d}: the day after the last sign-up.")
            return ref
    ref = pd.Timestamp.today().normalize()
    if customers is not None and "birth_date" in customers:
        notes.append(f"No order dates: ages are measured to today ({ref:%Y-%m-%d}).")
    return ref


def _dates(values: pd.Series) -> pd.Series:
    """Timezone-naive datetimes (unreadable values become missing)."""
    out = pd.to_datetime(values, errors="coerce")
    return out.dt.tz_localize(None) if out.dt.tz is not None else out


def _age(birth: pd.Series, ref: pd.Timestamp) -> pd.Series:
    """Whole years between birth dates and the reference date."""
    birth = _dates(birth)
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
                notes.append(f"Age worked out from the birth date for {_n(filled)} without an age.")
    if "signup_date" in attrs:
        signup = _dates(attrs["signup_date"]).dt.normalize()
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
    attrs = attrs.set_index("customer_id")
    unknown = [c for c in attrs.columns if c not in _ATTRIBUTES]
    if unknown:
        notes.append(f"Columns not used as customer attributes: {', '.join(map(str, unknown))}.")
    attrs = _derive(attrs.drop(columns=unknown), ref, notes)
    if not has_orders:
        return attrs
    prospects = int((~attrs.index.isin(frame.index)).sum())
    unmatched = int((~frame.index.isin(attrs.index)).sum())
    if prospects:
        notes.append(f"Prospects with no orders yet (only in the customer file): {_n(prospects)}.")
    if unmatched:
        notes.append(f"Buyers missing from the customer file (their details are blank): {_n(unmatched)}.")
    joined = frame.join(attrs, how="outer", suffixes=("", "_attr"))  # type: ignore[call-arg]
    for column in ("country", "city"):  # the customer file wins; orders fill its blanks
        if f"{column}_attr" in joined:
            joined[column] = joined.pop(f"{column}_attr").astype(object).fillna(joined[column].astype(object))
    for column in ("frequency", "monetary", "units", "n_categories"):
        if column in joined:
            joined[column] = joined[column].fillna(0.0)
    return joined


# ---------------------------------------------------------------------------- dtypes and catalog


def _typed(frame: pd.DataFrame, catalog: Sequence[Feature]) -> pd.DataFrame:
    """Float for numbers, category for categoricals, nullable boolean, str for tags and text."""
    out: dict[str, pd.Series] = {}
    for f in catalog:
        col = frame[f.name]
        if f.kind == "numeric":
            out[f.name] = pd.to_numeric(col, errors="coerce").astype(float)
        elif f.kind == "categorical":
            out[f.name] = (
                col if isinstance(col.dtype, pd.CategoricalDtype) else col.astype("str").astype("category")
            )
        elif f.kind == "boolean":
            out[f.name] = col.astype("boolean")
        elif f.kind == "date":
            out[f.name] = _dates(col)
        else:
            out[f.name] = col.astype("str")
    return pd.DataFrame(out, index=frame.index)


def _catalog(frame: pd.DataFrame, shares: dict[str, Feature]) -> tuple[Feature, ...]:
    """Catalog entries for every column, ordered by family and then by the house order of features."""
    rank = {name: i for i, name in enumerate(_SPECS)}
    anchors = {"share_cat_": rank["favourite_category"], "share_ch_": rank["preferred_channel"]}
    features = []
    for name in frame.columns:
        if name in shares:
            feature = shares[name]
            position = anchors["share_cat_" if name.startswith("share_cat_") else "share_ch_"] + 0.5
        else:
            family, label, kind, unit, description, skewed = _SPECS[name]
            feature = Feature(name, family, label, kind, unit, description, skewed)  # type: ignore[arg-type]
            position = rank[name]
        features.append((_ORDER[feature.family], position, feature))
    features.sort(key=lambda item: (item[0], item[1]))  # stable: shares keep their revenue order
    return tuple(f for _, _, f in features)
