"""CSV files: encoding and separator detection, transcoding to UTF-8, and the DuckDB ``read_csv`` call.

Every column is read as VARCHAR; malformed lines are skipped by the plain view and recorded by full
scans (``store_rejects``), so the ledger can count them.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import duckdb

from segmentation.errors import DataError, quote_str

SEPARATORS: tuple[str, ...] = (",", ";", "\t", "|")
HEAD_BYTES = 256 * 1024
CHUNK = 1 << 20
#: DuckDB's CSV buffer, set explicitly; a longer line is a malformed line. Measured on 2 cores: larger
#: buffers leave a 60 MB file to one thread (1M lines read 20% slower); DuckDB's default here gives a
#: table layout on which flagging duplicates (an UPDATE) takes 1.6 s instead of 0.05 s at 10M lines.
_BUFFER = 32 << 20


@dataclass
class CsvFile:
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
        cols = "{" + ", ".join(f"{quote_str(c)}: 'VARCHAR'" for c in columns) + "}"
        errors = (
            f"store_rejects=true, rejects_table={quote_str(rejects[0])}, rejects_scan={quote_str(rejects[1])}"
            if rejects
            else "ignore_errors=true"
        )
        compression = "'gzip'" if self.gz else "'none'"
        return (
            f"read_csv({quote_str(str(self.path))}, header=true, delim={quote_str(self.separator)}, "
            f"quote='\"', escape='\"', columns={cols}, auto_detect=false, "
            f"compression={compression}, null_padding=false, strict_mode=true, "
            f"{errors}, buffer_size={_BUFFER})"
        )

    def transcode(self, encoding: str) -> None:
        """Point at a UTF-8 copy of the original file decoded as ``encoding``."""
        self.path = transcode_file(self.source, self.source_gz, encoding)
        self.owned.append(self.path)
        self.gz, self.transcoded = False, True


def collect_rejects(con: duckdb.DuckDBPyConnection, token: str) -> tuple[int, bool]:
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


def open_text_bytes(path: Path, gz: bool) -> IO[bytes]:
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
    return "gb18030" if _looks_chinese(head) else western(head)


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


def western(head: bytes) -> str:
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


def transcode_file(path: Path, gz: bool, encoding: str) -> Path:
    """Stream-decode a non-UTF-8 file into a UTF-8 temporary file (never all in memory)."""
    fd, tmp = tempfile.mkstemp(prefix="segstudio_utf8_", suffix=".csv")
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    with os.fdopen(fd, "wb") as out, open_text_bytes(path, gz) as src:
        while chunk := src.read(CHUNK):
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


def open_csv(path: Path, gz: bool, label: str) -> tuple[CsvFile, list[str], str]:
    """How to read a CSV, its cleaned header and its encoding, from the first bytes only.

    Non-UTF-8 files are transcoded to a UTF-8 temporary copy that the returned ``CsvFile`` owns.
    """
    with open_text_bytes(path, gz) as fh:
        head = fh.read(HEAD_BYTES)
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
    source = CsvFile(path=path, separator=sep, gz=gz, head=head, source=path, source_gz=gz)
    if encoding not in ("utf-8", "utf-8-sig"):
        source.transcode(encoding)
    return source, columns, encoding


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
