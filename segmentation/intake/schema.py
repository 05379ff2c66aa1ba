"""Column roles: what each column of a user's file means, guessed from headers and values.

A :class:`Mapping` (column -> role, date format and decimal style per column, table kind) is what
the user confirms in the app and what a recipe saves. ``suggest_mapping`` proposes one: roles from
headers (``evidence.header_candidates``) checked against the values, the kind from the data
(``kind.infer_kind``), a date layout per date column (``dates.infer_date_format``), and reports what
it is unsure of so the UI can ask.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from segmentation.errors import DataError
from segmentation.intake.dates import SPECIAL, infer_date_format, swap_day_month
from segmentation.intake.evidence import (
    analyse_decimal_comma,
    geo_rank,
    header_candidates,
    is_number_column,
    named_like_id,
    own_column_role,
    present,
    role_from_values,
    values_fit,
)
from segmentation.intake.kind import infer_kind
from segmentation.intake.roles import KINDS, MULTI_ROLES, ROLE_BY_NAME, ROLES

if TYPE_CHECKING:
    from segmentation.intake.io import RawTable

#: Confidence below which a role is flagged on the Data page as a guess to check.
LOW_CONFIDENCE = 0.6
_OWN_KINDS = ("customers", "events", "transactions")


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
    """A proposed mapping and how sure it is.

    ``ambiguous`` lists date columns two layouts read equally well (the user is asked);
    ``confidence`` gives 0-1 per column (below :data:`LOW_CONFIDENCE` the guess is flagged);
    ``why`` the reasons for the table kind; ``date_shares`` the share of each date column's values
    its format reads; ``notes`` plain sentences for the user.
    """

    mapping: Mapping
    ambiguous: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    confidence: dict[str, float] = field(default_factory=dict)
    why: tuple[str, ...] = ()
    date_shares: dict[str, float] = field(default_factory=dict)

    @property
    def low_confidence(self) -> tuple[str, ...]:
        """Columns whose role is a guess to check (a role other than ``ignore``)."""
        roles = self.mapping.roles
        return tuple(
            c for c, p in self.confidence.items() if p < LOW_CONFIDENCE and roles.get(c, "ignore") != "ignore"
        )


def suggest_mapping(raw: RawTable, sample_rows: int = 5000) -> Suggestion:
    """Propose a :class:`Mapping` for a raw table from its headers and values.

    Roles are first assigned without a kind, the kind is decided from them and the data, then
    roles are assigned again among those the kind allows. Date layouts are decided on the sample
    and, when two layouts tie there, over the whole column in DuckDB.
    """
    sample = raw.sample(sample_rows)
    complete = len(sample) < sample_rows
    values = {c: present(v for v in sample[c] if v is not None) for c in raw.columns}
    header = getattr(raw, "header", True)
    first, _ = assign_roles(raw.columns, values, set(ROLE_BY_NAME), header)
    kind, why = infer_kind(raw, first, values, complete)
    allowed = {r.name for r in ROLES if kind in r.tables}
    roles, confidence = assign_roles(raw.columns, values, allowed, header)
    own: list[str] = []
    if kind in _OWN_KINDS:
        for c, r in roles.items():
            if r == "ignore":
                roles[c] = own_column_role(c, values[c])
                confidence[c] = 0.5 if roles[c] != "ignore" else confidence.get(c, 0.5)
        own = [c for c, r in roles.items() if r in ("other_number", "other_category")]
    date_formats: dict[str, str] = {}
    shares: dict[str, float] = {}
    decimal: dict[str, bool] = {}
    ambiguous: list[str] = []
    notes: list[str] = list(getattr(raw, "notes", ()))
    for col, role in roles.items():
        kind_of = ROLE_BY_NAME[role].kind
        if kind_of == "date":
            fmt, share, tied = _date_layout(raw, col, values[col], complete)
            date_formats[col], shares[col] = fmt, share
            if tied:
                ambiguous.append(col)
                order = " (day first)" if fmt.find("%d") < fmt.find("%m") else ""
                notes.append(
                    f"The dates in '{col}' could be read two ways, {fmt} or {tied}: we read them as "
                    f"{fmt}{order}. Please confirm."
                )
            if share < 0.99 and values[col]:
                notes.append(
                    f"{1 - share:.1%} of the dates in '{col}' do not read as {fmt}: those rows are set "
                    "aside as unreadable dates (pick another date format if this is wrong)."
                )
        elif kind_of == "number":
            decimal[col] = analyse_decimal_comma(values[col])
    if own:
        notes.append(f"Columns kept as criteria of their own: {', '.join(own)}.")
    if kind == "customers" and "customer_id" not in roles.values():
        notes.append("No customer id column was found: customers will be numbered by row.")
    low = [c for c, p in confidence.items() if p < LOW_CONFIDENCE and roles[c] != "ignore"]
    if low:
        notes.append(f"Please check these guesses: {', '.join(low)}.")
    mapping = Mapping(kind, roles, date_formats, decimal)
    return Suggestion(mapping, tuple(ambiguous), tuple(notes), confidence, why, shares)


def _date_layout(raw: RawTable, col: str, values: list[str], complete: bool) -> tuple[str, float, str | None]:
    """Format, share parsed and the equally good other format (None) of a date column."""
    guess = infer_date_format(values)
    fmt = guess.format or "iso"
    tied = guess.ambiguous[0] if guess.ambiguous else None
    if tied and not complete and fmt not in SPECIAL and tied == swap_day_month(fmt):
        counts = _whole_column_counts(raw, col, (fmt, tied))
        if counts[0] != counts[1]:
            fmt, tied = (fmt, None) if counts[0] > counts[1] else (tied, None)
    return fmt, guess.share, tied


def _whole_column_counts(raw: RawTable, col: str, formats: tuple[str, ...]) -> list[int]:
    """How many values of the whole column each format reads (one scan)."""
    from segmentation.intake.dates import date_sql

    parts = ", ".join(f"count({date_sql(col, f)})" for f in formats)
    row = raw.con.execute(f"SELECT {parts} FROM {raw.table}").fetchone()
    return [int(n) for n in row] if row else [0] * len(formats)


def assign_roles(
    columns: Iterable[str], values: dict[str, list[str]], allowed: set[str], header: bool = True
) -> tuple[dict[str, str], dict[str, float]]:
    """One column per role (several for multi-column roles), with a confidence per column.

    Header matches go first (exact synonyms before contained ones; between two columns named like a
    place, the finer one), each checked against the values; values decide for the rest; then, when no
    column is named like the customer id, the id-like column that repeats most varied is taken (a
    low-confidence guess), and in a file without a header the ids go by position.
    """
    columns = list(columns)
    candidates = []
    for pos, col in enumerate(columns):
        for role, score in header_candidates(col):
            if role in allowed:  # ties: the earlier column (order date before ship date)
                candidates.append((-round(score), -geo_rank(role, values[col]), -score, pos, col, role))
    roles: dict[str, str] = {}
    confidence: dict[str, float] = {}
    taken: set[str] = set()
    for neg_int, _g, _s, _p, col, role in sorted(candidates):
        if col in roles or (role in taken and role not in MULTI_ROLES) or not values_fit(role, values[col]):
            continue
        roles[col], confidence[col] = role, {3: 0.9, 2: 0.8}.get(-neg_int, 0.6)
        taken.add(role)
    for col in columns:
        if col not in roles:
            guess = role_from_values(values[col])
            if guess and guess[0] not in taken and guess[0] in allowed:
                roles[col], confidence[col] = guess
                taken.add(guess[0])
    _id_roles(columns, values, allowed, header, roles, confidence)
    for col in columns:
        roles.setdefault(col, "ignore")
        confidence.setdefault(col, 0.5)
    return name_as_product({c: roles[c] for c in columns}), confidence


def name_as_product(roles: dict[str, str]) -> dict[str, str]:
    """Roles where a product name with no product code beside it is the product itself.

    >>> name_as_product({"Description": "product_name", "Qty": "quantity"})
    {'Description': 'product', 'Qty': 'quantity'}
    """
    if "product" in roles.values():
        return roles
    return {c: "product" if r == "product_name" else r for c, r in roles.items()}


def _id_roles(
    columns: list[str],
    values: dict[str, list[str]],
    allowed: set[str],
    header: bool,
    roles: dict[str, str],
    confidence: dict[str, float],
) -> None:
    """Ids nobody named: the customer id (and, without a header, product and category ids)."""
    free = [
        c
        for c in columns
        if c not in roles
        and len(values[c]) >= 3
        and (not header or named_like_id(c))
        and _id_values(values[c])
    ]
    if "customer_id" in allowed and "customer_id" not in roles.values() and free:
        if header:
            pick = max(free, key=lambda c: (len(set(values[c])) < len(values[c]), len(set(values[c]))))
            if len(set(values[pick])) < 2:
                return
        else:
            pick = free[0]  # without a header, the key comes first (user, item, category, ...)
        roles[pick], confidence[pick] = "customer_id", 0.4
        free.remove(pick)
    if header:
        return
    decimals = [c for c in columns if c not in roles and values[c] and _money(values[c])]
    free = [c for c in free if c not in decimals and not _small_counts(values[c])]
    for role, col in zip(
        ("product", "category"), sorted(free, key=lambda c: -len(set(values[c]))), strict=False
    ):
        if role in allowed and role not in roles.values():
            roles[col], confidence[col] = role, 0.4
    # without a header: a column of prices (two decimals) is the amount, small whole numbers the quantity
    if decimals and "amount" in allowed and "amount" not in roles.values():
        roles[decimals[0]], confidence[decimals[0]] = "amount", 0.4
    counts = [c for c in columns if c not in roles and values[c] and _small_counts(values[c])]
    if counts and "quantity" in allowed and "quantity" not in roles.values():
        roles[counts[0]], confidence[counts[0]] = "quantity", 0.4


def _money(values: list[str]) -> bool:
    sample = values[:500]
    return all(re.fullmatch(r"-?\d+\.\d{2}", v) for v in sample)


def _small_counts(values: list[str]) -> bool:
    sample = values[:500]
    return all(re.fullmatch(r"-?\d{1,3}", v) for v in sample) and len(set(sample)) <= 50


def _id_values(values: list[str]) -> bool:
    """Codes or whole numbers without decimals (what ids look like)."""
    sample = values[:500]
    return (
        all(re.fullmatch(r"[A-Za-z0-9_\-]{1,40}", v) for v in sample)
        and not all(re.fullmatch(r"\d+\.\d+", v) for v in sample)
        and (is_number_column(sample) or len(set(sample)) > 1)
    )


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
        Unknown columns or roles, a role on two columns, or a transaction log without customer id or date.
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
    if mapping.kind not in KINDS:
        raise DataError(f"Unknown table kind {mapping.kind!r}: expected transactions, customers or events.")
    if mapping.kind == "events":
        if "customer_id" not in used:
            raise DataError(
                "This file looks like an event log, but no column holds the customer (user) id. Pick "
                "the customer id column in the mapping."
            )
        if "date" not in used:
            raise DataError("This event log has no date or time column. Pick the column with the time.")
    if mapping.kind == "transactions":
        if "customer_id" not in used:
            raise DataError(
                "This file looks like a list of orders, but no column holds the customer id, so orders "
                "cannot be linked to customers. Pick the customer id column in the mapping, or export "
                "the orders again with a customer id (or e-mail) column."
            )
        if "date" not in used:
            raise DataError("This list of orders has no order date column. Pick the column with the date.")
