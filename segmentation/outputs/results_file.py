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
from segmentation.outputs.results_segments import NO_SEGMENT, SegmentCheck, compare_segments, plural

_YES = {"1", "yes", "y", "true", "t", "是", "有"}
_NO = {"0", "no", "n", "false", "f", "否", "无", "無"}
_BLANK = {"", "nan", "none", "null", "-", "na", "n/a"}


@dataclass(frozen=True)
class RowCount:
    """What happened to the rows of a results file: ``read == used + sum(set_aside.values())``.

    ``set_aside`` counts rows per reason and ``customers`` the distinct customers behind them;
    ``segments`` compares the file's own segments with the current ones, when both are known.
    """

    read: int
    used: int
    set_aside: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    customers: dict[str, int] = field(default_factory=dict)
    segments: SegmentCheck | None = None

    def summary(self) -> str:
        """One line, for example '1,000 rows read, 980 used; 15 unknown customers, 5 without a group'."""
        text = f"{self.read:,} rows read, {self.used:,} used"
        reasons = [f"{n:,} {_REASON_WORDS[k]}" for k, n in self.set_aside.items() if n]
        return text + ("; set aside: " + ", ".join(reasons) if reasons else "") + "."

    def messages(self) -> list[str]:
        """Every row left out and every disagreement with the customer data, one plain sentence each."""
        out = []
        for reason, rows in self.set_aside.items():
            out.append(_sentence(reason, rows, self.customers.get(reason, rows)))
        return out + (self.segments.messages() if self.segments is not None else [])


_REASON_WORDS = {
    "no_group": "without a group",
    "unknown_customer": "customers not in the current data",
    "two_segments": "rows of customers in two segments",
    "two_groups": "rows of customers in two groups",
    "repeated_customer": "repeated customers (first row kept)",
}
_REASON_SENTENCES = {
    "no_group": "{rows} without a group or a customer id: left out of the measurement.",
    "unknown_customer": "{customers} of the results file {are} not in your customer data: left out of "
    "the measurement.",
    "two_segments": "{customers} {are} listed in two segments or more ({rows}): left out of the "
    "measurement, as the segment is unclear.",
    "two_groups": "{customers} {are} listed in two groups or more ({rows}), for example both sent and "
    "held out: left out of the measurement, as the group is unclear.",
    "repeated_customer": "{customers} {are} listed more than once in the same group: counted once, from "
    "the first row ({rows} not used).",
}


def _sentence(reason: str, rows: int, customers: int) -> str:
    return _REASON_SENTENCES[reason].format(
        rows=plural(rows, "row"),
        customers=plural(customers, "customer"),
        are="is" if customers == 1 else "are",
    )


def clean_results(
    results: pd.DataFrame,
    *,
    group_column: str,
    control: str,
    outcomes: Sequence[str],
    segment_column: str | None,
    id_column: str | None,
    segments: pd.Series | None,
    by_segment: bool = True,
) -> tuple[pd.DataFrame, RowCount, dict[str, str]]:
    """The usable rows with ``_arm`` (categorical, control first), ``_segment`` and numeric outcomes.

    ``segments`` (segment name per known customer id) sets aside the customers it does not hold and,
    with ``segment_column``, is compared with the file's segments; without it, it gives the segment.
    ``by_segment=False`` leaves ``_segment`` out. Returns the rows, the row count and each
    outcome's kind (``"rate"`` for 0/1, else ``"amount"``).
    """
    _require_columns(results, [group_column, *outcomes, *(c for c in (segment_column, id_column) if c)])
    if not outcomes:
        raise DataError("Choose at least one outcome column (for example converted or revenue).")
    if segments is not None and id_column is None:
        raise DataError("Choose the customer id column so the results can be matched to the segments.")
    results = results.reset_index(drop=True)  # labels are positions: label + 2 is the file's line
    group = _text(results[group_column])
    ids = _text(results[id_column]) if id_column is not None else None
    in_file = _text(results[segment_column]) if segment_column is not None and by_segment else None
    keep, aside = _usable_rows(group, ids, in_file, segments)
    arms = _arms(group[keep], control, group_column)
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
    check = None
    if in_file is not None:
        frame["_segment"] = _named(in_file[keep])
        if segments is not None and ids is not None:
            check = compare_segments(in_file[keep].set_axis(ids[keep].astype(str)), segments)
    elif segments is not None and ids is not None and by_segment:
        current = segments.set_axis(segments.index.astype(str)).astype(str)
        frame["_segment"] = current.reindex(ids[keep].to_numpy()).to_numpy()
    frame.attrs["control"] = arms[0]
    rows = RowCount(len(results), int(keep.sum()), aside.rows(), tuple(notes), aside.customers(), check)
    return frame, rows, kinds


