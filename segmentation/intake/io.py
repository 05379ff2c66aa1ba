"""Reading user files into DuckDB: any common format and encoding, every column as text.

``read_table`` only reads: it finds the format, encoding and separator, cleans the header and loads
the rows into a DuckDB table with all columns VARCHAR, counting malformed lines instead of dropping
them. Understanding the columns is ``schema.py``'s job; building the canonical tables (and the
ledger of rows kept and set aside) is :func:`segmentation.intake.ledger.prepare`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import uuid
import weakref
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import duckdb
import pandas as pd

from segmentation.errors import DataError, quote_ident, quote_str, reading
from segmentation.intake.csv_reader import (
    CHUNK,
    HEAD_BYTES,
    CsvFile,
    ReadOptions,
    clean_names,
    collect_rejects,
    open_csv,
    western,
)
from segmentation.intake.excel import read_sheet
from segmentation.intake.limits import Limits, check_columns, check_file, check_rows, decompress, too_long

Source = str | os.PathLike[str] | bytes | IO[bytes]
#: Rows read up front: enough for ``schema.suggest_mapping`` (its default sample) and previews.
SAMPLE_ROWS = 5000


@dataclass
class RawTable:
    """A user file as text in DuckDB, before any interpretation.

    ``table`` names a relation with one VARCHAR column per cleaned header name, rows in file order.
    For CSV files it is a view over the file (nothing is copied: a 10M-line file is parsed once, by
    :func:`segmentation.intake.ledger.prepare`; a ``.csv.gz`` is unpacked once, into a temporary
    file that every scan reads); Excel and Parquet sheets are loaded as tables. Malformed
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
    header: bool = True
    csv: CsvFile | None = field(default=None, repr=False)
    counts: tuple[int, int, str | None] | None = field(default=None, repr=False)
    _head_rows: tuple[int, pd.DataFrame] | None = field(default=None, repr=False, compare=False)
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
        """The first ``n`` rows as a DataFrame of strings (missing cells are None/NA).

        The rows are kept: reading, the mapping suggestion and previews then start the reader once.
        """
        cached = self._head_rows
        if cached is None or (cached[0] < n and len(cached[1]) >= cached[0]):
            with reading(self.name or "the file"):
                frame = self.con.execute(f"SELECT * FROM {self.table} LIMIT {int(n)}").df()
            cached = self._head_rows = (int(n), frame.astype(object).where(frame.notna(), None))
        return cached[1].head(n).copy()

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
        n_bad, bad_encoding = collect_rejects(self.con, token)
        if self.csv.max_rows is not None and n_rows > self.csv.max_rows:
            raise too_long(self.csv.label, self.csv.max_rows, n_rows)
        if n_bad and bad_encoding and not self.csv.transcoded:
            self.encoding = western(self.csv.head)
            self.csv.transcode(self.encoding)
            self._head_rows = None  # the rows read so far were decoded as UTF-8
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


