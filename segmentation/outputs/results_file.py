"""Checking an uploaded campaign results file: every row used or set aside with a reason, plain messages.

Used by :func:`segmentation.outputs.measurement.measure`; this module only validates and cleans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from segmentation.errors import DataError
from segmentation.intake import analyse_decimal_comma, parse_number, read_table

_YES = {"1", "yes", "y", "true", "t", "是", "有"}
_NO = {"0", "no", "n", "false", "f", "否", "无", "無"}
_BLANK = {"", "nan", "none", "null", "-", "na", "n/a"}


@dataclass(frozen=True)
class RowCount:
    """What happened to the rows of a results file: ``read == used + sum(set_aside.values())``."""

    read: int
    used: int
    set_aside: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        """One line, for example '1,000 rows read, 980 used; 15 unknown customers, 5 without a group'."""
        text = f"{self.read:,} rows read, {self.used:,} used"
        reasons = [f"{n:,} {_REASON_WORDS[k]}" for k, n in self.set_aside.items() if n]
        return text + ("; set aside: " + ", ".join(reasons) if reasons else "") + "."


_REASON_WORDS = {
    "no_group": "without a group",
    "unknown_customer": "customers not in the current data",
    "repeated_customer": "repeated customers (first row kept)",
}


def clean_results(
    results: pd.DataFrame,
    *,
    group_column: str,
    control: str,
    outcomes: Sequence[str],
    segment_column: str | None,
    id_column: str | None,
    segments: pd.Series | None,
) -> tuple[pd.DataFrame, RowCount, dict[str, str]]:
    """The usable rows with ``_arm`` (categorical, control first), ``_segment`` and numeric outcomes.

    Returns the rows, the row count and each outcome's kind (``"rate"`` for 0/1, else ``"amount"``).
    """
    _require_columns(results, [group_column, *outcomes, *(c for c in (segment_column, id_column) if c)])
    if not outcomes:
        raise DataError("Choose at least one outcome column (for example converted or revenue).")
    if segments is not None and id_column is None:
        raise DataError("Choose the customer id column so the results can be matched to the segments.")
    results = results.reset_index(drop=True)  # labels are positions: label + 2 is the file's line
    read = len(results)
    group = _text(results[group_column])
    keep = group.notna().to_numpy().copy()
    set_aside = {"no_group": int((~keep).sum())}
    if id_column is not None:
        ids = _text(results[id_column])
        keep &= ids.notna().to_numpy()
        set_aside["no_group"] = int((~keep).sum())  # a row without an id cannot be matched either
        if segments is not None:
            known = ids.isin(segments.index.astype(str)).to_numpy()
            set_aside["unknown_customer"] = int((keep & ~known).sum())
            keep &= known
            if not keep.any():
                raise DataError(
                    f"None of the {read:,} customers in the results is in the current data "
                    f"({set_aside['unknown_customer']:,} unknown ids, for example "
                    f"{', '.join(repr(v) for v in ids.dropna().unique()[:3])}). Check that the results "
                    "use the same customer ids as the order history."
                )
        repeated = ids.duplicated(keep="first").to_numpy() & keep
        set_aside["repeated_customer"] = int(repeated.sum())
        keep &= ~repeated
    control = _match_control(group[keep], control, group_column)
    present = group[keep].cat.remove_unused_categories().cat.categories
    arms = [control, *sorted(str(a) for a in present if a != control)]
    if len(arms) < 2:
        raise DataError(
            f"The results hold one group only ('{control}', {int(keep.sum()):,} customers), so there is no "
            "control group to compare with. Measuring needs both the customers who were sent the campaign "
            "and those held out: the campaign groups file from the Export page has both."
        )
    frame = pd.DataFrame(index=results.index[keep])
    frame["_arm"] = group[keep].cat.set_categories(arms).array
    notes: list[str] = []
    kinds: dict[str, str] = {}
    for col in outcomes:
        values, blanks = _numbers(results.loc[keep, col], col)
        frame[col] = values
        kinds[col] = "rate" if np.isin(values, (0.0, 1.0)).all() else "amount"
        if blanks:
            notes.append(f"{blanks:,} blank values of '{col}' were counted as 0.")
    if segment_column is not None:
        segment = _text(results.loc[keep, segment_column])
        frame["_segment"] = segment.cat.add_categories(["(no segment)"]).fillna("(no segment)").to_numpy()
    elif segments is not None:
        seg_ids = ids[keep].to_numpy()
        frame["_segment"] = (
            segments.set_axis(segments.index.astype(str)).reindex(seg_ids).astype(str).to_numpy()
        )
    frame.attrs["control"] = control
    rows = RowCount(read, int(keep.sum()), {k: v for k, v in set_aside.items() if v}, tuple(notes))
    return frame, rows, kinds


def read_results(source: bytes | Path, name: str) -> pd.DataFrame:
    """A results file (CSV, Excel, Parquet; any encoding or separator) as text columns, rows in file order."""
    raw = read_table(source, name=name)
    return raw.con.execute(f"SELECT * FROM {raw.table}").df()


def group_values(results: pd.DataFrame, column: str, limit: int = 50) -> list[str]:
    """The distinct groups of a column (stripped, blanks left out), most customers first."""
    return [str(v) for v in _text(results[column]).value_counts().index[:limit]]


def guess_control(values: Sequence[str]) -> str | None:
    """The value that most likely names the control group ('holdout', 'control', ...), if any."""
    words = ("holdout", "hold out", "hold-out", "control", "not sent", "no mail", "对照", "對照")
    for value in values:
        if any(w in str(value).strip().lower() for w in words):
            return str(value)
    return None


def _require_columns(results: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in results.columns]
    if missing:
        raise DataError(
            f"The results have no column {', '.join(repr(c) for c in missing)}. "
            f"Their columns are: {', '.join(map(str, results.columns))}."
        )


def _text(series: pd.Series) -> pd.Series:
    """Values as stripped text (categorical, so large files stay fast), blanks as missing."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    text = pd.Index(uniques).astype(str).str.strip()
    blank = text.str.lower().isin(_BLANK)
    names = pd.Index(text[~blank]).unique()
    remap = np.where(blank, -1, names.get_indexer(text))
    new_codes = np.where(codes >= 0, remap[np.maximum(codes, 0)] if len(remap) else -1, -1)
    return pd.Series(pd.Categorical.from_codes(new_codes, categories=names), index=series.index)


