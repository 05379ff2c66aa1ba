"""Custom segments: ordered, named rules of conditions joined by AND/OR; the first match wins.

Rules are plain data (JSON via ``to_dict``/``from_dict``) evaluated with pandas comparisons only:
nothing a user or a recipe file writes is ever evaluated as code. ``rule_sizes`` tells the size of
each segment before the rules are applied, for the live rule builder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from segmentation.catalog import CustomerTable
from segmentation.segments import Segmentation

Op = Literal[">", ">=", "<", "<=", "==", "!=", "in", "contains", "between", "is missing"]
OPS: tuple[str, ...] = (">", ">=", "<", "<=", "==", "!=", "in", "contains", "between", "is missing")
_COMPARE: dict[str, Callable[[pd.Series, Any], pd.Series]] = {
    ">": lambda s, v: s > v,
    ">=": lambda s, v: s >= v,
    "<": lambda s, v: s < v,
    "<=": lambda s, v: s <= v,
}


def _plain(value: Any) -> Any:
    """JSON-safe copy of a condition value: scalars, or lists of scalars."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, np.generic):
        return value.item()
    raise ValueError(f"A rule value must be text, a number, true/false or a list of those, not {value!r}.")


@dataclass(frozen=True)
class Condition:
    """``feature op value``, e.g. ``Condition("monetary", ">=", 500)`` or ``("interests", "contains", "yoga")``.

    ``in`` takes a list of values, ``between`` a ``(low, high)`` pair (both included), ``contains``
    a tag (or a list: any of them) of a "|"-joined tags column, ``is missing`` no value.
    """

    feature: str
    op: Op
    value: Any = None

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"Unknown comparison '{self.op}'. Use one of: {', '.join(OPS)}.")
        object.__setattr__(self, "value", _freeze(_plain(self.value)))
        if self.op == "between" and not (isinstance(self.value, tuple) and len(self.value) == 2):
            raise ValueError(f"'between' on {self.feature} needs two values: a lower and an upper limit.")

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        """True for customers meeting the condition; a missing value never matches (except ``is missing``)."""
        if self.feature not in frame.columns:
            raise ValueError(f"The rule uses '{self.feature}', which is not a column of your customer table.")
        col = frame[self.feature]
        if self.op == "is missing":
            result = col.isna()
        elif self.op in ("==", "!=", "in"):
            wanted = self.value if self.op == "in" else (self.value,)
            wanted = wanted if isinstance(wanted, tuple) else (wanted,)
            result = _isin(col, wanted)
            result = ~result & col.notna() if self.op == "!=" else result
        elif self.op == "contains":
            tags = self.value if isinstance(self.value, tuple) else (self.value,)
            wanted = {str(t).strip().casefold() for t in tags}
            split = col.astype("string").str.casefold().str.split("|")
            result = split.map(lambda ts: isinstance(ts, list) and bool(wanted & {t.strip() for t in ts}))
        else:
            num = _numeric(col, self)
            if self.op == "between":
                lo, hi = (float(v) for v in self.value)
                result = (num >= lo) & (num <= hi)
            else:
                result = _COMPARE[self.op](num, float(self.value))
        return result.fillna(False).astype(bool)

    def to_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "op": self.op, "value": _plain(self.value)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Condition:
        if not isinstance(data, Mapping) or not isinstance(data.get("feature"), str):
            raise ValueError("A saved condition must name a feature.")
        return cls(data["feature"], data.get("op"), data.get("value"))  # type: ignore[arg-type]


def _freeze(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _numeric(col: pd.Series, cond: Condition) -> pd.Series:
    if pd.api.types.is_bool_dtype(col) or not pd.api.types.is_numeric_dtype(col):
        raise ValueError(
            f"'{cond.feature} {cond.op} ...' compares numbers, but {cond.feature} is not a number."
        )
    if cond.op != "between" and not isinstance(cond.value, int | float):
        raise ValueError(f"'{cond.feature} {cond.op} ...' needs a number to compare with.")
    return col.astype(float)


def _isin(col: pd.Series, wanted: tuple[Any, ...]) -> pd.Series:
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        try:
            return col.isin([float(v) for v in wanted])
        except (TypeError, ValueError):
            pass
    folded = {str(v).casefold() for v in wanted}
    return col.astype("string").str.casefold().isin(folded)


@dataclass(frozen=True)
class Rule:
    """A named segment: customers meeting all (``join="and"``) or any (``"or"``) of the conditions."""

    name: str
    conditions: tuple[Condition, ...]
    join: Literal["and", "or"] = "and"

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("Every rule needs a name.")
        if self.join not in ("and", "or"):
            raise ValueError("Combine conditions with 'and' or 'or'.")
        object.__setattr__(self, "conditions", tuple(self.conditions))

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        """Customers the rule selects on its own; a rule without conditions selects nobody."""
        masks = [c.mask(frame) for c in self.conditions]
        if not masks:
            return pd.Series(False, index=frame.index)
        combined = np.logical_and.reduce if self.join == "and" else np.logical_or.reduce
        return pd.Series(combined([m.to_numpy() for m in masks]), index=frame.index)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "join": self.join, "conditions": [c.to_dict() for c in self.conditions]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rule:
        if not isinstance(data, Mapping) or not isinstance(data.get("name"), str):
            raise ValueError("A saved rule must have a name.")
        conditions = data.get("conditions", [])
        if not isinstance(conditions, list):
            raise ValueError(f"The conditions of rule '{data['name']}' must be a list.")
        return cls(data["name"], tuple(Condition.from_dict(c) for c in conditions), data.get("join", "and"))


def _first_match(table: CustomerTable, rules: Sequence[Rule]) -> tuple[np.ndarray, np.ndarray]:
    """Codes by first matching rule (len(rules) when none) and the matrix of each rule alone."""
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        raise ValueError("Two rules have the same name; give every segment its own name.")
    n = len(table.frame)
    alone = np.array([r.mask(table.frame).to_numpy() for r in rules]).reshape(len(rules), n)
    hit = alone.any(axis=0)
    codes = np.where(hit, alone.argmax(axis=0), len(rules))
    return codes, alone


def custom_segments(
    table: CustomerTable, rules: Sequence[Rule], other_name: str = "Everyone else"
) -> Segmentation:
    """Segments from ordered rules: each customer joins the first rule they match, else ``other_name``."""
    if other_name in {r.name for r in rules}:
        raise ValueError(f"'{other_name}' is reserved for customers no rule selects; rename that rule.")
    codes, _ = _first_match(table, rules)
    params = {"rules": [r.to_dict() for r in rules], "other_name": other_name}
    return Segmentation.from_codes(
        codes, table.frame.index, [*(r.name for r in rules), other_name], "custom", params
    )


def rule_sizes(
    table: CustomerTable, rules: Sequence[Rule], other_name: str = "Everyone else"
) -> pd.DataFrame:
    """Customers each rule would get, before applying: in order (first match wins) and alone.

    Returns a frame indexed by segment name (rules, then ``other_name``) with columns ``customers``
    (what :func:`custom_segments` will give), ``share`` of all customers and ``alone`` (matching the
    rule regardless of earlier rules; for ``other_name``, customers no rule selects).
    """
    codes, alone = _first_match(table, rules)
    counts = np.bincount(codes, minlength=len(rules) + 1)
    alone_counts = [*alone.sum(axis=1).tolist(), int(counts[-1])]
    n = max(len(codes), 1)
    index = pd.Index([*(r.name for r in rules), other_name], name="segment")
    return pd.DataFrame({"customers": counts, "share": counts / n, "alone": alone_counts}, index=index)
