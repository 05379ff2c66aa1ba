"""The ledger: every row read is either kept or set aside for exactly one plain-language reason.

The ledger is what lets a marketer trust the numbers: "541,909 lines read, 406,829 kept, 135,080 set
aside because they have no customer id" always adds up, and nothing disappears silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

#: Reasons in precedence order: a row failing several checks is counted under the first one.
REASONS: tuple[str, ...] = (
    "malformed_line",
    "no_customer_id",
    "unreadable_date",
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


# --------------------------------------------------------------------------------------------------
# Preparing: raw text table + mapping -> canonical table, every row kept or set aside for one reason.
# --------------------------------------------------------------------------------------------------

_TIME_SUFFIXES = (" %H:%M:%S", " %H:%M", "", "T%H:%M:%S", " %H:%M:%S.%f", " %I:%M:%S %p", " %I:%M %p")
_OPTIONAL_TEXT = ("product", "category", "channel", "country", "city")


@dataclass
class Intake:
    """The canonical data of one file and the ledger of how it was obtained.

    For ``kind == "transactions"`` the rows live in the DuckDB table named ``transactions`` of
    ``con`` (see the data contract); for ``kind == "customers"`` in the ``customers`` DataFrame.
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

    def set_aside_rows(self, limit: int | None = None) -> Any:
        """Rows left out, for download: original columns, ``line`` (file line number, header = 1;
        approximate after multi-line cells) and ``reason`` (plain label).

        The original text of a row is found again by the hash of its cells (the canonical table
        does not keep a copy of every line): one more read of the file, only when called.
        """
        import pandas as pd

        from segmentation.io import reading

        lim = "" if limit is None else f"LIMIT {int(limit)}"
        columns = ", ".join(_qi(c) for c in self.raw.columns)
        cols = ", ".join(f"t.{_qi(c)}" for c in self.raw.columns)
        cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in REASON_LABELS.items())
        parts = []
        if self.set_aside_table:
            parts.append(
                f"""SELECT {cols}, NULL::VARCHAR AS raw_line, c._row + 2 AS line,
                    CASE c.reason {cases} END AS reason
                    FROM (SELECT * FROM {self.set_aside_table} ORDER BY _row {lim}) c
                    LEFT JOIN (SELECT DISTINCT ON ({_H}) * FROM (SELECT {columns}, {row_hash(self.raw.columns)} AS {_H}
                        FROM {self.raw.table}) WHERE {_H} IN (SELECT h FROM {self.set_aside_table})) t
                    ON t.{_H} = c.h"""
            )
        if self.raw.rejects:
            nulls = ", ".join(f"NULL::VARCHAR AS {_qi(c)}" for c in self.raw.columns)
            parts.append(
                f"SELECT {nulls}, raw_line, line, 'malformed line' AS reason FROM {self.raw.rejects}"
            )
        if not parts:
            return pd.DataFrame(columns=[*self.raw.columns, "raw_line", "line", "reason"])
        query = " UNION ALL ".join(parts)
        with reading(self.name or "the file"):
            return self.con.execute(f"SELECT * FROM ({query}) ORDER BY line {lim}").df()


_H = '"__segstudio_hash__"'


def row_hash(columns: Any) -> str:
    """SQL hash of a raw row's cells: equal lines have equal hashes (duplicates, set-aside rows)."""
    return "hash(" + ", ".join(_qi(c) for c in columns) + ")"


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def date_sql(col: str, fmt: str) -> str:
    """SQL turning text column ``col`` into TIMESTAMP with the mapping's date format (NULL if unreadable)."""
    x = f"trim({_qi(col)})"
    if fmt == "iso":
        patterns = ", ".join(_lit("%Y-%m-%d" + t) for t in _TIME_SUFFIXES)
        return f"coalesce(try_cast({x} AS TIMESTAMP), try_strptime({x}, [{patterns}]))"
    if fmt == "excel":
        return (
            f"(TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(try_cast(replace({x}, ',', '.') AS DOUBLE) * 86400000000) "
            "AS BIGINT)))"
        )
    patterns = ", ".join(_lit(fmt + t) for t in _TIME_SUFFIXES)
    return f"try_strptime({x}, [{patterns}])"


