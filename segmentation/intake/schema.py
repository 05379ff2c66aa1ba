"""Column roles: what each column of a user's file means, guessed from headers and values.

A :class:`Mapping` (column -> role, date format and decimal style per column, table kind) is what
the user confirms in the app and what a recipe saves. ``suggest_mapping`` proposes one and reports
what it could not decide (ambiguous dates) so the UI can ask.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from segmentation.errors import DataError, quote_ident

if TYPE_CHECKING:
    from segmentation.intake.io import RawTable

from segmentation.intake.roles import (
    BOTH,
    MAX_OWN_LEVELS,
    MULTI_ROLES,
    ROLE_BY_NAME,
    ROLES,
    TableKind,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[\d\s\-().]{7,20}$")
_DATE = re.compile(
    r"^\s*(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?.*)?\s*$"
)
_CURRENCY = "£$€¥￥₹₩₽¢"
_NUMBER = re.compile(rf"^\s*[-+(]?\s*[{_CURRENCY}]?\s*[-+]?[\d.,'\s]*\d[\d.,'\s]*\)?\s*[{_CURRENCY}]?\s*$")


def normalise(header: str) -> str:
    """Header compared with synonyms: NFKC, lower case, only letters/digits/CJK kept."""
    text = unicodedata.normalize("NFKC", header).lower()
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(frozen=True)
class Mapping:
    """The confirmed meaning of a file's columns (plain JSON via ``to_dict``/``from_dict``).

    ``roles`` maps every column to a role name (``"ignore"`` for unused ones); ``date_formats`` holds
    ``"iso"``, ``"excel"`` or a strptime date pattern such as ``"%d/%m/%Y"`` per date column;
    ``decimal_comma`` says per number column whether ``,`` is the decimal mark.
    """

    kind: str
    roles: dict[str, str]
    date_formats: dict[str, str] = field(default_factory=dict)
    decimal_comma: dict[str, bool] = field(default_factory=dict)

    def column(self, role: str) -> str | None:
        """The column holding ``role``, or None."""
        return next((c for c, r in self.roles.items() if r == role), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "roles": dict(self.roles),
            "date_formats": dict(self.date_formats),
            "decimal_comma": dict(self.decimal_comma),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mapping:
        return cls(
            kind=str(data["kind"]),
            roles={str(k): str(v) for k, v in data["roles"].items()},
            date_formats={str(k): str(v) for k, v in data.get("date_formats", {}).items()},
            decimal_comma={str(k): bool(v) for k, v in data.get("decimal_comma", {}).items()},
        )

    def replace(self, **changes: Any) -> Mapping:
        """A copy with some fields changed (e.g. a role the user corrected)."""
        return Mapping.from_dict({**self.to_dict(), **changes})


@dataclass(frozen=True)
class Suggestion:
    """A proposed mapping, the date columns whose day/month order could not be decided, and notes."""

    mapping: Mapping
    ambiguous: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def role_from_header(header: str) -> tuple[str, float] | None:
    """The best role for a header and a score (3 exact synonym, 1 contained synonym), or None."""
    key = normalise(header)
    if not key:
        return None
    best: tuple[str, float] | None = None
    for role in ROLES[:-1]:
        for i, syn in enumerate(role.synonyms):
            syn_key = normalise(syn)
            if key == syn_key:
                score = 3.0 - i * 0.01
            elif (len(syn_key) >= 4 and syn_key in key) or (
                len(syn_key) >= 2 and not syn_key.isascii() and syn_key in key
            ):
                score = 1.0 + len(syn_key) * 0.01
            else:
                continue
            if best is None or score > best[1]:
                best = (role.name, score)
    return best


def _share(values: list[str], pattern: re.Pattern[str]) -> float:
    return sum(1 for v in values if pattern.match(v)) / len(values) if values else 0.0


def role_from_values(values: list[str]) -> str | None:
    """A role guessed from values alone (e-mails, phones, dates), or None."""
    if len(values) < 3:
        return None
    if _share(values, _EMAIL) >= 0.8:
        return "email"
    if _share(values, _DATE) >= 0.8:
        return "date"
    phoneish = [v for v in values if _PHONE.match(v) and (v[0] in "+0" or any(c in v for c in " -()"))]
    if len(phoneish) >= 0.8 * len(values):
        return "phone"
    return None


def analyse_dates(values: Iterable[str]) -> tuple[str, bool]:
    """Date pattern of a column and whether its day/month order is ambiguous.

    ``"iso"`` for year-first, ``"excel"`` for serial numbers, otherwise a strptime pattern whose
    order is proven by a field above 12; with no proof the pattern is day-first and ambiguous.
    """
    vals = [v.strip() for v in values if v and v.strip()]
    serials = vals and all(re.fullmatch(r"\d{5}([.,]\d+)?", v) for v in vals)
    if serials and all(20000 <= float(v.replace(",", ".")) <= 80000 for v in vals):
        return "excel", False
    firsts, seconds, sep, year_digits = 0, 0, "/", 4
    for v in vals:
        m = _DATE.match(v)
        if not m:
            continue
        a, b, c = m.groups()
        if len(a) == 4:
            return ("iso" if v[4] == "-" else f"%Y{v[4]}%m{v[4]}%d"), False
        sep = v[len(a)]
        year_digits = len(c)
        firsts, seconds = max(firsts, int(a)), max(seconds, int(b))
    year = "%Y" if year_digits == 4 else "%y"
    if seconds > 12 >= firsts:
        return f"%m{sep}%d{sep}{year}", False
    return f"%d{sep}%m{sep}{year}", firsts <= 12


def analyse_decimal_comma(values: Iterable[str]) -> bool:
    """Whether ``,`` is the decimal mark in a column of numbers (votes over the values)."""
    comma = point = 0
    for v in values:
        s = v.strip().strip(_CURRENCY).replace(" ", "").replace("\u00a0", "")
        if "," in s and "." in s:
            comma += s.rfind(",") > s.rfind(".")
            point += s.rfind(".") > s.rfind(",")
        elif "," in s:
            thousands = re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+", s) is not None
            point += thousands
            comma += not thousands
        elif re.fullmatch(r"[-+]?\d{1,3}(\.\d{3}){2,}", s):
            comma += 1
        elif "." in s:
            point += 1
    return comma > point


def _is_number_column(values: list[str], share: float = 0.9) -> bool:
    return bool(values) and _share(values, _NUMBER) >= share


def suggest_mapping(raw: RawTable, sample_rows: int = 5000) -> Suggestion:
    """Propose a :class:`Mapping` for a raw table from its headers and values.

    Day/month order of non-ISO date columns is decided over the whole column in DuckDB (a sample of
    early rows often holds only days up to 12); columns that stay undecided are listed as ambiguous.
    """
    sample = raw.sample(sample_rows)
    values = {c: [str(v) for v in sample[c] if v is not None and str(v).strip()] for c in raw.columns}
    roles = _assign_roles(raw.columns, values)
    kind: TableKind = "transactions" if _looks_like_transactions(roles) else "customers"
    allowed = {r.name for r in ROLES if kind in r.tables}
    roles = {c: (r if r in allowed else "ignore") for c, r in roles.items()}
    own: list[str] = []
    if kind == "customers":
        roles = {c: (own_column_role(c, values[c]) if r == "ignore" else r) for c, r in roles.items()}
        own = [c for c, r in roles.items() if r in ("other_number", "other_category")]
    date_formats: dict[str, str] = {}
    decimal: dict[str, bool] = {}
    ambiguous: list[str] = []
    notes: list[str] = []
    for col, role in roles.items():
        kind_of = ROLE_BY_NAME[role].kind
        if kind_of == "date":
            fmt, unsure = analyse_dates(values[col])
            if unsure and fmt not in ("iso", "excel"):
                fmt, unsure = analyse_dates(_whole_column_extremes(raw, col, fmt[2]))
            date_formats[col] = fmt
            if unsure:
                ambiguous.append(col)
                notes.append(
                    f"The dates in '{col}' could be day/month or month/day; we read them as day first. "
                    "Please confirm."
                )
        elif kind_of == "number":
            decimal[col] = analyse_decimal_comma(values[col])
    if own:
        notes.append(f"Columns kept as criteria of their own: {', '.join(own)}.")
    if kind == "customers" and "customer_id" not in roles.values():
        notes.append("No customer id column was found: customers will be numbered by row.")
    return Suggestion(Mapping(kind, roles, date_formats, decimal), tuple(ambiguous), tuple(notes))


def _assign_roles(columns: Iterable[str], values: dict[str, list[str]]) -> dict[str, str]:
    """One column per role: best header match wins, then values decide for the rest."""
    candidates = []
    for col in columns:
        hit = role_from_header(col)
        if hit:
            candidates.append((hit[1], col, hit[0]))
    roles: dict[str, str] = {}
    taken: set[str] = set()
    for _score, col, role in sorted(candidates, key=lambda t: -t[0]):
        if col not in roles and role not in taken and _values_fit(role, values[col]):
            roles[col] = role
            taken.add(role)
    for col in columns:
        if col not in roles:
            guess = role_from_values(values[col])
            if guess and guess not in taken:
                roles[col] = guess
                taken.add(guess)
    return {c: roles.get(c, "ignore") for c in columns}


def own_column_role(header: str, values: list[str]) -> str:
    """Role of a customer-list column that matches no standard role: ``other_number`` when mostly
    numeric, ``other_category`` for text with few distinct values, else ``ignore`` (ids, free text).

    >>> own_column_role("Spending Score", ["39", "81", "6"]), own_column_role("Plan", ["A", "B"] * 3)
    ('other_number', 'other_category')
    """
    if not values:
        return "ignore"
    if _is_number_column(values):
        return "ignore" if _looks_like_id(header, values) else "other_number"
    distinct = len(set(values))
    return "other_category" if distinct <= MAX_OWN_LEVELS and distinct < 0.5 * len(values) else "ignore"


_ID_WORDS = ("id", "no", "nr", "code", "number", "key", "ref", "编号", "号", "編號", "號")


def _looks_like_id(header: str, values: list[str]) -> bool:
    """Numbers that identify rather than measure: unique, and named like an id, zero-padded or a
    plain row count (1, 2, 3, ...)."""
    if len(set(values)) < len(values):
        return False
    key = normalise(header)
    if key.endswith(_ID_WORDS) or any(v.startswith("0") and len(v) > 1 and v.isdigit() for v in values):
        return True
    if all(v.isdigit() for v in values):
        numbers = sorted(int(v) for v in values)
        return numbers[-1] - numbers[0] == len(numbers) - 1
    return False


def _values_fit(role: str, values: list[str]) -> bool:
    """Guard against header matches the values contradict (e.g. 'Total' holding text)."""
    kind = ROLE_BY_NAME[role].kind
    if not values:
        return True
    if kind == "number":
        return _is_number_column(values, 0.6)  # a header said "amount": tolerate some bad cells
    if kind == "date":
        return _share(values, _DATE) >= 0.5 or all(re.fullmatch(r"\d{5}([.,]\d+)?", v) for v in values)
    if kind == "email":
        return _share(values, _EMAIL) >= 0.5
    if kind == "phone":  # e.g. a Yes/No column named "PhoneService"
        return _share(values, _PHONE) >= 0.5
    return True


def _looks_like_transactions(roles: dict[str, str]) -> bool:
    used = set(roles.values())
    return "date" in used and ("amount" in used or {"quantity", "unit_price"} <= used)


def _whole_column_extremes(raw: RawTable, col: str, sep: str) -> list[str]:
    """Two synthetic values carrying the column's largest first and second date fields."""
    c = quote_ident(col)
    row = raw.con.execute(
        f"""SELECT max(try_cast(split_part(trim({c}), ?, 1) AS INTEGER)),
                   max(try_cast(split_part(trim({c}), ?, 2) AS INTEGER)),
                   any_value(split_part(split_part(trim({c}), ' ', 1), ?, 3))
            FROM {raw.table}""",
        [sep, sep, sep],
    ).fetchone()
    first, second, year = row or (None, None, None)
    if first is None or second is None:
        return []
    year = year or "2000"
    return [f"{min(first, 99)}{sep}1{sep}{year}", f"1{sep}{min(second, 99)}{sep}{year}"]


