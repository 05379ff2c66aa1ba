"""The ledger: every row read is either kept or set aside for exactly one plain-language reason.

The ledger is what lets a marketer trust the numbers: "541,909 lines read, 406,829 kept, 135,080 set
aside because they have no customer id" always adds up, and nothing disappears silently.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from segmentation.errors import quote_ident, reading

#: Reasons in precedence order: a row failing several checks is counted under the first one.
REASONS: tuple[str, ...] = (
    "malformed_line",
    "no_customer_id",
    "unreadable_date",
    "implausible_date",
    "cancelled_order",
    "amount_not_number",
    "zero_price",
    "duplicate_line",
    "duplicate_customer_id",
)

#: Plain labels shown to users and written into the "reason" column of downloads.
REASON_LABELS: dict[str, str] = {
    "malformed_line": "malformed line",
    "no_customer_id": "no customer id",
    "unreadable_date": "unreadable date",
    "implausible_date": "placeholder or impossible date (before 1900, 1970-01-01 00:00, or in the future)",
    "cancelled_order": "cancelled order (by its status)",
    "amount_not_number": "amount is not a number",
    "zero_price": "zero price",
    "duplicate_line": "exact duplicate line",
    "duplicate_customer_id": "duplicate customer id",
}


@dataclass(frozen=True)
class Ledger:
    """Counts of rows read, kept and set aside by reason.

    Parameters
    ----------
    read : int
        Data rows found in the file (header excluded, malformed lines included).
    kept : int
        Rows that made it into the canonical table.
    set_aside : Mapping[str, int]
        Rows left out, by reason key (see ``REASON_LABELS``); zero counts are dropped.

    Raises
    ------
    ValueError
        When ``kept + sum(set_aside) != read`` or a count is negative.

    Examples
    --------
    >>> Ledger(read=10, kept=8, set_aside={"no_customer_id": 2}).to_dict()
    {'read': 10, 'kept': 8, 'set_aside': {'no_customer_id': 2}}
    """

    read: int
    kept: int
    set_aside: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        cleaned = {str(k): int(v) for k, v in self.set_aside.items() if int(v) != 0}
        ordered = {k: cleaned[k] for k in (*REASONS, *sorted(cleaned)) if k in cleaned}
        object.__setattr__(self, "set_aside", MappingProxyType(ordered))
        object.__setattr__(self, "read", int(self.read))
        object.__setattr__(self, "kept", int(self.kept))
        if self.read < 0 or self.kept < 0 or any(v < 0 for v in ordered.values()):
            raise ValueError("ledger counts must not be negative")
        if self.kept + sum(ordered.values()) != self.read:
            raise ValueError(
                f"ledger does not reconcile: kept {self.kept} + set aside {sum(ordered.values())} "
                f"!= read {self.read}"
            )

    @property
    def n_set_aside(self) -> int:
        """Total rows set aside."""
        return sum(self.set_aside.values())

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON shape ``{"read": N, "kept": N, "set_aside": {reason: N}}``."""
        return {"read": self.read, "kept": self.kept, "set_aside": dict(self.set_aside)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Ledger:
        """Inverse of :meth:`to_dict`."""
        return cls(read=data["read"], kept=data["kept"], set_aside=dict(data.get("set_aside", {})))

    def labelled(self) -> dict[str, int]:
        """Set-aside counts keyed by plain label, for display."""
        return {label(k): v for k, v in self.set_aside.items()}

    def summary(self) -> str:
        """One plain sentence, e.g. "1,000 rows read, 990 kept, 10 set aside (no customer id: 10)"."""
        text = f"{self.read:,} rows read, {self.kept:,} kept"
        if self.set_aside:
            parts = ", ".join(f"{label(k)}: {v:,}" for k, v in self.set_aside.items())
            text += f", {self.n_set_aside:,} set aside ({parts})"
        return text


def label(reason: str) -> str:
    """Plain label of a reason key (the key itself, with spaces, when unknown)."""
    return REASON_LABELS.get(reason, reason.replace("_", " "))


@dataclass
class Intake:
    """The canonical data of one file and the ledger of how it was obtained.

    For ``kind == "transactions"`` the rows live in the DuckDB table named ``transactions`` of
    ``con`` (see the data contract); for ``kind == "customers"`` in the ``customers`` DataFrame; for
    ``kind == "events"`` in the DuckDB relation named by ``events``.
    ``raw`` and ``mapping`` are the inputs it was prepared from.
    """

    con: Any
    kind: str
    ledger: Ledger
    transactions: str | None = None
    customers: Any = None
    has_time: bool = False
    notes: tuple[str, ...] = ()
    raw: Any = None
    mapping: Any = None
    name: str | None = None
    set_aside_table: str | None = None
    events: str | None = None
    #: Product code -> name (``prepare.product_names``), None when the file names no products.
    product_names: Any = None

    def n_customers(self) -> int:
        """Distinct customers among the rows kept."""
        if self.kind == "customers":
            return int(self.customers["customer_id"].nunique())
        relation = self.transactions if self.kind == "transactions" else self.events
        row = self.con.execute(f"SELECT count(DISTINCT customer_id) FROM {relation}").fetchone()
        return int(row[0]) if row else 0

    def set_aside_rows(self, limit: int | None = None) -> Any:
        """Rows left out, for download: original columns, ``line`` (file line number, header = 1;
        approximate after multi-line cells) and ``reason`` (plain label).

        The original text of a row is found again by the hash of its cells (the canonical table
        does not keep a copy of every line): one more read of the file, only when called, and only
        as far as the last row wanted (none at all when no parsed row was set aside).
        """
        import pandas as pd

        lim = "" if limit is None else f"LIMIT {int(limit)}"
        columns = ", ".join(quote_ident(c) for c in self.raw.columns)
        cols = ", ".join(f"t.{quote_ident(c)}" for c in self.raw.columns)
        cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in REASON_LABELS.items())
        parts = []
        last = self._last_row_wanted(lim)
        if last is not None:
            # rows are in file order: the first `last + 1` rows hold every wanted one
            parts.append(
                f"""SELECT {cols}, NULL::VARCHAR AS raw_line, c._row + 2 AS line,
                    CASE c.reason {cases} END AS reason
                    FROM (SELECT * FROM {self.set_aside_table} ORDER BY _row {lim}) c
                    LEFT JOIN (SELECT DISTINCT ON ({HASH_COLUMN}) * FROM (SELECT {columns}, {row_hash(self.raw.columns)} AS {HASH_COLUMN}
                        FROM (SELECT * FROM {self.raw.table} LIMIT {last + 1}))
                        WHERE {HASH_COLUMN} IN (SELECT h FROM {self.set_aside_table})) t
                    ON t.{HASH_COLUMN} = c.h"""
            )
        if self.raw.rejects:
            nulls = ", ".join(f"NULL::VARCHAR AS {quote_ident(c)}" for c in self.raw.columns)
            parts.append(
                f"SELECT {nulls}, raw_line, line, 'malformed line' AS reason FROM {self.raw.rejects}"
            )
        if not parts:
            return pd.DataFrame(columns=[*self.raw.columns, "raw_line", "line", "reason"])
        query = " UNION ALL ".join(parts)
        with reading(self.name or "the file"):
            return self.con.execute(f"SELECT * FROM ({query}) ORDER BY line {lim}").df()

    def _last_row_wanted(self, lim: str) -> int | None:
        """Position of the last set-aside row to show (None when no parsed row was set aside)."""
        if not self.set_aside_table:
            return None
        last = self.con.execute(
            f"SELECT max(_row) FROM (SELECT _row FROM {self.set_aside_table} ORDER BY _row {lim})"
        ).fetchone()[0]
        return None if last is None else int(last)