def number_sql(col: str, decimal_comma: bool) -> str:
    """SQL turning a text column into DOUBLE: currency signs, spaces, thousands separators and
    decimal commas handled; ``(12.50)`` read as negative; NULL when not a number."""
    x = _qi(col)
    negative = f"CASE WHEN contains({x}, '(') AND contains({x}, ')') THEN -1 ELSE 1 END"
    if decimal_comma:
        digits = f"replace(replace(regexp_replace({x}, '[^0-9,.\\-]', '', 'g'), '.', ''), ',', '.')"
        return f"({negative} * try_cast({digits} AS DOUBLE))"
    digits = f"regexp_replace({x}, '[^0-9.\\-]', '', 'g')"
    cleaned = f"CASE WHEN regexp_matches({x}, '[0-9]') THEN {negative} * try_cast({digits} AS DOUBLE) END"
    return f"coalesce(try_cast({x} AS DOUBLE), {cleaned})"


def _text_sql(col: str) -> str:
    """Text cell with surrounding spaces removed, blank as NULL; trim (which copies) only when needed."""
    x = _qi(col)
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
    from segmentation.schema import validate_mapping

    validate_mapping(mapping, raw.columns)
    if mapping.kind == "customers":
        return _prepare_customers(raw, mapping)
    return _prepare_transactions(raw, mapping, drop_zero_price)


