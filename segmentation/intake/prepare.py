"""Preparing: a raw text table and its mapping -> the canonical table, every row kept or set aside.

Transactions are typed in DuckDB, one pass over the file; customer lists (small) in pandas, see
``customer_list.py``. Each row set aside gets exactly one reason (the first failing check in
``ledger.REASONS`` order), so the ledger always reconciles.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from segmentation.errors import DataError, quote_ident, reading
from segmentation.intake.customer_list import prepare_customers
from segmentation.intake.dates import date_sql, plausible_sql
from segmentation.intake.events import prepare_events
from segmentation.intake.io import read_table
from segmentation.intake.ledger import (
    REASONS,
    Intake,
    Ledger,
    flag_duplicates,
    notes_of,
    reason_key_sql,
    row_hash,
)
from segmentation.intake.roles import CANCELLED_STATUSES
from segmentation.intake.schema import name_as_product, suggest_mapping, validate_mapping

#: Text columns kept for the features; ``product`` for the next-product suggestions.
_OPTIONAL_TEXT = ("category", "channel", "country", "city", "product")


def number_sql(col: str, decimal_comma: bool) -> str:
    """SQL turning a text column into DOUBLE: currency signs, spaces, thousands separators and
    decimal commas handled; ``(12.50)`` read as negative; NULL when not a number."""
    x = quote_ident(col)
    negative = f"CASE WHEN contains({x}, '(') AND contains({x}, ')') THEN -1 ELSE 1 END"
    if decimal_comma:
        digits = f"replace(replace(regexp_replace({x}, '[^0-9,.\\-]', '', 'g'), '.', ''), ',', '.')"
        return f"({negative} * try_cast({digits} AS DOUBLE))"
    digits = f"regexp_replace({x}, '[^0-9.\\-]', '', 'g')"
    cleaned = f"CASE WHEN regexp_matches({x}, '[0-9]') THEN {negative} * try_cast({digits} AS DOUBLE) END"
    return f"coalesce(try_cast({x} AS DOUBLE), {cleaned})"


def _text_sql(col: str) -> str:
    """Text cell with surrounding spaces removed, blank as NULL; trim (which copies) only when needed."""
    x = quote_ident(col)
    return f"CASE WHEN {x} LIKE ' %' OR {x} LIKE '% ' THEN nullif(trim({x}), '') ELSE nullif({x}, '') END"


def prepare(raw: Any, mapping: Any, *, drop_zero_price: bool = False) -> Intake:
    """Build the canonical table of ``raw`` under ``mapping`` and its ledger.

    Transactions are built with SQL in DuckDB, one pass; each row is kept or set aside for the first
    failing check in ``REASONS`` order. Returns and cancellations (negative quantity or amount, or an
    order id like ``C123``) are kept as negative revenue with ``is_return``. Zero-price lines are
    kept unless ``drop_zero_price`` (on the UCI online-retail file dropping them would lose a customer
    whose only lines are free items).

    Raises
    ------
    DataError
        When the mapping cannot work (see ``schema.validate_mapping``) or no row can be kept.
    """
    validate_mapping(mapping, raw.columns)
    mapping = mapping.replace(roles=name_as_product(mapping.roles))
    if mapping.kind == "customers":
        return prepare_customers(raw, mapping)
    if mapping.kind == "events":
        return prepare_events(raw, mapping)
    return _prepare_transactions(raw, mapping, drop_zero_price)


def _prepare_transactions(raw: Any, mapping: Any, drop_zero_price: bool) -> Intake:
    con, col = raw.con, mapping.column
    tag = raw.table.removeprefix("raw_")
    staged, aside = f"staged_{tag}", f"aside_{tag}"
    texts = "".join(", " + r for r in _OPTIONAL_TEXT if col(r)) + (", discount" if col("discount") else "")
    rate = _discount_is_rate(raw, mapping)
    while True:  # once, or twice when the file turns out not to be UTF-8 after all
        source, token = raw.scan()
        with reading(raw.name or "the file"):
            sql = _staged_sql(raw, mapping, source, drop_zero_price, rate)
            con.execute(f"CREATE OR REPLACE TEMP TABLE {staged} AS {sql}")
        n_rows = con.execute(f"SELECT count(*) FROM {staged}").fetchall()[0][0]
        if raw.finish_scan(token, n_rows):
            break
    flag_duplicates(con, staged)
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW {_TX} AS SELECT customer_id, order_id, ts, amount, quantity,
            is_return {texts} FROM {staged} WHERE reason IS NULL;
            CREATE OR REPLACE TEMP TABLE {aside} AS SELECT rowid AS _row, h, {reason_key_sql("reason")} AS reason
            FROM {staged} WHERE reason IS NOT NULL;
            ALTER TABLE {staged} DROP COLUMN h"""
    )  # the row hashes were only needed for duplicates and set-aside rows: 8 bytes a line freed
    counts: dict[str, int] = {}
    kept, has_time = 0, False
    for code, n, timed in con.execute(
        f"SELECT reason, count(*), bool_or(ts <> date_trunc('day', ts)) FROM {staged} GROUP BY reason"
    ).fetchall():
        if code is None:
            kept, has_time = n, bool(timed)
        else:
            counts[REASONS[code]] = n
    if raw.n_malformed:
        counts["malformed_line"] = raw.n_malformed
    ledger = Ledger(read=raw.n_rows + raw.n_malformed, kept=kept, set_aside=counts)
    notes = notes_of(ledger, col("order_id") is None)
    return Intake(con, "transactions", ledger, transactions=_TX, has_time=bool(has_time), notes=notes,
                  raw=raw, mapping=mapping, name=raw.name, set_aside_table=aside,
                  product_names=product_names(raw, mapping))  # fmt: skip


