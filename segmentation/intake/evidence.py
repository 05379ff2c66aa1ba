"""Evidence for a column's role: what its header says and what its values show.

Headers are matched against the synonyms of ``roles.py`` (exact, then contained); values tell dates,
e-mails, phones, event types, numbers and ids apart. ``schema.py`` combines both into a suggestion.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from segmentation.intake.dates import infer_date_format
from segmentation.intake.roles import (
    CATEGORY_SPEND,
    CHANNEL_ORDERS,
    EVENT_TYPES,
    MAX_OWN_LEVELS,
    ROLE_BY_NAME,
    ROLES,
    Role,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[\d\s\-().]{7,20}$")
_CN_MOBILE = re.compile(r"^(\+?86)?1[3-9]\d{9}$")
_CURRENCY = "£$€¥￥₹₩₽¢"
_NUMBER = re.compile(rf"^\s*[-+(]?\s*[{_CURRENCY}]?\s*[-+]?[\d.,'\s]*\d[\d.,'\s]*\)?\s*[{_CURRENCY}]?\s*$")
#: Cells that mean "no value" in exports (R, pandas, SQL dumps, Excel).
MISSING = frozenset({"na", "n/a", "nan", "null", "none", "nil", "-", "--", "#n/a", "?"})
_ID_WORDS = ("id", "no", "nr", "code", "number", "key", "ref", "编号", "号", "編號", "號")
#: Synonyms too generic to count when only contained in a header ("total_votes" is not an amount).
_EXACT_ONLY = frozenset(
    [
        "total",
        "value",
        "paid",
        "spend",
        "sales",
        "count",
        "units",
        "order",
        "customer",
        "client",
        "item",
        "title",
        "source",
        "store",
        "member",
        "points",
        "stars",
        "town",
    ]
)
#: Roles read as a place: with two candidate columns the one with more distinct values is the finer.
_GEO = frozenset({"region", "city", "country"})


def normalise(header: str) -> str:
    """Header compared with synonyms: NFKC, lower case, only letters/digits/CJK kept."""
    text = unicodedata.normalize("NFKC", header).lower()
    return "".join(ch for ch in text if ch.isalnum())


def present(values: Iterable[str]) -> list[str]:
    """The non-empty cells of a column sample, stripped ("NA", "null", ... count as empty)."""
    return [s for v in values if (s := str(v).strip()) and s.lower() not in MISSING]


def header_candidates(header: str) -> list[tuple[str, float]]:
    """Every role the header could name, best first: score 3 for an exact synonym (earlier synonyms
    a little higher), 2 for a multi-column pattern (``MntWines``), 1 for a contained synonym."""
    key = normalise(header)
    if not key:
        return []
    best: dict[str, float] = {}
    for role, i, syn_key in _synonym_keys():
        if key == syn_key:
            score = 3.0 - i * 0.001
        elif syn_key in _EXACT_ONLY:
            continue
        elif (len(syn_key) >= 4 and syn_key in key) or (
            len(syn_key) >= 2 and not syn_key.isascii() and syn_key in key
        ):
            score = 1.0 + len(syn_key) * 0.01
        else:
            continue
        best[role.name] = max(best.get(role.name, 0.0), score)
    if CATEGORY_SPEND.match(key):
        best["category_spend"] = max(best.get("category_spend", 0.0), 2.0)
    if CHANNEL_ORDERS.match(key):
        best["channel_orders"] = max(best.get("channel_orders", 0.0), 2.0)
    return sorted(best.items(), key=lambda kv: -kv[1])


@functools.cache
def _synonym_keys() -> tuple[tuple[Role, int, str], ...]:
    """Every (role, position, normalised synonym), computed once."""
    return tuple((role, i, normalise(syn)) for role in ROLES[:-1] for i, syn in enumerate(role.synonyms))


def role_from_header(header: str) -> tuple[str, float] | None:
    """The best role for a header and its score, or None."""
    found = header_candidates(header)
    return found[0] if found else None


def share(values: list[str], pattern: re.Pattern[str]) -> float:
    return sum(1 for v in values if pattern.match(v)) / len(values) if values else 0.0


def event_share(values: list[str]) -> float:
    """Share of values that are event types (pv, view, cart, fav, buy, purchase, 收藏, ...)."""
    return (
        sum(1 for v in values if v.lower().replace(" ", "_") in EVENT_TYPES) / len(values) if values else 0.0
    )


def role_from_values(values: list[str]) -> tuple[str, float] | None:
    """A role guessed from values alone (e-mails, dates, phones, event types) and its confidence."""
    if len(values) < 3:
        return None
    if share(values, _EMAIL) >= 0.8:
        return "email", 0.8
    guess = infer_date_format(values)
    if guess.format is not None and guess.share >= 0.8:
        numeric = guess.format in ("unix_s", "unix_ms", "excel", "%Y%m%d")
        return "date", 0.5 if numeric else 0.7
    phoneish = [
        v
        for v in values
        if _CN_MOBILE.match(v) or (_PHONE.match(v) and (v[0] in "+0" or any(c in v for c in " -()")))
    ]
    if len(phoneish) >= 0.8 * len(values):
        return "phone", 0.7
    if event_share(values) >= 0.8 and len(set(values)) <= 20:
        return "event_type", 0.7
    return None


def is_number_column(values: list[str], at_least: float = 0.9) -> bool:
    return bool(values) and share(values, _NUMBER) >= at_least


def looks_like_id(header: str, values: list[str], unique: bool = True) -> bool:
    """Numbers that identify rather than measure: (unique, when asked) and named like an id,
    zero-padded or a plain row count (1, 2, 3, ...)."""
    if unique and len(set(values)) < len(values):
        return False
    key = normalise(header)
    if key.endswith(_ID_WORDS) or any(v.startswith("0") and len(v) > 1 and v.isdigit() for v in values):
        return True
    if unique and values and all(v.isdigit() for v in values):
        numbers = sorted(int(v) for v in values)
        return numbers[-1] - numbers[0] == len(numbers) - 1
    return False


def named_like_id(header: str) -> bool:
    key = normalise(header)
    return key.endswith(_ID_WORDS) and not key.endswith(("phone", "phoneno"))


def values_fit(role: str, values: list[str], distinct_rows: int | None = None) -> bool:
    """Guard against header matches the values contradict (e.g. 'Total' holding text)."""
    kind = ROLE_BY_NAME[role].kind
    if not values:
        return True
    if role == "event_type":
        return event_share(values) >= 0.5
    if kind == "number":
        return is_number_column(values, 0.6)  # a header said "amount": tolerate some bad cells
    if kind == "date":
        guess = infer_date_format(values)
        return guess.format is not None and guess.share >= 0.5
    if kind == "email":
        return share(values, _EMAIL) >= 0.5
    if kind == "phone":  # e.g. a Yes/No column named "PhoneService"
        return share(values, _PHONE) >= 0.5 or share(values, _CN_MOBILE) >= 0.5
    if role in _GEO:  # a place has few distinct values; a full street address does not
        return len(set(values)) <= max(300, len(values) // 2)
    return True


def geo_rank(role: str, values: list[str]) -> int:
    """Tie-break between two columns both named like a place: the finer one (more distinct values)."""
    return len(set(values)) if role in _GEO else 0


def own_column_role(header: str, values: list[str]) -> str:
    """Role of a column that matches no standard role: ``other_number`` when mostly numeric,
    ``other_category`` for text with few distinct values, else ``ignore`` (ids, free text).

    >>> own_column_role("Spending Score", ["39", "81", "6"]), own_column_role("Plan", ["A", "B"] * 3)
    ('other_number', 'other_category')
    """
    if not values:
        return "ignore"
    if is_number_column(values):
        return "ignore" if looks_like_id(header, values) else "other_number"
    distinct = len(set(values))
    return "other_category" if distinct <= MAX_OWN_LEVELS and distinct < 0.5 * len(values) else "ignore"


def analyse_decimal_comma(values: Iterable[str]) -> bool:
    """Whether ``,`` is the decimal mark in a column of numbers (votes over the values).

    Groups of two digits before the last three (``1,30,000``, Indian grouping) are thousands too.
    """
    comma = point = 0
    for v in values:
        s = v.strip().strip(_CURRENCY).replace(" ", "").replace("\u00a0", "")
        if "," in s and "." in s:
            comma += s.rfind(",") > s.rfind(".")
            point += s.rfind(".") > s.rfind(",")
        elif "," in s:
            thousands = re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+|[-+]?\d{1,2}(,\d{2})+,\d{3}", s) is not None
            point += thousands
            comma += not thousands
        elif re.fullmatch(r"[-+]?\d{1,3}(\.\d{3}){2,}", s):
            comma += 1
        elif "." in s:
            point += 1
    return comma > point


def why_left_out(values: list[str], distinct_limit: int = MAX_OWN_LEVELS) -> str:
    """Plain reason a column is not used, from its values."""
    if not values:
        return "empty"
    distinct = len(set(values))
    if distinct == 1:
        return "the same value on every row"
    if is_number_column(values) and distinct == len(values):
        return "looks like an id or row number (a different number on every row)"
    if distinct > distinct_limit:
        return f"free text or codes with many different values ({distinct:,} in the first rows)"
    return "no meaning matched its name; pick one if it is useful"
