"""Bounded work per upload: the most bytes (decompressed), lines and columns one file may have.

The limits are checked while reading: a gzip file while it is unpacked (once), the rows of a plain
CSV by the DuckDB pass that loads it, columns from the header and spreadsheets and Parquet from their
declared sizes before any row is read. A compression bomb or a 20,000-column sheet stops within
seconds with a plain message naming the limit and how to raise it. Defaults admit a 10M-line order history (640 MB as CSV) with room to spare.

Settings, strongest first:

1. environment variables ``SEGMENTATION_MAX_BYTES``, ``SEGMENTATION_MAX_ROWS``,
   ``SEGMENTATION_MAX_COLUMNS`` (sizes may be written ``2GB``, ``500MB``, ``2000000000``);
2. a ``[segmentation]`` section (keys ``max_bytes``, ``max_rows``, ``max_columns``) of the TOML file
   named by ``SEGMENTATION_CONFIG``;
3. the defaults of :class:`Limits`.
"""

from __future__ import annotations

import gzip
import os
import re
import tempfile
import tomllib
import zipfile
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, fields, replace
from pathlib import Path

import duckdb

from segmentation.errors import DataError, quote_str

_CHUNK = 1 << 20
_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
ENV = {
    "max_bytes": "SEGMENTATION_MAX_BYTES",
    "max_rows": "SEGMENTATION_MAX_ROWS",
    "max_columns": "SEGMENTATION_MAX_COLUMNS",
}
CONFIG_ENV = "SEGMENTATION_CONFIG"


class LimitError(DataError):
    """A file over one of the :class:`Limits`; ``seen`` is how far reading got (bytes or lines)."""

    def __init__(self, message: str, limit: str, seen: int) -> None:
        super().__init__(message)
        self.limit, self.seen = limit, seen