def _usable_rows(
    group: pd.Series, ids: pd.Series | None, in_file: pd.Series | None, segments: pd.Series | None
) -> tuple[np.ndarray, _SetAside]:
    """Rows with a group (and an id), of known customers, one per customer; and what was set aside."""
    keep = group.notna().to_numpy().copy()
    aside = _SetAside(ids)
    if ids is None:
        aside.add("no_group", ~keep)
        return keep, aside
    keep &= ids.notna().to_numpy()  # a row without an id cannot be matched either
    aside.add("no_group", ~keep)
    if segments is not None:
        keep = _known_customers(ids, keep, segments, aside)
    return _one_row_per_customer(ids, keep, group, in_file, aside), aside


def _arms(group: pd.Series, control: str, column: str) -> list[str]:
    """The control (as the file writes it) first, then the treated arms; at least one of them."""
    control = _match_control(group, control, column)
    present = group.cat.remove_unused_categories().cat.categories
    arms = [control, *sorted(str(a) for a in present if a != control)]
    if len(arms) < 2:
        raise DataError(
            f"The results hold one group only ('{control}', {len(group):,} customers), so there is no "
            "control group to compare with. Measuring needs both the customers who were sent the campaign "
            "and those held out: the campaign groups file from the Export page has both."
        )
    return arms


def _named(segment: pd.Series) -> np.ndarray:
    """The file's segments, blanks named :data:`NO_SEGMENT`."""
    if NO_SEGMENT not in segment.cat.categories:
        segment = segment.cat.add_categories([NO_SEGMENT])
    return segment.fillna(NO_SEGMENT).to_numpy()


class _SetAside:
    """Rows set aside per reason, and the distinct customers among them (when there are ids)."""

    def __init__(self, ids: pd.Series | None) -> None:
        self._ids = ids
        self._masks: dict[str, np.ndarray] = {}

    def add(self, reason: str, mask: np.ndarray) -> None:
        self._masks[reason] = np.asarray(mask, dtype=bool)

    def rows(self) -> dict[str, int]:
        return {k: int(m.sum()) for k, m in self._masks.items() if m.any()}

    def customers(self) -> dict[str, int]:
        if self._ids is None:
            return {}
        return {k: int(self._ids[m].nunique()) for k, m in self._masks.items() if m.any()}


def _known_customers(ids: pd.Series, keep: np.ndarray, segments: pd.Series, aside: _SetAside) -> np.ndarray:
    """``keep`` without the customers ``segments`` does not hold (set aside as unknown)."""
    known = ids.isin(segments.index.astype(str)).to_numpy()
    aside.add("unknown_customer", keep & ~known)
    if not (keep & known).any():
        raise DataError(
            f"None of the {len(ids):,} customers in the results is in the current data "
            f"({int((keep & ~known).sum()):,} unknown ids, for example "
            f"{', '.join(repr(v) for v in ids.dropna().unique()[:3])}). Check that the results "
            "use the same customer ids as the order history."
        )
    return keep & known


def _one_row_per_customer(
    ids: pd.Series, keep: np.ndarray, group: pd.Series, in_file: pd.Series | None, aside: _SetAside
) -> np.ndarray:
    """``keep`` with one row per customer: a customer listed in two segments or two groups is left
    out (which one holds is unclear); a repeat that agrees keeps its first row."""
    for reason, values in (("two_segments", in_file), ("two_groups", group)):
        if values is not None:
            torn = keep & _disagree(ids, values, keep)
            aside.add(reason, torn)
            keep = keep & ~torn
    repeated = ids.duplicated(keep="first").to_numpy() & keep
    aside.add("repeated_customer", repeated)
    return keep & ~repeated


def _disagree(ids: pd.Series, values: pd.Series, keep: np.ndarray) -> np.ndarray:
    """True for the kept rows of customers whose kept rows hold more than one value (blank is one)."""
    codes = ids.cat.codes.to_numpy()
    listed = np.flatnonzero(keep)
    listed = listed[pd.Series(codes[listed]).duplicated(keep=False).to_numpy()]  # only repeats can disagree
    rows = pd.DataFrame({"id": codes[listed], "value": values.cat.codes.to_numpy()[listed]})
    out = np.zeros(len(keep), dtype=bool)
    out[listed] = rows.groupby("id")["value"].transform("nunique").to_numpy() > 1
    return out


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
