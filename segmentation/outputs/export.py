"""Exports: campaign lists with holdout groups, and spreadsheet-safe CSV, XLSX and zip files.

Everything returns bytes or DataFrames; nothing touches the disk, so the UI hands the bytes to a
download button and a batch job writes them wherever it likes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from segmentation.catalog import CustomerTable
from segmentation.segments import Segmentation

__all__ = [
    "DEFAULT_CONTACT_COLUMNS",
    "DEFAULT_FACT_COLUMNS",
    "campaign_list",
    "neutralise",
    "safe_file_name",
    "to_csv_bytes",
    "to_xlsx_bytes",
    "zip_by_segment",
]

#: Contact columns carried by default, in this order, when the table has them.
DEFAULT_CONTACT_COLUMNS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    "city",
    "country",
    "consent",
)
#: A few facts a campaign manager wants next to each name.
DEFAULT_FACT_COLUMNS: tuple[str, ...] = (
    "recency_days",
    "frequency",
    "monetary",
    "avg_order_value",
    "churn_probability",
)

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A plain signed number ("+447700900123", "-12.5") cannot run as a formula; platform files keep them
# as they are so phone numbers stay importable.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def _segment_codes(seg: Segmentation, segments: Iterable[str | int] | None) -> list[int]:
    if segments is None:
        return list(range(len(seg.names)))
    codes: list[int] = []
    for s in segments:
        if isinstance(s, str):
            if s not in seg.names:
                raise ValueError(f'There is no segment called "{s}". Pick one of: {", ".join(seg.names)}.')
            code = seg.names.index(s)
        else:
            code = int(s)
            if not 0 <= code < len(seg.names):
                raise ValueError(f"Segment number {code} does not exist.")
        if code not in codes:
            codes.append(code)
    return codes


def _holdout_mask(codes: np.ndarray, share: float, random_state: int) -> np.ndarray:
    """Exactly ``round(share * n)`` holdout customers per segment, drawn by a per-segment seed.

    Seeding per segment means a segment's holdout does not change when other segments are added to
    or removed from the export.
    """
    mask = np.zeros(len(codes), dtype=bool)
    for code in np.unique(codes):
        where = np.flatnonzero(codes == code)
        n_hold = int(np.floor(share * len(where) + 0.5))
        rng = np.random.default_rng([random_state, int(code)])
        mask[rng.choice(where, size=n_hold, replace=False)] = True
    return mask


def campaign_list(
    table: CustomerTable,
    seg: Segmentation,
    *,
    segments: Iterable[str | int] | None = None,
    columns: Sequence[str] | None = None,
    holdout_share: float = 0.0,
    random_state: int = 0,
) -> pd.DataFrame:
    """One row per customer of the chosen segments, ready to hand to a campaign tool.

    Parameters
    ----------
    table : CustomerTable
        The customer table (index ``customer_id``).
    seg : Segmentation
        Segment of every customer.
    segments : iterable of str or int, optional
        Segment names or codes to export; all segments when omitted.
    columns : sequence of str, optional
        Extra columns after ``customer_id`` and ``segment``. Default: contact columns present in the
        table plus a few key facts (recency, orders, revenue, ...). Unknown names raise ``ValueError``.
    holdout_share : float
        Share of each segment kept out of the campaign as a control group (0 = no holdout column).
    random_state : int
        Seed for the holdout draw; the same seed gives the same holdout.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id``, ``segment``, the chosen columns and, when ``holdout_share > 0``, a
        ``group`` column with ``"target"`` or ``"holdout"``. Rows in segment order.

    Examples
    --------
    >>> lst = campaign_list(table, seg, segments=["Champions"], holdout_share=0.1)  # doctest: +SKIP
    """
    if not 0.0 <= holdout_share < 1.0:
        raise ValueError("The holdout share must be between 0% and 99%.")
    frame = table.frame
    if columns is None:
        wanted = [*DEFAULT_CONTACT_COLUMNS, *DEFAULT_FACT_COLUMNS]
        columns = [c for c in wanted if c in frame.columns]
    else:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ValueError(f"These columns are not in the customer table: {', '.join(missing)}.")
    columns = [c for c in columns if c not in ("customer_id", "segment", "group")]

    codes = _segment_codes(seg, segments)
    labels = seg.labels[seg.labels.isin(codes)]
    # Segment order first, then the segmentation's own customer order (stable sort).
    order = np.argsort(pd.Categorical(labels.to_numpy(), categories=codes).codes, kind="stable")
    labels = labels.iloc[order]
    ids = labels.index.astype(str)

    out = pd.DataFrame({"customer_id": ids.to_numpy()})
    names = pd.Categorical.from_codes(labels.to_numpy(), categories=list(seg.names))  # type: ignore[call-overload]
    out["segment"] = names.remove_unused_categories().reorder_categories(
        [seg.names[c] for c in codes if seg.names[c] in set(names)]
    )
    facts = frame.reindex(ids)[columns].reset_index(drop=True)
    out = pd.concat([out, facts], axis=1)
    if holdout_share > 0:
        mask = _holdout_mask(labels.to_numpy(), holdout_share, random_state)
        out["group"] = np.where(mask, "holdout", "target")
    return out


def neutralise(df: pd.DataFrame, *, keep_plain_numbers: bool = False) -> pd.DataFrame:
    """A copy whose text cells cannot run as spreadsheet formulas (CSV/formula injection).

    A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    apostrophe; numbers, booleans and dates are untouched. Categorical columns become text.

    Parameters
    ----------
    df : pandas.DataFrame
        Any table.
    keep_plain_numbers : bool
        Leave text that is just a signed number (``"+447700900123"``) alone; used for platform files
        whose importers need E.164 phone numbers as they are.
    """

    def fix(value: object) -> object:
        if isinstance(value, str) and value.startswith(_TRIGGERS):
            if keep_plain_numbers and _PLAIN_NUMBER.fullmatch(value):
                return value
            return "'" + value
        return value

    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object).where(s.notna(), None)
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.map(fix, na_action="ignore")
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """Neutralised CSV, UTF-8 with a byte-order mark so Excel shows accents and Chinese correctly."""
    return neutralise(df).to_csv(index=False).encode("utf-8-sig")


def _sheet_name(name: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", name).strip("' ") or "Customers"
    return cleaned[:31]


def to_xlsx_bytes(df: pd.DataFrame, *, sheet_name: str = "Customers") -> bytes:
    """Neutralised Excel workbook; text is always written as text, never as a formula or link."""
    import xlsxwriter  # lazy: only needed when someone asks for Excel

    safe = neutralise(df)
    buf = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    options["strings_to_numbers"] = False
    with xlsxwriter.Workbook(buf, options) as book:
        sheet = book.add_worksheet(_sheet_name(sheet_name))
        bold = book.add_format({"bold": True, "bg_color": "#EEF1F6", "bottom": 1})
        date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        for j, col in enumerate(safe.columns):
            sheet.write_string(0, j, str(col), bold)
            _write_column(sheet, j, safe[col], date_fmt)
            width = max([len(str(col)), *(len(str(v)) for v in safe[col].head(200))]) + 2
            sheet.set_column(j, j, min(width, 40))
        sheet.freeze_panes(1, 0)
        if len(safe.columns):
            sheet.autofilter(0, 0, max(len(safe), 1), len(safe.columns) - 1)
    return buf.getvalue()


def _write_column(sheet: Any, j: int, s: pd.Series, date_fmt: Any) -> None:
    """Write one column with a writer chosen once per dtype (xlsxwriter's own cost dominates)."""
    present = s.notna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        values = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) else s
        for i, v in enumerate(values.tolist(), start=1):
            if present[i - 1]:
                sheet.write_datetime(i, j, v.to_pydatetime(), date_fmt)
        return
    cast: Callable[[Any], Any]
    if pd.api.types.is_bool_dtype(s.dtype):
        write, cast = sheet.write_boolean, bool
    elif pd.api.types.is_numeric_dtype(s.dtype):
        write, cast = sheet.write_number, float
    else:
        write, cast = sheet.write_string, str  # text stays text: never a formula, never a link
    for i, v in enumerate(s.tolist(), start=1):
        if present[i - 1]:
            if isinstance(v, bool | np.bool_) and cast is str:
                sheet.write_boolean(i, j, bool(v))  # nullable booleans stored in object columns
            else:
                write(i, j, cast(v))