@dataclass(frozen=True)
class Limits:
    """The most one uploaded file may hold. See the module docstring for how to change them."""

    max_bytes: int = 2 * 10**9  # decompressed; the 10M-line benchmark CSV is 638 MB
    max_rows: int = 20_000_000  # lines of text, or rows of a sheet or Parquet file
    max_columns: int = 1_000  # shop and CRM exports have tens of columns, rarely a few hundred

    @classmethod
    def current(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The limits in force: environment variables over the TOML file over the defaults."""
        env = os.environ if environ is None else environ
        settings: dict[str, object] = {}
        if path := env.get(CONFIG_ENV):
            try:
                settings.update(tomllib.loads(Path(path).read_text("utf-8")).get("segmentation", {}))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ValueError(f"{CONFIG_ENV}={path}: the settings file could not be read ({exc})") from exc
        settings.update({name: env[var] for name, var in ENV.items() if env.get(var)})
        known = {f.name for f in fields(cls)}
        return replace(cls(), **{k: _size(k, v) for k, v in settings.items() if k in known})


def _size(name: str, value: object) -> int:
    match = re.fullmatch(r"\s*([\d_]+(?:\.\d+)?)\s*([KMGT]?B?)\s*", str(value).upper())
    if not match or int(float(match[1].replace("_", "")) * _UNITS[match[2]]) <= 0:
        raise ValueError(
            f"{ENV[name]} / {name} must be a positive number such as 2GB or 20000000, not {value!r}"
        )
    return int(float(match[1].replace("_", "")) * _UNITS[match[2]])


def _gb(n: int) -> str:
    return f"{n / 1e9:.3g} GB" if n >= 10**9 else f"{n / 1e6:.3g} MB"


def too_big(label: str, limits: Limits, seen: int) -> LimitError:
    return LimitError(
        f"{label} expands to more than {_gb(limits.max_bytes)}, the most one file may hold here. "
        f"Split it into smaller files (for example one per year) or raise {ENV['max_bytes']}.",
        "max_bytes",
        seen,
    )


def too_long(label: str, max_rows: int, seen: int) -> LimitError:
    return LimitError(
        f"{label} has more than {max_rows:,} rows, the most one file may hold here. "
        f"Split it into smaller files (for example one per year) or raise {ENV['max_rows']}.",
        "max_rows",
        seen,
    )


def check_columns(label: str, n_columns: int, limits: Limits) -> None:
    """Stop a table wider than ``max_columns`` before any row is read."""
    if n_columns > limits.max_columns:
        raise LimitError(
            f"{label} has {n_columns:,} columns; at most {limits.max_columns:,} are read here. Keep only "
            f"the columns you need (customer, date, amount, ...) or raise {ENV['max_columns']}.",
            "max_columns",
            n_columns,
        )


def check_rows(label: str, n_rows: int, limits: Limits) -> None:
    if n_rows > limits.max_rows:
        raise too_long(label, limits.max_rows, n_rows)


def decompress(path: Path, label: str, limits: Limits) -> Path:
    """Unpack a gzip file once into a temporary text file, counting bytes and lines on the way.

    Every later read scans the plain copy: DuckDB reads a plain CSV with all threads and a ``.gz``
    with one, and would unpack it again on each scan. Unpacking stops at the first limit passed, so
    a small ``.gz`` that expands to billions of lines costs at most ``max_bytes`` of decompression.
    """
    fd, tmp = tempfile.mkstemp(prefix="segstudio_gunzip_", suffix=".csv")
    n_bytes = n_lines = 0
    try:
        with os.fdopen(fd, "wb") as out, gzip.open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                n_bytes += len(chunk)
                n_lines += chunk.count(b"\n")
                if n_bytes > limits.max_bytes:
                    raise too_big(label, limits, n_bytes)
                if n_lines > limits.max_rows:
                    raise too_long(label, limits.max_rows, n_lines)
                out.write(chunk)
    except BaseException as exc:
        with suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError | EOFError):  # gzip.BadGzipFile is an OSError
            raise DataError(
                f"{label} is not a complete gzip file ({exc}). Compress it again or upload the CSV itself."
            ) from exc
        raise
    return Path(tmp)


def check_size(path: Path, label: str, limits: Limits) -> None:
    """A plain file's size is its decompressed size; its rows are counted by the reader itself
    (``CsvFile.max_rows``), in the pass that loads it."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise too_big(label, limits, size)


def check_workbook(path: Path, label: str, limits: Limits) -> None:
    """An .xlsx is a zip: its parts' declared sizes bound what the sheet reader will unpack."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise too_big(label, limits, size)
    try:
        with zipfile.ZipFile(path) as book:
            unpacked = sum(info.file_size for info in book.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # not a zip (.xls) or damaged: the workbook reader says so in its own words
    if unpacked > limits.max_bytes:
        raise too_big(label, limits, unpacked)


def check_parquet(con: duckdb.DuckDBPyConnection, path: Path, label: str, limits: Limits) -> None:
    """Rows, columns and uncompressed size from the Parquet footer, before any row is read."""
    where = quote_str(str(path))
    try:
        n_rows, unpacked = con.execute(
            f"SELECT coalesce(max(num_rows), 0), coalesce(sum(total_uncompressed_size), 0) FROM "
            f"(SELECT (SELECT num_rows FROM parquet_file_metadata({where})) AS num_rows, "
            f"total_uncompressed_size FROM parquet_metadata({where}))"
        ).fetchone()  # type: ignore[misc]
        n_columns = len(con.execute(f"DESCRIBE SELECT * FROM read_parquet({where})").fetchall())
    except duckdb.Error:
        return  # a damaged file: the Parquet reader says so in its own words
    check_columns(label, n_columns, limits)
    check_rows(label, int(n_rows), limits)
    if int(unpacked) > limits.max_bytes:
        raise too_big(label, limits, int(unpacked))


def check_file(path: Path, kind: str, label: str, limits: Limits, con: duckdb.DuckDBPyConnection) -> None:
    """The checks for one file of container ``kind`` (``text``, ``xlsx``, ``xls``, ``parquet``) before it is read;
    a gzip file is checked while it is unpacked (:func:`decompress`)."""
    if kind == "parquet":
        check_parquet(con, path, label, limits)
    elif kind in ("xlsx", "xls"):
        check_workbook(path, label, limits)
    else:
        check_size(path, label, limits)