def product_names(raw: Any, mapping: Any) -> pd.Series | None:
    """Product code -> the name it carries on most lines (ties: the first name in sort order), or
    None without a name column. Where codes share a name, the one on most lines keeps it and the
    others carry their code too ("Mug (M2)"), so each name stands for one product.

    One grouped scan of the file into a small series: a name on every canonical line would add a
    text column to the largest table the intake holds.
    """
    product, name = mapping.column("product"), mapping.column("product_name")
    if product is None or name is None:
        return None
    frame = raw.con.sql(
        f"""WITH pairs AS (  -- lines grouped first, so only the distinct pairs are trimmed
                SELECT {_text_sql(product)} AS product, {_text_sql(name)} AS name, sum(n) AS lines
                FROM (SELECT {quote_ident(product)}, {quote_ident(name)}, count(*) AS n
                      FROM {raw.table} GROUP BY ALL) GROUP BY ALL),
            top AS (SELECT * FROM pairs WHERE product IS NOT NULL AND name IS NOT NULL
                    QUALIFY row_number() OVER (PARTITION BY product ORDER BY lines DESC, name) = 1)
            SELECT product, CASE WHEN row_number() OVER (PARTITION BY name ORDER BY lines DESC, product) = 1
                                 THEN name ELSE name || ' (' || product || ')' END AS product_name
            FROM top"""
    ).df()
    return frame.set_index("product")["product_name"]


def _discount_is_rate(raw: Any, mapping: Any) -> bool:
    """Whether the discount column holds rates (every value between 0 and 1) rather than amounts."""
    column = mapping.column("discount")
    if column is None:
        return False
    x = number_sql(column, mapping.decimal_comma.get(column, False))
    row = raw.con.execute(f"SELECT max(abs({x})) FROM {raw.table}").fetchone()
    return bool(row and row[0] is not None and row[0] <= 1)