OWN_ROLES: tuple[str, ...] = ("other_number", "other_category")


def own_column_names(mapping: Mapping) -> dict[str, str]:
    """Canonical name ``extra_<slug of header>`` (unique) of each column kept as a criterion of its own.

    >>> own_column_names(Mapping("customers", {"Score (1-100)": "other_number", "Id": "customer_id"}))
    {'Score (1-100)': 'extra_score_1_100'}
    """
    names: dict[str, str] = {}
    for i, (column, role) in enumerate(mapping.roles.items(), start=1):
        if role in OWN_ROLES:
            text = unicodedata.normalize("NFKC", column).lower()
            base = name = "extra_" + (re.sub(r"[^0-9a-z]+", "_", text).strip("_")[:40] or f"column_{i}")
            n = 2
            while name in names.values():
                name, n = f"{base}_{n}", n + 1
            names[column] = name
    return names


def validate_mapping(mapping: Mapping, columns: Iterable[str]) -> None:
    """Refuse mappings that cannot produce a usable table, with a message that says how to fix it.

    Raises
    ------
    DataError
        Unknown columns or roles, a role on two columns, or a transaction log without customer id,
        date or amount.
    """
    cols = set(columns)
    missing = [c for c in mapping.roles if c not in cols]
    if missing:
        raise DataError(f"The mapping names columns that are not in the file: {', '.join(missing)}.")
    unknown = sorted({r for r in mapping.roles.values() if r not in ROLE_BY_NAME})
    if unknown:
        raise DataError(f"Unknown column meaning(s): {', '.join(unknown)}.")
    used = [r for r in mapping.roles.values() if r != "ignore"]
    twice = sorted({r for r in used if used.count(r) > 1 and r not in MULTI_ROLES})
    if twice:
        labels = ", ".join(ROLE_BY_NAME[r].label for r in twice)
        raise DataError(f"Each meaning can be given to one column only; used twice: {labels}.")
    if mapping.kind not in BOTH:
        raise DataError(f"Unknown table kind {mapping.kind!r}: expected transactions or customers.")
    if mapping.kind == "transactions":
        if "customer_id" not in used:
            raise DataError(
                "This file looks like a list of orders, but no column holds the customer id, so orders "
                "cannot be linked to customers. Pick the customer id column in the mapping, or export "
                "the orders again with a customer id (or e-mail) column."
            )
        if "date" not in used:
            raise DataError("This list of orders has no order date column. Pick the column with the date.")
        if "amount" not in used and not {"quantity", "unit_price"} <= set(used):
            raise DataError(
                "This list of orders has no amount column (nor quantity and unit price). Pick the "
                "column with the amount paid."
            )