#: Column holding ``row_hash`` in queries that find set-aside rows again.
HASH_COLUMN = '"__segstudio_hash__"'


def row_hash(columns: Any) -> str:
    """SQL hash of a raw row's cells: equal lines have equal hashes (duplicates, set-aside rows)."""
    return "hash(" + ", ".join(quote_ident(c) for c in columns) + ")"


def notes_of(ledger: Ledger, no_order_id: bool) -> tuple[str, ...]:
    notes = [ledger.summary() + "."]
    if no_order_id:
        notes.append("No order id column: each customer's lines on one day count as one order.")
    return tuple(notes)


def flag_duplicates(con: Any, staged: str) -> None:
    """Set aside (reason ``duplicate_line``) every repeat of an exact duplicate line, keeping the first.

    ``staged`` has a row hash ``h`` and a reason code ``reason`` (NULL when kept). Equal lines get
    equal reasons, so only kept rows need checking: a GROUP BY on the row hash (no sort of the
    whole table) finds the repeated hashes, then a window over just those rows picks the repeats.
    """
    dup = REASONS.index("duplicate_line")
    with at_least_threads(con, 4):
        con.execute(
            f"""UPDATE {staged} SET reason = {dup} WHERE rowid IN (
                SELECT r FROM (SELECT rowid AS r, row_number() OVER (PARTITION BY h ORDER BY rowid) AS k
                    FROM {staged} WHERE reason IS NULL AND h IN (
                        SELECT h FROM {staged} WHERE reason IS NULL GROUP BY h HAVING count(*) > 1))
                WHERE k > 1)"""
        )


@contextmanager
def at_least_threads(con: Any, n: int) -> Iterator[None]:
    """Run with at least ``n`` DuckDB threads, then restore the setting.

    DuckDB sizes the partitioning of a hash aggregation by its thread count: on 2 cores, grouping
    10M near-unique row hashes took 0.7-0.9 s with 2 threads and 0.3 s with 4 (bench/intake.py).
    """
    before = int(con.execute("SELECT current_setting('threads')").fetchone()[0])
    con.execute(f"SET threads = {max(n, before)}")
    try:
        yield
    finally:
        con.execute(f"SET threads = {before}")


def reason_key_sql(code: str) -> str:
    """SQL turning a reason code (position in ``REASONS``) back into its key."""
    return "[" + ", ".join(f"'{r}'" for r in REASONS) + f"][{code} + 1]"
