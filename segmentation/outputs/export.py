"""Exports: campaign lists with holdout groups, and spreadsheet-safe CSV, XLSX and zip files.

Everything returns bytes or DataFrames; nothing touches the disk, so the UI hands the bytes to a
download button and a batch job writes them wherever it likes.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "DEFAULT_CONTACT_COLUMNS",
    "DEFAULT_FACT_COLUMNS",
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
#: A few facts a campaign manager wants next to each name, and what to offer them.
DEFAULT_FACT_COLUMNS: tuple[str, ...] = (
    "recency_days",
    "frequency",
    "monetary",
    "avg_order_value",
    "churn_probability",
    "next_product_1",
    "next_product_2",
    "next_product_3",
)

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A plain signed number ("+447700900123", "-12.5") cannot run as a formula; platform files keep them
# as they are so phone numbers stay importable.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_INNER_TRIGGER = re.compile(r"([,;|\t\"'] *)([=+\-@\t\r])")


def _safe_text(value: str, keep_plain_numbers: bool) -> str:
    text = value.replace("\0", "")  # NUL ends a string in some readers: never written
    if keep_plain_numbers and _PLAIN_NUMBER.fullmatch(text):
        return text
    # A trigger after a separator or quote starts a new cell in a reader that splits on that
    # separator (Excel set to ";" reading "x;=1+1"): mark it as text where that cell would begin.
    text = _INNER_TRIGGER.sub(r"\1'\2", text)
    return "'" + text if text.startswith(_TRIGGERS) or value.startswith("\0") else text


def neutralise(df: pd.DataFrame, *, keep_plain_numbers: bool = False) -> pd.DataFrame:
    """A copy that spreadsheet programs cannot run as formulas (OWASP "CSV Injection").

    Following https://owasp.org/www-community/attacks/CSV_Injection: a text cell starting with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe; so does a
    trigger that follows a separator (``,`` ``;`` ``|`` tab) or a quote inside a cell, since a
    reader splitting on that separator would start a cell there; NUL characters are removed (ASVS
    1.2.10). Infinite numbers become missing, which every writer leaves blank. Numbers, booleans and
    dates are untouched; categorical columns become text.

    Parameters
    ----------
    df : pandas.DataFrame
        Any table.
    keep_plain_numbers : bool
        Leave text that is just a signed number (``"+447700900123"``) alone; used for platform files
        whose importers need E.164 phone numbers as they are.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object).where(s.notna(), None)
        if pd.api.types.is_float_dtype(s.dtype):
            out[col] = s.where(np.isfinite(s.to_numpy(dtype=float, na_value=np.nan)))
        elif s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            out[col] = _safe_column(s, keep_plain_numbers)
    return out


# A cell _safe_text would change: a trigger first, a trigger after a separator or quote, or a NUL.
_NEEDS_CARE = r"^[=+\-@\t\r]|[,;|\t\"'] *[=+\-@\t\r]|\x00"


def _safe_column(s: pd.Series, keep_plain_numbers: bool) -> pd.Series:
    """``_safe_text`` on every text cell of ``s`` (``_finite`` on anything else), as ``Series.map``
    would give it; only the cells it would change are visited one by one (found in Arrow)."""
    if isinstance(s.dtype, pd.StringDtype):
        dtype = s.dtype
    elif pd.api.types.infer_dtype(s, skipna=True) == "string":
        dtype = _mapped_text_dtype()
    else:  # numbers or other objects among the text: every cell its own way
        return s.map(
            lambda v: _safe_text(v, keep_plain_numbers) if isinstance(v, str) else _finite(v),
            na_action="ignore",
        )
    cells = s.to_numpy(dtype=object, na_value=None, copy=True)  # type: ignore[call-overload]  # stubs lack None
    care = pc.fill_null(pc.match_substring_regex(pa.array(cells, pa.string()), _NEEDS_CARE), False)
    rows = np.flatnonzero(care.to_numpy(zero_copy_only=False))
    if len(rows):
        cells[rows] = [_safe_text(v, keep_plain_numbers) for v in cells[rows]]
    return pd.Series(cells, index=s.index, name=s.name, dtype=dtype)


def _mapped_text_dtype() -> Any:
    """The dtype ``Series.map`` gives text held as objects (``str`` where pandas infers strings)."""
    return pd.Series(["x"], dtype=object).map(str).dtype


def _finite(value: object) -> object:
    if isinstance(value, float | np.floating) and not np.isfinite(value):
        return None
    return value


def to_csv_bytes(df: pd.DataFrame, *, bom: bool = True, keep_plain_numbers: bool = False) -> bytes:
    """Neutralised CSV: every text cell in double quotes (so a separator inside it never splits it)
    and, by default, UTF-8 with a byte-order mark so Excel shows accents and Chinese correctly.
    """
    safe = neutralise(df, keep_plain_numbers=keep_plain_numbers)
    text = safe.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    return text.encode("utf-8-sig" if bom else "utf-8")


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