def safe_file_name(name: str, *, max_len: int = 60) -> str:
    """A file name stem safe on Windows, macOS and Linux; keeps letters of any script."""
    stem = re.sub(r"[^\w\- ]+", "_", name, flags=re.UNICODE).strip(" ._")
    stem = re.sub(r"\s+", "_", stem)
    return stem[:max_len] or "segment"


def zip_by_segment(df: pd.DataFrame, fmt: Literal["csv", "xlsx"] = "csv") -> bytes:
    """A zip archive with one file per segment of a campaign list (numbered in segment order).

    Parameters
    ----------
    df : pandas.DataFrame
        A campaign list with a ``segment`` column.
    fmt : {"csv", "xlsx"}
        File format inside the archive.
    """
    if "segment" not in df.columns:
        raise ValueError("The list has no segment column, so it cannot be split by segment.")
    if fmt not in ("csv", "xlsx"):
        raise ValueError('Choose "csv" or "xlsx".')
    seg_col = df["segment"]
    order = (
        list(seg_col.cat.categories)
        if isinstance(seg_col.dtype, pd.CategoricalDtype)
        else list(dict.fromkeys(seg_col.tolist()))
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for i, name in enumerate(order, start=1):
            part = df[seg_col == name].reset_index(drop=True)
            if part.empty:
                continue
            fname = f"{i:02d}_{safe_file_name(str(name))}.{fmt}"
            data = to_csv_bytes(part) if fmt == "csv" else to_xlsx_bytes(part, sheet_name=str(name))
            zf.writestr(fname, data)
    return buf.getvalue()