def _match_control(group: pd.Series, control: str, column: str) -> str:
    counts = group.value_counts()
    if control in counts.index:
        return control
    folded = {str(v).lower(): str(v) for v in counts.index}
    if str(control).strip().lower() in folded:
        return folded[str(control).strip().lower()]
    found = ", ".join(f"'{v}' ({n:,})" for v, n in counts.head(8).items())
    raise DataError(
        f"No customer is in the control group '{control}': the column '{column}' holds {found}. "
        "Choose the value that marks the customers who were held out."
    )


def _numbers(series: pd.Series, column: str) -> tuple[np.ndarray, int]:
    """Outcome values as floats (yes/no as 1/0, blanks as 0) and the count of blanks.

    Raises DataError naming the rows whose values are not numbers.
    """
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        blank = np.isnan(values)
        bad = np.isinf(values)
    else:
        codes, uniques = pd.factorize(series.astype("string").str.strip().str.lower().fillna(""))
        words = [str(u) for u in uniques]
        numbers = [w for w in words if w not in _BLANK | _YES | _NO]
        comma = analyse_decimal_comma(numbers[:5000])
        each = np.array(
            [1.0 if w in _YES else 0.0 if w in _NO else parse_number(w, decimal_comma=comma) for w in words],
            dtype=float,
        )
        is_blank = np.array([w in _BLANK for w in words], dtype=bool)
        values, blank = each[codes], is_blank[codes]
        bad = ~blank & ~np.isfinite(values)
    if bad.any():
        rows = series.index[bad]
        examples = ", ".join(f"line {i + 2}: '{series.loc[i]}'" for i in rows[:3])
        raise DataError(
            f"The outcome '{column}' has {int(bad.sum()):,} values that are not numbers ({examples}). "
            "Outcomes must be 0/1 (or yes/no) or amounts; correct or empty these cells."
        )
    return np.where(blank, 0.0, values), int(blank.sum())
