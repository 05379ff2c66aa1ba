"""The layout of a text table: where its header is (or that it has none), and whitespace-aligned
columns rewritten as CSV: split at each run of spaces, or at fixed character positions when cells
hold spaces themselves ("John Smith", "New York").

Exports often put a title or blank lines above the table (Excel, ERP reports) and some logs have no
header at all; both are found from the cells, and the reader says what it decided in a note.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from pathlib import Path

from segmentation.errors import DataError
from segmentation.intake.dates import layouts_of


def column_starts(lines: list[str]) -> list[int]:
    """Where the columns of fixed-width lines start (character positions), from a sample.

    A column boundary is a position where every line has a space (or has ended), followed by a
    position where the first line (the header) starts a word and some other line has a cell: a
    gap inside "John Smith" that happens to line up in every row is no boundary, because no header
    word starts after it. Returns ``[0]`` when the lines are not aligned in columns.
    """
    lines = [ln.expandtabs() for ln in lines if ln.strip()]
    if len(lines) < 2:
        return [0]
    width = max(len(ln) for ln in lines)
    gap = [all(p >= len(ln) or ln[p] == " " for ln in lines) for p in range(width)]
    header = lines[0]
    starts = [0]
    for p in range(1, width):
        if not (gap[p - 1] and not gap[p]):
            continue
        end = next((q for q in range(p, width) if gap[q]), width)  # the cells' right edge
        word = any(header[q] != " " and header[q - 1] == " " for q in range(p, min(end, len(header))))
        if word and any(ln[p:end].strip() for ln in lines[1:]):
            starts.append(p)
    return starts


def fixed_cells(line: str, starts: list[int]) -> list[str]:
    """The cells of one fixed-width line (spaces around each cell removed)."""
    line = line.expandtabs()
    return [line[a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)]


def head_rows(text: str, sep: str, limit: int = 60) -> list[list[str]]:
    """The first ``limit`` records of the sample, split into cells (``sep`` may be ``"whitespace"``,
    or ``"fixed:0,9,24"``: the column starts of fixed-width text)."""
    if sep == "whitespace":
        return [ln.split() for ln in text.splitlines()[:limit]]
    if sep.startswith("fixed:"):
        starts = [int(p) for p in sep.removeprefix("fixed:").split(",")]
        return [fixed_cells(ln, starts) if ln.strip() else [] for ln in text.splitlines()[:limit]]
    rows: list[list[str]] = []
    with contextlib.suppress(csv.Error):
        for row in csv.reader(io.StringIO(text), delimiter=sep, quotechar='"'):
            rows.append(row)
            if len(rows) >= limit:
                break
    return rows


def _cell_kind(cell: str) -> str:
    v = cell.strip()
    if not v:
        return "empty"
    if re.fullmatch(r"[-+]?\d+([.,]\d+)?", v):
        return "number"
    return "date" if layouts_of(v) else "text"


def find_header(rows: list[list[str]], header_row: int | None = None) -> tuple[int, bool, list[str]]:
    """Where the header is: (index of the header or first data record, whether there is a header,
    notes). Lines above a table (a title, blank lines) are skipped; a first record whose cells are
    numbers or dates where the rows below have numbers or dates is data, not a header."""
    if header_row is not None:
        if header_row < 0:
            raise DataError("The header row must be 0 (no header) or a line number from 1.")
        return (max(header_row - 1, 0), header_row > 0, [])
    filled = [r for r in rows if sum(1 for c in r if c.strip())]
    if not filled:
        return 0, True, []
    widths = [len(r) for r in filled]
    mode = max(set(widths), key=widths.count)
    notes: list[str] = []
    index = 0
    for i, r in enumerate(rows[:30]):
        if len(r) >= mode and sum(1 for c in r if c.strip()) >= max(1, mode // 2):
            index = i
            break
    if index:
        title = " ".join(" ".join(c for c in rows[j] if c.strip()) for j in range(index)).strip()
        notes.append(
            f"The table starts on line {index + 1}: the {index} line(s) above it"
            + (f" ('{title[:60]}')" if title else "")
            + " were skipped. Change the header row if this is wrong."
        )
    first, body = rows[index], rows[index + 1 : index + 51]
    if not body:
        return index, True, notes
    data_like = 0
    for j, cell in enumerate(first):
        kind = _cell_kind(cell)
        if kind in ("number", "date"):
            below = [_cell_kind(r[j]) for r in body if j < len(r)]
            if below and below.count(kind) >= 0.8 * len(below):
                data_like += 1
    if data_like and data_like >= 0.3 * len(first):
        notes.append(
            "The first line holds values like the rows below it (numbers, dates), not column names: "
            "it is read as data and the columns are named column_1, column_2, ... Set the header row "
            "if the file does have one."
        )
        return index, False, notes
    return index, True, notes


def whitespace_to_csv(path: Path, encoding: str, skip: int, starts: list[int] | None = None) -> Path:
    """Rewrite whitespace-aligned text as a UTF-8 CSV (lines above the table left out), split at
    runs of spaces or, given ``starts``, at those character positions."""
    fd, tmp = tempfile.mkstemp(prefix="segstudio_ws_", suffix=".csv")
    with (
        os.fdopen(fd, "w", encoding="utf-8", newline="") as out,
        open(path, "rb") as src,
    ):
        text = io.TextIOWrapper(src, encoding=encoding, errors="replace", newline=None)  # type: ignore[arg-type]
        writer = csv.writer(out, lineterminator="\n")
        for i, line in enumerate(text):
            if i < skip or not line.strip():
                continue
            line = line.lstrip("\ufeff").rstrip("\r\n")
            writer.writerow(fixed_cells(line, starts) if starts else line.split())
    return Path(tmp)
