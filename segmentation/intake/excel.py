"""Excel workbooks: the sheet to read, where its table starts, every cell as text.

Cells become text the way a person reads them: ISO dates, integers without ``.0``, empty cells as
None. Blank rows inside the table are kept (the ledger sets them aside); a title above the table
or a sheet without a header is found as in text files (``layout.find_header``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from segmentation.errors import DataError, short
from segmentation.intake.csv_reader import ReadOptions, clean_names
from segmentation.intake.layout import find_header


@dataclass(frozen=True)
class Sheet:
    """One sheet's table: column names, rows of text cells, and what was decided about it."""

    columns: list[str]
    body: list[list[str | None]]
    sheet: str
    sheets: tuple[str, ...]
    header: bool
    notes: list[str]


def read_sheet(path: Path, sheet: str | None, label: str, options: ReadOptions | None = None) -> Sheet:
    """Read one sheet of a workbook with python-calamine.

    Without a sheet named, the sheet with the most filled rows is read (a data dictionary or a
    cover sheet often comes first).
    """
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types
        raise DataError(
            f"{label} could not be opened as an Excel workbook ({short(exc)}). Open it in Excel, "
            "save it again as .xlsx and retry."
        ) from exc
    sheets = tuple(book.sheet_names)
    if sheet is not None and sheet not in sheets:
        raise DataError(f"{label} has no sheet named {sheet!r}. Its sheets are: {', '.join(sheets)}.")
    best: tuple[int, str, list[list[Any]]] | None = None
    for candidate in [sheet] if sheet is not None else list(sheets):
        rows = _sheet_rows(book, candidate, label)  # type: ignore[arg-type]
        filled = sum(1 for r in rows if any(v not in (None, "") for v in r))
        if best is None or filled > best[0]:
            best = (filled, candidate, rows)  # type: ignore[assignment]
    if best is None or best[0] == 0:
        raise DataError(f"{label} has no filled sheet. Put the table on the first sheet and retry.")
    _, chosen, rows = best
    while rows and not any(v not in (None, "") for v in rows[-1]):
        rows.pop()
    texts = [[cell_text(v) or "" for v in r] for r in rows]
    trimmed = [r[: max((i + 1 for i, v in enumerate(r) if v.strip()), default=0)] for r in texts]
    opts = options or ReadOptions()
    index, has_header, notes = find_header(trimmed, opts.header_row)
    width = max(len(r) for r in rows)
    first = list(rows[index]) if has_header else []
    columns = (
        clean_names(first + [None] * (width - len(first)))
        if has_header
        else [f"column_{i}" for i in range(1, width + 1)]
    )
    body = [list(r) + [None] * (width - len(r)) for r in rows[index + (1 if has_header else 0) :]]
    if sheet is None and len(sheets) > 1:
        others = ", ".join(f"'{s}'" for s in sheets if s != chosen)
        notes.append(f"Read the sheet '{chosen}' (the one with the most rows); the file also has {others}.")
    text_body = [[cell_text(v) for v in row] for row in body]
    return Sheet(columns, text_body, chosen, sheets, has_header, notes)


def _sheet_rows(book: Any, name: str, label: str) -> list[list[Any]]:
    try:
        rows: list[list[Any]] = book.get_sheet_by_name(name).to_python(skip_empty_area=True)
    except Exception as exc:
        raise DataError(
            f"The sheet {name!r} of {label} could not be read ({short(exc)}). Copy the table "
            "into a new workbook, save it as .xlsx and retry."
        ) from exc
    while rows and not any(v not in (None, "") for v in rows[0]):
        rows.pop(0)
    return rows


def cell_text(value: Any) -> str | None:
    """A spreadsheet cell as text: ISO dates, integers without ``.0``, empty cells as None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)