def _staged_sql(raw: Any, mapping: Any, source: str, drop_zero_price: bool, rate: bool = False) -> str:
    """One SELECT from the file to typed canonical columns, the raw-row hash ``h`` and the reason
    code (position in ``REASONS``, NULL when kept) of every row; duplicates are flagged afterwards.

    Each nesting level computes its columns once (DuckDB does not share repeated expressions).
    """
    roles, col = mapping.roles, mapping.column
    num = {c: number_sql(c, mapping.decimal_comma.get(c, False)) for c in roles}
    qty = num[col("quantity")] if col("quantity") else "NULL::DOUBLE"
    price = num[col("unit_price")] if col("unit_price") else "NULL::DOUBLE"
    amount = num[col("amount")] if col("amount") else "NULL::DOUBLE"
    order = _text_sql(col("order_id")) if col("order_id") else "NULL::VARCHAR"
    extras = "".join(f", {_text_sql(col(r))} AS {r}" for r in _OPTIONAL_TEXT if col(r))  # type: ignore[arg-type]
    texts = "".join(", " + r for r in _OPTIONAL_TEXT if col(r))
    if col("discount"):  # a canonical amount: a rate times the line amount
        extras += f", {num[col('discount')]} AS discount"
        texts += ", abs(discount * amount) AS discount" if rate else ", abs(discount) AS discount"
    date = date_sql(col("date"), mapping.date_formats.get(col("date"), "iso"))  # type: ignore[arg-type]
    zero = "coalesce(unit_price = 0, amount = 0)" if drop_zero_price else "false"
    # C and digits only, as shop exports mark cancellations (C536379); a hex id such as Olist's
    # c4a3f1... is an order like any other. The regex only runs on ids starting with C.
    cancelled = (
        "CASE WHEN order_id[1] IN ('C', 'c') THEN regexp_matches(order_id, '^[Cc][0-9]+$') ELSE false END"
        if col("order_id")
        else "false"
    )
    # an order whose status says it never became a purchase (Olist's "canceled", Shopify's "voided")
    words = ", ".join(f"'{w}'" for w in CANCELLED_STATUSES)
    status = f", lower({_text_sql(col('order_status'))}) AS order_status" if col("order_status") else ""
    cancelled_status = f"coalesce(order_status IN ({words}), false)" if status else "false"
    order_expr = "order_id" if col("order_id") else "customer_id || '|' || CAST(CAST(ts AS DATE) AS VARCHAR)"
    code = {r: REASONS.index(r) for r in REASONS}
    # without an amount (nor quantity and price) orders are counted and spend stays unknown (NULL)
    has_amount = "true" if col("amount") or (col("quantity") and col("unit_price")) else "false"
    return f"""
        SELECT customer_id, {order_expr} AS order_id, ts,
            CASE WHEN is_return THEN -abs(amount) ELSE amount END AS amount, quantity, is_return
            {texts}, h,
            CASE WHEN customer_id IS NULL THEN {code["no_customer_id"]}
                 WHEN ts IS NULL THEN {code["unreadable_date"]}
                 WHEN NOT {plausible_sql("ts")} THEN {code["implausible_date"]}
                 WHEN {cancelled_status} THEN {code["cancelled_order"]}
                 WHEN {has_amount} AND (amount IS NULL OR isnan(amount) OR isinf(amount)) THEN {code["amount_not_number"]}
                 WHEN {zero} THEN {code["zero_price"]} END::UTINYINT AS reason
        FROM (SELECT *, (coalesce(quantity < 0, false) OR coalesce(amount < 0, false) OR coalesce({cancelled}, false)) AS is_return
        FROM (SELECT * EXCLUDE (amount), {"amount" if col("amount") else "quantity * unit_price"} AS amount
        FROM (SELECT {_text_sql(col("customer_id"))} AS customer_id, {order} AS order_id, {date} AS ts,
                     {qty} AS quantity, {price} AS unit_price, {amount} AS amount{extras}{status},
                     {row_hash(raw.columns)} AS h
              FROM {source})))"""


_TX = "transactions"


def load(
    source: Any,
    *,
    name: str | None = None,
    sheet: str | None = None,
    mapping: Any = None,
    con: Any = None,
    options: Any = None,
) -> Intake:
    """Read, understand and prepare a file in one call (``mapping`` defaults to the suggestion).

    Examples
    --------
    >>> intake = load(b"customer,date,amount\\nc1,2024-01-02,10\\n", name="orders.csv")
    >>> intake.ledger.to_dict()
    {'read': 1, 'kept': 1, 'set_aside': {}}
    """
    raw = read_table(source, name=name, sheet=sheet, con=con, options=options)
    notes: tuple[str, ...] = ()
    if mapping is None:
        suggestion = suggest_mapping(raw)
        mapping, notes = suggestion.mapping, suggestion.notes
    intake = prepare(raw, mapping)
    intake.notes = (*intake.notes, *notes)
    if intake.ledger.kept == 0:
        raise DataError(
            f"No row of {name or 'the file'} could be used: {intake.ledger.summary()}. Check that the "
            "right columns are chosen for customer id, date and amount."
        )
    return intake
