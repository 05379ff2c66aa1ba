"""The kind of a table, decided from its data: order history, customer list or event log.

Rules, in order (each states its reason, shown on the Data page and in ``inspect`` as ``why``):

1. an event-type column (view, cart, favourite, purchase, ...) -> ``events``;
2. a customer id, a date and a rating or review but no amount, quantity or order id -> ``events``
   (a review log);
3. customer ids that repeat, with a date column -> ``transactions`` (never a customer list whose
   repeats are set aside; without any date the rows cannot be orders);
4. an order id and an order date -> ``transactions``, even when each customer appears once; so
   does an order date with an amount on every row;
5. otherwise ``customers`` (every id unique, or no id at all).
"""

from __future__ import annotations

from typing import Any

from segmentation.errors import quote_ident

#: Ids repeat when fewer than this share of the rows carry distinct ids.
REPEAT_SHARE = 0.95


#: Above this size (bytes of text) a sample that already shows repeats is not followed by a full count.
LARGE_FILE = 16 << 20


def _large(raw: Any) -> bool:
    csv = getattr(raw, "csv", None)
    try:
        return csv is not None and csv.path.stat().st_size > LARGE_FILE
    except OSError:
        return False


def id_counts(raw: Any, column: str, values: list[str], complete: bool) -> tuple[int, int, bool]:
    """Rows with an id, distinct ids, and whether the counts cover the whole file: the sample is
    enough when it holds every row, or when a large file's first rows already show the ids
    repeating (a full count would cost a read of the file); otherwise one query."""
    if complete or (_large(raw) and len(set(values)) < REPEAT_SHARE * len(values)):
        return len(values), len(set(values)), complete
    c = quote_ident(column)
    row = raw.con.execute(
        f"SELECT count(nullif(trim({c}), '')), count(DISTINCT nullif(trim({c}), '')) FROM {raw.table}"
    ).fetchone()
    return (int(row[0]), int(row[1]), True) if row else (0, 0, True)


def infer_kind(
    raw: Any, roles: dict[str, str], values: dict[str, list[str]], complete: bool
) -> tuple[str, tuple[str, ...]]:
    """The table kind and the plain reasons for it."""
    by_role: dict[str, str] = {}
    for column, role in roles.items():
        by_role.setdefault(role, column)
    has = by_role.__contains__
    if has("event_type"):
        col = by_role["event_type"]
        shown = ", ".join(sorted(set(values[col]))[:4])
        return "events", (f"an event type column ('{col}': {shown})",)
    money = has("amount") or has("quantity") or has("unit_price")
    if (
        has("customer_id")
        and has("date")
        and (has("rating") or has("review"))
        and not (money or has("order_id"))
    ):
        feedback = by_role.get("review") or by_role.get("rating")
        return "events", (f"one row per review or rating ('{feedback}') with a customer id and a date",)
    if has("customer_id"):
        col = by_role["customer_id"]
        rows, distinct, whole = id_counts(raw, col, values[col], complete)
        where = "" if whole else " in the first rows"
        if distinct and distinct < REPEAT_SHARE * rows:
            if has("date"):
                return "transactions", (
                    f"ids repeat{where}: {rows:,} rows, {distinct:,} customers ('{col}')",
                )
            return "customers", (
                f"ids repeat ({rows:,} rows, {distinct:,} customers) but no column holds a date, so it "
                "cannot be an order history: read as a customer list, repeated ids set aside",
            )
        if has("order_id") and has("date"):
            return "transactions", (
                f"an order id ('{by_role['order_id']}') and an order date ('{by_role['date']}'); "
                f"each customer appears about once ({rows:,} rows, {distinct:,} customers)",
            )
        if has("date") and (has("amount") or (has("quantity") and has("unit_price"))):
            return "transactions", (
                f"an order date ('{by_role['date']}') and an amount on every row; each customer appears "
                f"about once ({rows:,} rows, {distinct:,} customers)",
            )
        unique = "every id is unique" if distinct == rows else "ids are (nearly) unique"
        return "customers", (f"{unique}: {rows:,} rows, {distinct:,} customers ('{col}')",)
    if has("date") and (has("order_id") or has("amount")):
        other = by_role.get("order_id") or by_role.get("amount")
        return "transactions", (f"an order date ('{by_role['date']}') and '{other}' but no customer id",)
    return "customers", ("no customer id and no order columns: one row per customer",)
