"""Event logs: browsing and engagement events (view, cart, favourite, purchase, review, rating) into
the canonical ``events`` relation, every row kept or set aside with a reason.

The relation has ``customer_id`` (VARCHAR), ``timestamp`` (TIMESTAMP), ``event_type`` (VARCHAR, one
of ``roles.EVENT_CANON``) and, when the file has them, ``category``, ``product`` (VARCHAR),
``price`` and ``rating`` (DOUBLE). A review log without an event-type column has one ``review``
(or ``rating``) event per row.
"""

from __future__ import annotations

from typing import Any

from segmentation.errors import quote_ident, quote_str, reading
from segmentation.intake.dates import date_sql, plausible_sql
from segmentation.intake.ledger import (
    REASONS,
    Intake,
    Ledger,
    flag_duplicates,
    notes_of,
    reason_key_sql,
    row_hash,
)
from segmentation.intake.roles import EVENT_CANON, EVENT_TYPES

#: Name of the canonical events relation in the dataset's DuckDB connection.
EVENTS = "events"


def _text(col: str) -> str:
    return f"nullif(trim({quote_ident(col)}), '')"


def _number(col: str) -> str:
    return f"try_cast(regexp_replace(trim({quote_ident(col)}), '[^0-9.\\-]', '', 'g') AS DOUBLE)"


def event_type_sql(col: str | None, fallback: str) -> str:
    """SQL normalising an event-type column to the canonical types (``other`` when unknown)."""
    if col is None:
        return quote_str(fallback)
    key = f"replace(lower(trim({quote_ident(col)})), ' ', '_')"
    whens = " ".join(
        f"WHEN {key} IN ({', '.join(quote_str(v) for v, t in EVENT_TYPES.items() if t == canon)}) "
        f"THEN {quote_str(canon)}"
        for canon in EVENT_CANON
        if any(t == canon for t in EVENT_TYPES.values())
    )
    canon_list = ", ".join(quote_str(c) for c in EVENT_CANON)
    return f"CASE {whens} WHEN {key} IN ({canon_list}) THEN {key} ELSE 'other' END"


def prepare_events(raw: Any, mapping: Any) -> Intake:
    """The canonical events of ``raw`` under ``mapping`` and the ledger of its rows."""
    con, col = raw.con, mapping.column
    tag = raw.table.removeprefix("raw_")
    staged, aside = f"staged_{tag}", f"aside_{tag}"
    fallback = "review" if col("review") else ("rating" if col("rating") else "other")
    price_col = col("unit_price") or col("amount")
    optional = {
        "category": _text(col("category")) if col("category") else None,
        "product": _text(col("product")) if col("product") else None,
        "price": _number(price_col) if price_col else None,
        "rating": _number(col("rating")) if col("rating") else None,
    }
    extras = "".join(f", {sql} AS {name}" for name, sql in optional.items() if sql)
    names = "".join(f", {name}" for name, sql in optional.items() if sql)
    code = {r: REASONS.index(r) for r in REASONS}
    date = date_sql(col("date"), mapping.date_formats.get(col("date"), "iso"))  # type: ignore[arg-type]
    while True:  # once, or twice when the file turns out not to be UTF-8 after all
        source, token = raw.scan()
        sql = f"""SELECT *, CASE WHEN customer_id IS NULL THEN {code["no_customer_id"]}
                      WHEN timestamp IS NULL THEN {code["unreadable_date"]}
                      WHEN NOT {plausible_sql("timestamp")} THEN {code["implausible_date"]}
                      END::UTINYINT AS reason
                  FROM (SELECT {_text(col("customer_id"))} AS customer_id, {date} AS timestamp,
                        {event_type_sql(col("event_type"), fallback)} AS event_type{extras},
                        {row_hash(raw.columns)} AS h FROM {source})"""  # type: ignore[arg-type]
        with reading(raw.name or "the file"):
            con.execute(f"CREATE OR REPLACE TEMP TABLE {staged} AS {sql}")
        n_rows = con.execute(f"SELECT count(*) FROM {staged}").fetchall()[0][0]
        if raw.finish_scan(token, n_rows):
            break
    flag_duplicates(con, staged)
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW {EVENTS} AS SELECT customer_id, timestamp, event_type{names}
            FROM {staged} WHERE reason IS NULL;
            CREATE OR REPLACE TEMP TABLE {aside} AS SELECT rowid AS _row, h, {reason_key_sql("reason")} AS reason
            FROM {staged} WHERE reason IS NOT NULL"""
    )
    counts: dict[str, int] = {}
    kept = 0
    for reason, n in con.execute(f"SELECT reason, count(*) FROM {staged} GROUP BY reason").fetchall():
        if reason is None:
            kept = int(n)
        else:
            counts[REASONS[reason]] = int(n)
    if raw.n_malformed:
        counts["malformed_line"] = raw.n_malformed
    ledger = Ledger(read=raw.n_rows + raw.n_malformed, kept=kept, set_aside=counts)
    return Intake(con, "events", ledger, events=EVENTS, notes=notes_of(ledger, False), raw=raw,
                  mapping=mapping, name=raw.name, set_aside_table=aside)  # fmt: skip
