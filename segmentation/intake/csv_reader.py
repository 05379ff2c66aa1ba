"""CSV files: encoding and separator detection, transcoding to UTF-8, and the DuckDB ``read_csv`` call.

A gzip file arrives here already unpacked (``limits.decompress``).

Every column is read as VARCHAR; malformed lines are skipped by the plain view and recorded by full
scans (``store_rejects``), so the ledger can count them.
"""

from __future__ import annotations

import codecs
import csv
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from segmentation.errors import DataError, quote_str
from segmentation.intake.layout import column_starts, find_header, head_rows, whitespace_to_csv

SEPARATORS: tuple[str, ...] = (",", ";", "\t", "|")
HEAD_BYTES = 256 * 1024
CHUNK = 1 << 20
#: DuckDB's CSV buffer, set explicitly; a longer line is a malformed line. Measured on 2 cores: larger
#: buffers leave a 60 MB file to one thread (1M lines read 20% slower); DuckDB's default here gives a
#: table layout on which flagging duplicates (an UPDATE) takes 1.6 s instead of 0.05 s at 10M lines.
_BUFFER = 32 << 20


@dataclass
class CsvFile:
    """A UTF-8 CSV on disk and how to read it; owns its temporary copies (unpacked, transcoded).

    ``max_rows``: the reader stops after one row more than this, so a scan proves the file too long
    without reading all of it (``RawTable.finish_scan`` says so).
    """

    path: Path
    separator: str
    head: bytes
    source: Path
    transcoded: bool = False
    owned: list[Path] = field(default_factory=list)
    header: bool = True
    skip: int = 0
    aligned: bool = False  # whitespace-aligned text, rewritten as CSV
    max_rows: int | None = None
    label: str = "the file"  # the file's name in messages

    def sql(self, columns: tuple[str, ...], rejects: tuple[str, str] | None = None) -> str:
        """``read_csv(...)``: all columns VARCHAR; malformed lines go to ``rejects`` (errors and scan
        table names) when given, else they are skipped."""
        cols = "{" + ", ".join(f"{quote_str(c)}: 'VARCHAR'" for c in columns) + "}"
        errors = (
            f"store_rejects=true, rejects_table={quote_str(rejects[0])}, rejects_scan={quote_str(rejects[1])}"
            if rejects
            else "ignore_errors=true"
        )
        read = (
            f"read_csv({quote_str(str(self.path))}, header={str(self.header).lower()}, skip={self.skip}, "
            f"delim={quote_str(self.separator)}, "
            f"quote='\"', escape='\"', columns={cols}, auto_detect=false, "
            f"compression='none', null_padding=false, strict_mode=true, "
            f"{errors}, buffer_size={_BUFFER})"
        )
        # a LIMIT keeps file order and costs nothing measurable (bench/intake.py)
        return read if self.max_rows is None else f"(SELECT * FROM {read} LIMIT {self.max_rows + 1})"

    def transcode(self, encoding: str) -> None:
        """Point at a UTF-8 copy of the original file decoded as ``encoding``."""
        self.path = transcode_file(self.source, encoding)
        self.owned.append(self.path)
        self.transcoded = True


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
    if _looks_chinese(head):
        return chinese_encoding(head)
    return "big5" if _decodes(head, "big5") and _looks_chinese(head, "big5") else western(head)


def _decodes(head: bytes, encoding: str) -> bool:
    try:
        head.decode(encoding)
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 2
    return True


def chinese_encoding(head: bytes) -> str:
    """GB18030 (Simplified) or Big5 (Traditional) for Chinese bytes that are not UTF-8.

    Big5 bytes decode as GB18030 too, but into rare characters: text that really is GB18030 keeps
    almost all its characters inside the common GB2312 set; Big5 read that way keeps about a third.
    """
    text = head.decode("gb18030", errors="ignore")
    wide = [c for c in text if ord(c) > 127]
    common = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    if wide and common < 0.8 * len(wide) and _decodes(head, "big5"):
        return "big5"
    return "gb18030"


def _looks_chinese(head: bytes, encoding: str = "gb18030") -> bool:
    try:
        text = head.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:
            return False
        text = head[: exc.start].decode(encoding)
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


def transcode_file(path: Path, encoding: str) -> Path:
    """Stream-decode a non-UTF-8 file into a UTF-8 temporary file (never all in memory)."""
    fd, tmp = tempfile.mkstemp(prefix="segstudio_utf8_", suffix=".csv")
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
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


