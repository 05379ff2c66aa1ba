"""Reading user files into DuckDB: any common format and encoding, every column as text.

``read_table`` only reads: it finds the format, encoding and separator, cleans the header and loads
the rows into a DuckDB table with all columns VARCHAR, counting malformed lines instead of dropping
them. Understanding the columns is ``schema.py``'s job; building the canonical tables (and the
ledger of rows kept and set aside) is :func:`segmentation.ledger.prepare`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import io
import os
import shutil
import tempfile
import threading
import uuid
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import duckdb
import pandas as pd

Source = str | os.PathLike[str] | bytes | IO[bytes]

SEPARATORS: tuple[str, ...] = (",", ";", "\t", "|")
_HEAD_BYTES = 256 * 1024
_CHUNK = 1 << 20
_SEP_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


class DataError(ValueError):
    """A problem with the user's data, worded for a marketer: what is wrong, where, how to fix it."""


@dataclass
class RawTable:
    """A user file as text in DuckDB, before any interpretation.

    ``table`` names a relation with one VARCHAR column per cleaned header name, rows in file order.
    For CSV files it is a view over the file (nothing is copied: a 10M-line file is parsed once, by
    :func:`segmentation.ledger.prepare`); Excel and Parquet sheets are loaded as tables. Malformed
    lines are skipped by the view and counted by full scans (:meth:`scan`): ``n_malformed`` lines
    could not be split into the header's columns; ``rejects`` (when not None) names a DuckDB table
    of them with ``line`` and ``raw_line``. The counts are worked out on first use.
    """

    con: duckdb.DuckDBPyConnection
    table: str
    columns: tuple[str, ...]
    format: str
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    name: str | None = None
    notes: tuple[str, ...] = field(default=())
    csv: _CsvFile | None = field(default=None, repr=False)
    counts: tuple[int, int, str | None] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def n_rows(self) -> int:
        """Data rows that split into the header's columns."""
        return self._counts()[0]

    @property
    def n_malformed(self) -> int:
        """Lines that could not be split into the header's columns."""
        return self._counts()[1]

    @property
    def rejects(self) -> str | None:
        """DuckDB table of malformed lines (``line``, ``raw_line``), None when there are none."""
        return self._counts()[2]

    def sample(self, n: int = 2000) -> pd.DataFrame:
        """The first ``n`` rows as a DataFrame of strings (missing cells are None/NA)."""
        with reading(self.name or "the file"):
            frame = self.con.execute(f"SELECT * FROM {self.table} LIMIT {int(n)}").df()
        return frame.astype(object).where(frame.notna(), None)

    def scan(self) -> tuple[str, str | None]:
        """SQL (for a FROM clause) reading every row once while recording malformed lines.

        Returns the SQL and a token to hand to :meth:`finish_scan` with the number of rows read.
        """
        if self.csv is None:
            return self.table, None
        token = f"{self.table}_{uuid.uuid4().hex[:6]}"
        return self.csv.sql(self.columns, (f"{token}_errors", f"{token}_scan")), token

    def finish_scan(self, token: str | None, n_rows: int) -> bool:
        """Record the counts of a full scan; False when the file had to be decoded again as Windows
        text (valid UTF-8 at the start, something else later on): then scan again."""
        if token is None or self.csv is None:
            return True
        n_bad, bad_encoding = _collect_rejects(self.con, token)
        if n_bad and bad_encoding and not self.csv.transcoded:
            self.encoding = _western(self.csv.head)
            self.csv.transcode(self.encoding)
            self.con.execute(
                f"CREATE OR REPLACE TEMP VIEW {self.table} AS SELECT * FROM {self.csv.sql(self.columns)}"
            )
            return False
        rejects = f"{self.table}_rejects"
        self.con.execute(f"DROP TABLE IF EXISTS {rejects}; ALTER TABLE {token}_rejects RENAME TO {rejects}")
        self.counts = (int(n_rows), n_bad, rejects if n_bad else None)
        return True

    def _counts(self) -> tuple[int, int, str | None]:
        with self._lock:
            while self.counts is None:
                sql, token = self.scan()
                with reading(self.name or "the file"):
                    n = self.con.execute(f"SELECT count(*) FROM {sql}").fetchall()[0][
                        0
                    ]  # fetchall: scan closed
                self.finish_scan(token, n)
        return self.counts


