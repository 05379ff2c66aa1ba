"""Customer lists: typed attribute columns, one row per customer id, rows set aside with reasons.

A customer list is small (thousands to a few hundred thousand rows), so it is typed in pandas; the
ledger rules are the same as for transactions.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from segmentation.errors import reading
from segmentation.intake.dates import parse_dates
from segmentation.intake.evidence import MISSING
from segmentation.intake.ledger import HASH_COLUMN, Intake, Ledger, notes_of, row_hash
from segmentation.intake.roles import ROLE_BY_NAME
from segmentation.intake.schema import own_column_names

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


def prepare_customers(raw: Any, mapping: Any) -> Intake:
    """Customer attributes in pandas (a customer list is small): typed role columns, one row per id."""
    while True:  # one read of every row (the counts of malformed lines come with it)
        source, token = raw.scan()
        with reading(raw.name or "the file"):
            frame = raw.con.execute(f"SELECT *, {row_hash(raw.columns)} AS {HASH_COLUMN} FROM {source}").df()
        if raw.finish_scan(token, len(frame)):
            break
    hashes = frame.pop(HASH_COLUMN.strip('"'))
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
    own = own_column_names(mapping)  # a file's own columns, kept as criteria under extra_<slug>
    out.attrs["labels"] = {name: column for column, name in own.items()}
    for column, role in mapping.roles.items():
        if role in ("ignore", "customer_id") or "customers" not in ROLE_BY_NAME[role].tables:
            continue
        values = frame[column][keep].reset_index(drop=True)
        kind = ROLE_BY_NAME[role].kind
        fmt, comma = mapping.date_formats.get(column, "iso"), mapping.decimal_comma.get(column, False)
        converted = _convert(values, kind, fmt, comma)
        if role == "birth_year":
            converted = converted.round().astype("Int64")
        elif role == "campaign_response":
            converted = converted.astype("Float64").astype(float)
        out[canonical_name(column, role, own)] = converted
    aside = f"aside_{raw.table.removeprefix('raw_')}"
    rows = pd.DataFrame({"_row": range(len(frame)), "h": hashes, "reason": reason}).dropna(subset=["reason"])
    raw.con.register(f"{aside}_df", rows)
    raw.con.execute(f"CREATE OR REPLACE TEMP TABLE {aside} AS SELECT * FROM {aside}_df")
    raw.con.unregister(f"{aside}_df")
    counts = {str(k): int(v) for k, v in rows["reason"].value_counts().items()}
    if raw.n_malformed:
        counts["malformed_line"] = raw.n_malformed
    ledger = Ledger(read=raw.n_rows + raw.n_malformed, kept=len(out), set_aside=counts)
    return Intake(raw.con, "customers", ledger, customers=out, notes=(*notes_of(ledger, False)[:1], *notes),
                  raw=raw, mapping=mapping, name=raw.name, set_aside_table=aside)  # fmt: skip


def canonical_name(column: str, role: str, own: dict[str, str]) -> str:
    """The canonical column of a customer-list column: the role, ``extra_<slug>`` for a file's own
    criteria, ``category_spend:<column>`` / ``channel_orders:<column>`` for multi-column behaviour.

    >>> canonical_name("MntWines", "category_spend", {}), canonical_name("Age", "age", {})
    ('category_spend:MntWines', 'age')
    """
    if role in ("category_spend", "channel_orders"):
        return f"{role}:{column}"
    return own.get(column, role)


def _convert(values: Any, kind: str, date_format: str, decimal_comma: bool) -> Any:
    """One attribute column from text to its contract type."""

    text = values.astype(object).map(
        lambda v: (
            None if pd.isna(v) or str(v).strip().lower() in MISSING or not str(v).strip() else str(v).strip()
        )
    )
    if kind == "number":
        return text.map(lambda v: parse_number(v, decimal_comma)).astype(float)
    if kind == "date":
        return parse_dates(text, date_format)
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