@dataclass(frozen=True)
class ReadOptions:
    """Reading settings the user can give instead of the detected ones (Data page, ``inspect``).

    ``separator``: ``,`` ``;`` TAB ``|``, ``"whitespace"`` (columns aligned with spaces, split at
    each run of spaces) or ``"fixed"`` (aligned columns read by position: cells may hold spaces);
    ``encoding``: a Python codec name (``utf-8``, ``gb18030``, ``big5``, ``cp1252``, ...);
    ``header_row``: the line number of the header (1 = first line), 0 for a file without one.
    """

    separator: str | None = None
    encoding: str | None = None
    header_row: int | None = None


def _check_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise DataError(
            f"Unknown encoding {name!r}. Try utf-8, gb18030 (Simplified Chinese), big5 (Traditional "
            "Chinese) or cp1252 (Western European)."
        ) from None


def open_csv(path: Path, options: ReadOptions | None = None) -> tuple[CsvFile, list[str], str, list[str]]:
    """How to read a CSV, its cleaned header, its encoding and notes, from the first bytes only.

    Non-UTF-8 files are transcoded to a UTF-8 temporary copy that the returned ``CsvFile`` owns;
    whitespace-aligned text is rewritten as a CSV the same way. The notes say what was decided
    that the user should know (lines skipped above the header, no header row).
    """
    opts = options or ReadOptions()
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    encoding = _check_encoding(opts.encoding) if opts.encoding else detect_encoding(head)
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    controls = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\t\r\n")
    if controls > 0.01 * max(len(text[:20000]), 1) or "\x00" in text:
        raise _not_a_table()
    sep = opts.separator if opts.separator else detect_layout(text)
    if sep in (" ", "space", "spaces"):
        sep = "whitespace"
    if sep == "fixed":  # chosen by hand: the positions still come from the lines
        sep = "fixed:" + ",".join(map(str, column_starts(_sample_lines(text))))
    rows = head_rows(text, sep)
    index, has_header, notes = find_header(rows, opts.header_row)
    header = rows[index] if rows and has_header and index < len(rows) else []
    width = max((len(r) for r in rows[index:] if any(c.strip() for c in r)), default=len(header))
    columns = clean_names(header) if has_header else [f"column_{i}" for i in range(1, width + 1)]
    source = CsvFile(path=path, separator=sep, head=head, source=path, header=has_header, skip=index)
    if sep == "whitespace" or sep.startswith("fixed:"):
        starts = [int(p) for p in sep.removeprefix("fixed:").split(",")] if sep != "whitespace" else None
        source.path = whitespace_to_csv(path, encoding, index, starts)
        source.owned.append(source.path)
        source.separator, source.transcoded, source.skip = ",", True, 0
        source.aligned = True
        notes.append(
            "Columns are aligned with spaces: each run of spaces separates two columns."
            if starts is None
            else "Columns are aligned with spaces and read by their position in the line (cells may hold spaces)."
        )
    elif encoding not in ("utf-8", "utf-8-sig"):
        source.transcode(encoding)
    return source, columns, encoding, notes


def _sample_lines(text: str) -> list[str]:
    """The sample's non-blank lines, without the last one when the sample cuts it."""
    lines = [ln for ln in text.splitlines()[:200] if ln.strip()]
    return lines[:-1] if len(lines) > 1 and not text.endswith(("\n", "\r")) else lines


def detect_layout(text: str) -> str:
    """The separator; ``"whitespace"`` when no separator splits the lines consistently but runs of
    spaces do (``00001 19970101   1  11.77``); ``"fixed:<starts>"`` when the columns line up at
    fixed positions but some cells hold spaces (``C001  John Smith  New York``)."""
    sep = detect_separator(text)
    lines = _sample_lines(text)
    if not lines:
        return sep
    split = [len(r) for r in csv.reader(lines, delimiter=sep, quotechar='"')]
    mode = max(set(split), key=split.count) if split else 1
    if mode > 1 and split.count(mode) >= 0.8 * len(split):
        return sep
    words = [len(ln.split()) for ln in lines]
    wmode = max(set(words), key=words.count)
    starts = column_starts(lines)
    if len(starts) > 1 and len(starts) != wmode:  # cells with spaces: only their positions tell
        return "fixed:" + ",".join(map(str, starts))
    if wmode > 1 and words.count(wmode) >= 0.8 * len(words):
        return "whitespace"
    return sep


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