def _prepare_transactions(raw: Any, mapping: Any, drop_zero_price: bool) -> Intake:
    from segmentation.io import reading

    con, col = raw.con, mapping.column
    tag = raw.table.removeprefix("raw_")
    staged, aside = f"staged_{tag}", f"aside_{tag}"
    texts = "".join(", " + r for r in _OPTIONAL_TEXT if col(r))
    while True:  # once, or twice when the file turns out not to be UTF-8 after all
        source, token = raw.scan()
        with reading(raw.name or "the file"):
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {staged} AS {_staged_sql(raw, mapping, source, drop_zero_price)}"
            )
        n_rows = con.execute(f"SELECT count(*) FROM {staged}").fetchall()[0][0]
        if raw.finish_scan(token, n_rows):
            break
    _flag_duplicates(con, staged)
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW {_TX} AS SELECT customer_id, order_id, ts, amount, quantity,
            unit_price, is_return {texts} FROM {staged} WHERE reason IS NULL;
            CREATE OR REPLACE TEMP VIEW {aside} AS SELECT rowid AS _row, h, {_reason_key("reason")} AS reason
            FROM {staged} WHERE reason IS NOT NULL"""
    )
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
    notes = _notes(ledger, col("order_id") is None)
    return Intake(con, "transactions", ledger, transactions=_TX, has_time=bool(has_time), notes=notes,
                  raw=raw, mapping=mapping, name=raw.name, set_aside_table=aside)  # fmt: skip


def _reason_key(code: str) -> str:
    """SQL turning a reason code (position in ``REASONS``) back into its key."""
    return f"[{', '.join(_lit(r) for r in REASONS)}][{code} + 1]"


def _staged_sql(raw: Any, mapping: Any, source: str, drop_zero_price: bool) -> str:
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
    date = date_sql(col("date"), mapping.date_formats.get(col("date"), "iso"))  # type: ignore[arg-type]
    zero = "coalesce(unit_price = 0, amount = 0)" if drop_zero_price else "false"
    # the regex only runs on ids starting with C (cancellations in most shop exports)
    cancelled = (
        "CASE WHEN order_id[1] IN ('C', 'c') THEN regexp_matches(order_id, '^[Cc][0-9]') ELSE false END"
        if col("order_id")
        else "false"
    )
    order_expr = "order_id" if col("order_id") else "customer_id || '|' || CAST(CAST(ts AS DATE) AS VARCHAR)"
    code = {r: REASONS.index(r) for r in REASONS}
    return f"""
        SELECT customer_id, {order_expr} AS order_id, ts,
            CASE WHEN is_return THEN -abs(amount) ELSE amount END AS amount, quantity, unit_price, is_return
            {texts}, h,
            CASE WHEN customer_id IS NULL THEN {code["no_customer_id"]}
                 WHEN ts IS NULL THEN {code["unreadable_date"]}
                 WHEN amount IS NULL OR isnan(amount) OR isinf(amount) THEN {code["amount_not_number"]}
                 WHEN {zero} THEN {code["zero_price"]} END::UTINYINT AS reason
        FROM (SELECT *, (coalesce(quantity < 0, false) OR amount < 0 OR coalesce({cancelled}, false)) AS is_return
        FROM (SELECT * EXCLUDE (amount), {"amount" if col("amount") else "quantity * unit_price"} AS amount
        FROM (SELECT {_text_sql(col("customer_id"))} AS customer_id, {order} AS order_id, {date} AS ts,
                     {qty} AS quantity, {price} AS unit_price, {amount} AS amount{extras},
                     {row_hash(raw.columns)} AS h
              FROM {source})))"""


def _flag_duplicates(con: Any, staged: str) -> None:
    """Set aside every repeat of an exact duplicate line, keeping the first.

    Equal lines get equal reasons, so only kept rows need checking: a GROUP BY on the row hash (no
    sort of the whole table) finds the repeated hashes, then a window over just those rows picks
    the repeats to update.
    """
    dup = REASONS.index("duplicate_line")
    con.execute(
        f"""UPDATE {staged} SET reason = {dup} WHERE rowid IN (
            SELECT r FROM (SELECT rowid AS r, row_number() OVER (PARTITION BY h ORDER BY rowid) AS k
                FROM {staged} WHERE reason IS NULL AND h IN (
                    SELECT h FROM {staged} WHERE reason IS NULL GROUP BY h HAVING count(*) > 1))
            WHERE k > 1)"""
    )


_TX = "transactions"


def _notes(ledger: Ledger, no_order_id: bool) -> tuple[str, ...]:
    notes = [ledger.summary() + "."]
    if no_order_id:
        notes.append("No order id column: each customer's lines on one day count as one order.")
    return tuple(notes)


_TRUE = {
    "1",
    "true",
    "yes",
    "y",
    "t",
    "x",
    "member",
    "是",
    "有",
    "会员",
    "會員",
    "同意",
    "ja",
    "oui",
    "si",
    "sí",
}
_FALSE = {"0", "false", "no", "n", "f", "non-member", "nonmember", "否", "无", "無", "非会员", "非會員", "不同意",
          "nein", "non"}  # fmt: skip


def _prepare_customers(raw: Any, mapping: Any) -> Intake:
    """Customer attributes in pandas (a customer list is small): typed role columns, one row per id."""
    import pandas as pd

    from segmentation.io import reading
    from segmentation.schema import ROLE_BY_NAME

    while True:  # one read of every row (the counts of malformed lines come with it)
        source, token = raw.scan()
        with reading(raw.name or "the file"):
            frame = raw.con.execute(f"SELECT *, {row_hash(raw.columns)} AS {_H} FROM {source}").df()
        if raw.finish_scan(token, len(frame)):
            break
    hashes = frame.pop(_H.strip('"'))
    notes: list[str] = []
    id_col = mapping.column("customer_id")
    if id_col is None:
        ids = pd.Series([str(i) for i in range(1, len(frame) + 1)], dtype=object)
        notes.append("No customer id column: customers are numbered by their row in the file.")
    else:
        ids = frame[id_col].astype(object).map(lambda v: str(v).strip() if v is not None and v == v else None)
        ids = ids.where(ids != "", None)
    reason = pd.Series([None] * len(frame), dtype=object)
    reason[ids.isna().to_numpy()] = "no_customer_id"
    dup = ids.notna() & ids.duplicated(keep="first")
    reason[(dup & reason.isna()).to_numpy()] = "duplicate_customer_id"
    keep = reason.isna().to_numpy()
    out = pd.DataFrame({"customer_id": ids[keep].astype(str).to_numpy()})
    for column, role in mapping.roles.items():
        if role in ("ignore", "customer_id") or "customers" not in ROLE_BY_NAME[role].tables:
            continue
        values = frame[column][keep].reset_index(drop=True)
        kind = ROLE_BY_NAME[role].kind
        out[role] = _convert(values, kind, mapping.date_formats.get(column, "iso"),
                             mapping.decimal_comma.get(column, False))  # fmt: skip
    aside = f"aside_{raw.table.removeprefix('raw_')}"
    rows = pd.DataFrame({"_row": range(len(frame)), "h": hashes, "reason": reason}).dropna(subset=["reason"])
    raw.con.register(f"{aside}_df", rows)
    raw.con.execute(f"CREATE OR REPLACE TEMP TABLE {aside} AS SELECT * FROM {aside}_df")
    raw.con.unregister(f"{aside}_df")
    counts = {str(k): int(v) for k, v in rows["reason"].value_counts().items()}
    if raw.n_malformed:
        counts["malformed_line"] = raw.n_malformed
    ledger = Ledger(read=raw.n_rows + raw.n_malformed, kept=len(out), set_aside=counts)
    return Intake(raw.con, "customers", ledger, customers=out, notes=(*_notes(ledger, False)[:1], *notes),
                  raw=raw, mapping=mapping, name=raw.name, set_aside_table=aside)  # fmt: skip


def _convert(values: Any, kind: str, date_format: str, decimal_comma: bool) -> Any:
    """One attribute column from text to its contract type."""
    import pandas as pd

    text = values.astype(object).map(lambda v: None if pd.isna(v) or not str(v).strip() else str(v).strip())
    if kind == "number":
        return text.map(lambda v: parse_number(v, decimal_comma)).astype(float)
    if kind == "date":
        return _parse_dates(text, date_format)
    if kind == "bool":
        lowered = text.map(lambda v: None if pd.isna(v) else v.lower())
        return lowered.map(lambda v: True if v in _TRUE else (False if v in _FALSE else None)).astype(
            "boolean"
        )
    if kind == "tags":
        return text.map(
            lambda v: None if pd.isna(v) else "|".join(t.strip() for t in _split_tags(v) if t.strip())
        )
    return text.astype("str").where(text.notna(), None) if len(text) else text


def _split_tags(value: str) -> list[str]:
    import re

    return re.split(r"[|,;/、，；]", value)


def parse_number(value: str | None, decimal_comma: bool = False) -> float:
    """A number from text with currency signs, spaces, thousands separators or a decimal comma.

    >>> parse_number("£1,234.50"), parse_number("1.234,5", decimal_comma=True), parse_number("(3)")
    (1234.5, 1234.5, -3.0)
    """
    if value is None:
        return float("nan")
    try:
        return float(value)
    except ValueError:
        pass
    sign = -1.0 if "(" in value and ")" in value else 1.0
    kept = "".join(ch for ch in value if ch.isdigit() or ch in ",.-")
    kept = kept.replace(".", "").replace(",", ".") if decimal_comma else kept.replace(",", "")
    try:
        return sign * float(kept) if any(ch.isdigit() for ch in kept) else float("nan")
    except ValueError:
        return float("nan")


def _parse_dates(text: Any, fmt: str) -> Any:
    import pandas as pd

    if fmt == "excel":
        serial = pd.to_numeric(text, errors="coerce")
        return pd.to_datetime(serial, unit="D", origin="1899-12-30", errors="coerce")
    if fmt == "iso":
        return pd.to_datetime(text, errors="coerce", format="ISO8601")
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for suffix in _TIME_SUFFIXES:
        missing = result.isna() & text.notna()
        if not missing.any():
            break
        parsed = pd.to_datetime(text[missing], format=fmt + suffix, errors="coerce")
        result[missing] = parsed
    return result


def load(
    source: Any, *, name: str | None = None, sheet: str | None = None, mapping: Any = None, con: Any = None
) -> Intake:
    """Read, understand and prepare a file in one call (``mapping`` defaults to the suggestion).

    Examples
    --------
    >>> intake = load(b"customer,date,amount\\nc1,2024-01-02,10\\n", name="orders.csv")
    >>> intake.ledger.to_dict()
    {'read': 1, 'kept': 1, 'set_aside': {}}
    """
    from segmentation.io import read_table
    from segmentation.schema import suggest_mapping

    raw = read_table(source, name=name, sheet=sheet, con=con)
    notes: tuple[str, ...] = ()
    if mapping is None:
        suggestion = suggest_mapping(raw)
        mapping, notes = suggestion.mapping, suggestion.notes
    intake = prepare(raw, mapping)
    intake.notes = (*intake.notes, *notes)
    if intake.ledger.kept == 0:
        from segmentation.io import DataError

        raise DataError(
            f"No row of {name or 'the file'} could be used: {intake.ledger.summary()}. Check that the "
            "right columns are chosen for customer id, date and amount."
        )
    return intake