def connect() -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB database for one dataset.

    The allocator's background threads hand freed memory back to the system between queries:
    without them the hash tables of the feature query stay resident while its result is converted
    (about 150 MB more peak memory at 10M lines, ``bench/intake.py``).
    """
    return duckdb.connect(config={"allocator_background_threads": True})


def read_table(
    source: Source,
    *,
    name: str | None = None,
    sheet: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    options: ReadOptions | None = None,
    limits: Limits | None = None,
) -> RawTable:
    """Read a CSV/TSV (optionally gzipped), Excel or Parquet file into DuckDB, all columns as text.

    Whitespace-aligned text, a header below title lines and files without a header row are found
    from the cells (each decision is a note); ``options`` overrides the separator, encoding and
    header row.

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
    options : ReadOptions, optional
        Separator, encoding and header row chosen by the user instead of detected.
    limits : Limits, optional
        The most bytes, rows and columns the file may have; :meth:`Limits.current` by default.

    Returns
    -------
    RawTable

    Raises
    ------
    DataError
        With a plain message when the file is empty, has only a header, is not a table, etc.; a
        ``LimitError`` naming the limit when the file is over one of ``limits``.
    """
    con = con if con is not None else connect()
    limits = limits if limits is not None else Limits.current()
    label = name or (str(source) if isinstance(source, str | os.PathLike) else "the file")
    label = Path(label).name
    path, owned = _spool(source)
    try:
        kind = _container(_head(path), name or str(path))
        if kind == "gzip":  # unpacked once, the limits checked on the way; later reads scan the copy
            plain = decompress(path, label, limits)
            if owned is not None:
                os.unlink(owned)
            path = owned = plain
        head = _head(path)
        if not head.strip(b" \t\r\n\x00"):
            raise DataError(f"{label} is empty. Export the data again and upload a file with rows in it.")
        kind, gz = ("text", True) if kind == "gzip" else (_container(head, name or str(path)), False)
        check_file(path, kind, label, limits, con)  # before any reader starts: bounded work per upload
        table = f"raw_{uuid.uuid4().hex[:10]}"
        with reading(label):
            if kind in ("xlsx", "xls"):
                raw = _load_excel(con, path, table, kind, sheet, label, options, limits)
            elif kind == "parquet":
                raw = _load_parquet(con, path, table, label)
            else:
                raw = _load_text(con, path, table, gz, label, options, limits)
                if owned is not None:  # the view reads the spooled upload: it lives as long as the table
                    raw.csv.owned.append(owned)  # type: ignore[union-attr]
                    owned = None
                empty = raw.sample(SAMPLE_ROWS).empty  # kept for the mapping suggestion
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
                shutil.copyfileobj(source, out, CHUNK)
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
        return fh.read(HEAD_BYTES)


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


def _load_text(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    gz: bool,
    label: str,
    options: ReadOptions | None,
    limits: Limits,
) -> RawTable:
    """A view over the CSV: format, encoding and header from the first bytes; nothing is parsed yet.

    ``gz``: the file is the unpacked copy of a ``.csv.gz``.
    """
    source, columns, encoding, notes = open_csv(path, options)
    check_columns(label, len(columns), limits)
    source.max_rows, source.label = limits.max_rows, label
    con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {source.sql(tuple(columns))}")
    return RawTable(
        con=con,
        table=table,
        columns=tuple(columns),
        format="csv.gz" if gz else "csv",
        encoding=encoding,
        separator="whitespace" if source.aligned else source.separator,
        notes=tuple(notes),
        header=source.header,
        csv=source,
    )


def _load_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: str, label: str) -> RawTable:
    desc = con.execute(f"DESCRIBE SELECT * FROM read_parquet({quote_str(str(path))})").fetchall()
    originals = [row[0] for row in desc]
    columns = clean_names(originals)
    select = ", ".join(
        f"CAST({quote_ident(o)} AS VARCHAR) AS {quote_ident(c)}"
        for o, c in zip(originals, columns, strict=True)
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {select} FROM read_parquet({quote_str(str(path))})"
    )
    n_rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
    return RawTable(
        con=con, table=table, columns=tuple(columns), format="parquet", counts=(int(n_rows), 0, None)
    )


def _load_excel(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    kind: str,
    sheet: str | None,
    label: str,
    options: ReadOptions | None = None,
    limits: Limits | None = None,
) -> RawTable:
    """Load one sheet of a workbook (see ``excel.read_sheet``) as a table of text."""
    import pyarrow as pa

    found = read_sheet(path, sheet, label, options)
    if limits is not None:
        check_columns(label, len(found.columns), limits)
        check_rows(label, len(found.body), limits)
    data = {c: pa.array([row[i] for row in found.body], pa.string()) for i, c in enumerate(found.columns)}
    con.register(f"{table}_arrow", pa.table(data))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {table}_arrow")
    con.unregister(f"{table}_arrow")
    return RawTable(
        con=con,
        table=table,
        columns=tuple(found.columns),
        format=kind,
        sheet=found.sheet,
        sheets=found.sheets,
        notes=tuple(found.notes),
        header=found.header,
        counts=(len(found.body), 0, None),
    )