@dataclass
class _CsvFile:
    """A UTF-8 (optionally gzipped) CSV on disk and how to read it; owns its temporary copies."""

    path: Path
    separator: str
    gz: bool
    head: bytes
    source: Path
    source_gz: bool
    transcoded: bool = False
    owned: list[Path] = field(default_factory=list)

    def sql(self, columns: tuple[str, ...], rejects: tuple[str, str] | None = None) -> str:
        """``read_csv(...)``: all columns VARCHAR; malformed lines go to ``rejects`` (errors and scan
        table names) when given, else they are skipped."""
        cols = "{" + ", ".join(f"{_quote_str(c)}: 'VARCHAR'" for c in columns) + "}"
        errors = (
            f"store_rejects=true, rejects_table={_quote_str(rejects[0])}, rejects_scan={_quote_str(rejects[1])}"
            if rejects
            else "ignore_errors=true"
        )
        compression = "'gzip'" if self.gz else "'none'"
        return (
            f"read_csv({_quote_str(str(self.path))}, header=true, delim={_quote_str(self.separator)}, "
            f"quote='\"', escape='\"', columns={cols}, auto_detect=false, "
            f"compression={compression}, null_padding=false, strict_mode=true, "
            f"{errors}, max_line_size=10000000)"
        )

    def transcode(self, encoding: str) -> None:
        """Point at a UTF-8 copy of the original file decoded as ``encoding``."""
        self.path = _transcode(self.source, self.source_gz, encoding)
        self.owned.append(self.path)
        self.gz, self.transcoded = False, True


def _collect_rejects(con: duckdb.DuckDBPyConnection, token: str) -> tuple[int, bool]:
    """Group a scan's errors by line into ``<token>_rejects``; (lines, any invalid encoding)."""
    errors, scan = f"{token}_errors", f"{token}_scan"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {token}_rejects AS
            SELECT line, any_value(csv_line) AS raw_line,
            bool_or(error_type = 'INVALID ENCODING') AS bad_encoding FROM {errors} GROUP BY line ORDER BY line;
            DROP TABLE IF EXISTS {errors}; DROP TABLE IF EXISTS {scan}"""
    )
    n_bad, bad = con.execute(
        f"SELECT count(*), coalesce(bool_or(bad_encoding), false) FROM {token}_rejects"
    ).fetchone()  # type: ignore[misc]
    return int(n_bad), bool(bad)


@contextmanager
def reading(label: str) -> Iterator[None]:
    """Turn reader errors raised while scanning a file into a plain :class:`DataError`."""
    try:
        yield
    except (duckdb.Error, UnicodeError, OSError, EOFError, gzip.BadGzipFile, csv.Error) as exc:
        raise DataError(
            f"{label} could not be read as a table ({_short(exc)}). Save it as CSV (UTF-8) or "
            "Excel (.xlsx) and try again."
        ) from exc


def quote_ident(name: str) -> str:
    """A DuckDB identifier literal for any column name."""
    return '"' + name.replace('"', '""') + '"'


def _quote_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def clean_names(names: list[Any]) -> list[str]:
    """Header names with BOM and whitespace stripped, blanks named ``column_N``, duplicates suffixed.

    >>> clean_names(["\\ufeffid ", "", "id"])
    ['id', 'column_2', 'id_2']
    """
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names, start=1):
        base = "" if raw is None else str(raw).replace("\ufeff", "").strip()
        base = " ".join(base.split()) or f"column_{i}"
        name, n = base, 1
        while name.lower() in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name.lower())
        out.append(name)
    return out


def read_table(
    source: Source,
    *,
    name: str | None = None,
    sheet: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> RawTable:
    """Read a CSV/TSV (optionally gzipped), Excel or Parquet file into DuckDB, all columns as text.

    Parameters
    ----------
    source : path, bytes or binary file object
        The user's file.
    name : str, optional
        Original file name (helps detect the format of bytes and uploads).
    sheet : str, optional
        Excel sheet to read; the first non-empty sheet by default.
    con : duckdb.DuckDBPyConnection, optional
        Connection to load into; a new in-memory one by default.

    Returns
    -------
    RawTable

    Raises
    ------
    DataError
        With a plain message when the file is empty, has only a header, is not a table, etc.
    """
    con = con if con is not None else duckdb.connect()
    label = name or (str(source) if isinstance(source, str | os.PathLike) else "the file")
    label = Path(label).name
    path, owned = _spool(source)
    try:
        head = _head(path)
        if not head.strip(b" \t\r\n\x00"):
            raise DataError(f"{label} is empty. Export the data again and upload a file with rows in it.")
        kind = _container(head, name or str(path))
        table = f"raw_{uuid.uuid4().hex[:10]}"
        with reading(label):
            if kind in ("xlsx", "xls"):
                raw = _load_excel(con, path, table, kind, sheet, label)
            elif kind == "parquet":
                raw = _load_parquet(con, path, table, label)
            else:
                raw = _load_text(con, path, table, kind == "gzip", label)
                if owned is not None:  # the view reads the spooled upload: it lives as long as the table
                    raw.csv.owned.append(owned)  # type: ignore[union-attr]
                    owned = None
                empty = raw.sample(1).empty
    finally:
        if owned is not None:
            with suppress(OSError):
                os.unlink(owned)
    raw.name = name
    if raw.csv is not None:
        weakref.finalize(raw, _unlink_all, raw.csv.owned)
        if empty and raw.n_rows == 0 and raw.n_malformed == 0:
            raise DataError(
                f"{label} has a header row but no data rows. Export the data again including the rows."
            )
    elif raw.n_rows == 0:
        raise DataError(
            f"{label} has a header row but no data rows. Export the data again including the rows."
        )
    return raw


def _spool(source: Source) -> tuple[Path, Path | None]:
    """A path to the bytes and, for uploads and bytes (spooled to a temporary file), that file."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.is_file():
            raise DataError(f"No file found at {path.name}. Check the name and try again.")
        return path, None
    fd, tmp = tempfile.mkstemp(prefix="segstudio_", suffix=".bin")
    try:
        with os.fdopen(fd, "wb") as out:
            if isinstance(source, bytes | bytearray | memoryview):
                out.write(source)
            else:
                with suppress(AttributeError, OSError):
                    source.seek(0)
                shutil.copyfileobj(source, out, _CHUNK)
    except BaseException:
        _unlink_all([Path(tmp)])
        raise
    return Path(tmp), Path(tmp)


def _unlink_all(paths: list[Path]) -> None:
    for path in paths:
        with suppress(OSError):
            os.unlink(path)


def _head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(_HEAD_BYTES)


def _container(head: bytes, name: str) -> str:
    """The container format from magic bytes, falling back on the file name."""
    lower = name.lower()
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head[:4] == b"PK\x03\x04":
        return "xlsx"
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if head[:4] == b"PAR1":
        return "parquet"
    if lower.endswith((".xlsx", ".xlsm", ".xls", ".parquet")):
        return "text"  # wrong extension: the content decides
    return "text"


def _open_text_bytes(path: Path, gz: bool) -> IO[bytes]:
    return gzip.open(path, "rb") if gz else open(path, "rb")  # type: ignore[return-value]


def detect_encoding(head: bytes) -> str:
    """The encoding of a text sample: BOMs, UTF-16 without BOM, UTF-8, GB18030 or cp1252/latin-1.

    Raises ``DataError`` when the bytes do not look like text at all.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    half = max(len(head) // 2, 1)
    even_nul, odd_nul = head[0::2].count(0), head[1::2].count(0)
    if odd_nul > 0.3 * half and even_nul < 0.05 * half:
        return "utf-16-le"
    if even_nul > 0.3 * half and odd_nul < 0.05 * half:
        return "utf-16-be"
    if b"\x00" in head:
        raise _not_a_table()
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    return "gb18030" if _looks_chinese(head) else _western(head)


def _looks_chinese(head: bytes) -> bool:
    try:
        text = head.decode("gb18030")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:
            return False
        text = head[: exc.start].decode("gb18030")
    wide = [c for c in text if ord(c) > 127]
    cjk = sum(
        1 for c in wide if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
    )
    return bool(wide) and cjk >= 0.9 * len(wide)


def _western(head: bytes) -> str:
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _not_a_table() -> DataError:
    return DataError(
        "This file does not look like a table: it contains binary data. Upload a CSV, Excel (.xlsx) "
        "or Parquet file exported from your shop or CRM."
    )


def _transcode(path: Path, gz: bool, encoding: str) -> Path:
    """Stream-decode a non-UTF-8 file into a UTF-8 temporary file (never all in memory)."""
    fd, tmp = tempfile.mkstemp(prefix="segstudio_utf8_", suffix=".csv")
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    with os.fdopen(fd, "wb") as out, _open_text_bytes(path, gz) as src:
        while chunk := src.read(_CHUNK):
            out.write(decoder.decode(chunk).encode("utf-8"))
        out.write(decoder.decode(b"", final=True).encode("utf-8"))
    return Path(tmp)


def detect_separator(text: str) -> str:
    """The separator among ``, ; TAB |`` that splits the sample lines most consistently."""
    lines = text.splitlines()[:200]
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # last line may be cut in the middle
    best, best_key = ",", (False, False, 1, 0.0)
    for sep in SEPARATORS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=sep, quotechar='"') if r]
        except csv.Error:
            continue
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        share = counts.count(mode) / len(counts)
        key = (mode > 1 and share >= 0.8, counts[0] == mode, mode, share)
        if mode > 1 and key > best_key:
            best, best_key = sep, key
    return best


def _load_text(con: duckdb.DuckDBPyConnection, path: Path, table: str, gz: bool, label: str) -> RawTable:
    """A view over the CSV: format, encoding and header from the first bytes; nothing is parsed yet."""
    with _open_text_bytes(path, gz) as fh:
        head = fh.read(_HEAD_BYTES)
    if gz and not head.strip(b" \t\r\n\x00"):
        raise DataError(f"{label} is empty. Export the data again and upload a file with rows in it.")
    encoding = detect_encoding(head)
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    controls = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\t\r\n")
    if controls > 0.01 * max(len(text[:20000]), 1) or "\x00" in text:
        raise _not_a_table()
    sep = detect_separator(text)
    header = next(csv.reader(io.StringIO(text), delimiter=sep, quotechar='"'), [])
    columns = clean_names(header)
    source = _CsvFile(path=path, separator=sep, gz=gz, head=head, source=path, source_gz=gz)
    if encoding not in ("utf-8", "utf-8-sig"):
        source.transcode(encoding)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {source.sql(tuple(columns))}")
    return RawTable(
        con=con,
        table=table,
        columns=tuple(columns),
        format="csv.gz" if gz else "csv",
        encoding=encoding,
        separator=sep,
        csv=source,
    )


def _load_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: str, label: str) -> RawTable:
    desc = con.execute(f"DESCRIBE SELECT * FROM read_parquet({_quote_str(str(path))})").fetchall()
    originals = [row[0] for row in desc]
    columns = clean_names(originals)
    select = ", ".join(
        f"CAST({quote_ident(o)} AS VARCHAR) AS {quote_ident(c)}"
        for o, c in zip(originals, columns, strict=True)
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {select} FROM read_parquet({_quote_str(str(path))})"
    )
    n_rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
    return RawTable(
        con=con, table=table, columns=tuple(columns), format="parquet", counts=(int(n_rows), 0, None)
    )


def _load_excel(
    con: duckdb.DuckDBPyConnection, path: Path, table: str, kind: str, sheet: str | None, label: str
) -> RawTable:
    """Load one sheet of a workbook with python-calamine; cells become text (dates as ISO)."""
    import pyarrow as pa
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types
        raise DataError(
            f"{label} could not be opened as an Excel workbook ({_short(exc)}). Open it in Excel, "
            "save it again as .xlsx and retry."
        ) from exc
    sheets = tuple(book.sheet_names)
    if sheet is not None and sheet not in sheets:
        raise DataError(f"{label} has no sheet named {sheet!r}. Its sheets are: {', '.join(sheets)}.")
    rows: list[list[Any]] = []
    chosen = sheet
    for candidate in [sheet] if sheet is not None else list(sheets):
        try:
            rows = book.get_sheet_by_name(candidate).to_python(skip_empty_area=True)
        except Exception as exc:
            raise DataError(
                f"The sheet {candidate!r} of {label} could not be read ({_short(exc)}). Copy the table "
                "into a new workbook, save it as .xlsx and retry."
            ) from exc
        rows = [r for r in rows if any(v not in (None, "") for v in r)]
        chosen = candidate
        if rows:
            break
    if not rows:
        raise DataError(f"{label} has no filled sheet. Put the table on the first sheet and retry.")
    width = max(len(r) for r in rows)
    columns = clean_names(list(rows[0]) + [None] * (width - len(rows[0])))
    body = [list(r) + [None] * (width - len(r)) for r in rows[1:]]
    data = {c: pa.array([cell_text(r[i]) for r in body], pa.string()) for i, c in enumerate(columns)}
    arrow = pa.table(data)
    con.register(f"{table}_arrow", arrow)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {table}_arrow")
    con.unregister(f"{table}_arrow")
    return RawTable(
        con=con,
        table=table,
        columns=tuple(columns),
        format=kind,
        sheet=chosen,
        sheets=sheets,
        counts=(len(body), 0, None),
    )


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


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


# Preparing lives in ledger.py; re-exported so callers can use io.load / io.Intake.
from segmentation.ledger import Intake, load, prepare  # noqa: E402

__all__ = ["DataError", "Intake", "RawTable", "clean_names", "load", "prepare", "read_table", "reading"]
