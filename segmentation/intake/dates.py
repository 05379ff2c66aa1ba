"""Dates: which layout a date column is written in, and the SQL and pandas code that reads it.

:func:`infer_date_format` tries every layout it knows on each value and keeps the one that parses the
most values: ISO (with or without time, ``T``, ``Z``, offsets, `` UTC``), day-first and month-first
with ``/ - .``, English month names (``11-Feb-13``, ``Feb 11, 2013``, ``11 February 2013``), two-digit
years, ``YYYYMMDD`` integers, Chinese ``2010年12月1日`` (with or without time, a weekday such as
``星期一`` after it), Unix seconds and milliseconds, and Excel serial numbers. A format is ``"iso"``,
``"excel"``, ``"unix_s"``, ``"unix_ms"`` or a strptime pattern; a pattern ending in
:data:`WEEKDAY` ignores a weekday name written after the date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from segmentation.errors import quote_ident, quote_str

#: Time parts tried after a date layout (none, with seconds, 12-hour clock, ...).
TIME_SUFFIXES = (" %H:%M:%S", " %H:%M", "", "T%H:%M:%S", " %H:%M:%S.%f", " %I:%M:%S %p", " %I:%M %p")
#: Marker at the end of a pattern: a weekday name after the date is ignored.
WEEKDAY = " (weekday)"
#: Formats that are not strptime patterns.
SPECIAL = ("iso", "excel", "unix_s", "unix_ms")
#: Common layouts offered on the Data page (with ``SPECIAL``).
COMMON_PATTERNS = (
    "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%m-%d-%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y.%m.%d", "%d/%m/%y",
    "%m/%d/%y", "%d-%b-%y", "%d-%b-%Y", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%Y%m%d",
    "%Y年%m月%d日",
)  # fmt: skip
#: Earliest and latest plausible order dates: earlier ones are placeholders (1900-01-01, 0001-01-01),
#: later than tomorrow are impossible (9999-12-31) — set aside, never the reference date.
EARLIEST = "1900-01-02"

_WEEKDAY_RE = re.compile(
    r"\s*[(（]?(?:星期|周|週|礼拜|禮拜)[一二三四五六日天][)）]?\s*$"
    r"|,?\s*\(?(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\)?\s*$",
    re.IGNORECASE,
)
_WEEKDAY_SQL = r"\s*[(（]?(星期|周|週|礼拜|禮拜)[一二三四五六日天][)）]?\s*$|,?\s*\(?(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\)?\s*$"
_ZONE = r"(?<=\d)\s*(?:UTC|GMT|Z)$|(?<=:\d{2})[+-]\d{2}:?\d{2}$"
_TIME = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?)?(?:\s*(?:UTC|GMT|Z|[+-]\d{2}:?\d{2}))?"
_YMD = re.compile(rf"^(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}$")
_DMY = re.compile(rf"^(\d{{1,2}})([-/.])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_TIME}$")
_D_MON_Y = re.compile(rf"^(\d{{1,2}})([-/ ])([A-Za-z]{{3,9}})\.?([-/ ]|, )(\d{{4}}|\d{{2}}){_TIME}$")
_MON_D_Y = re.compile(rf"^([A-Za-z]{{3,9}})\.? (\d{{1,2}})(,?) (\d{{4}}){_TIME}$")
_CN = re.compile(rf"^(\d{{4}})年(\d{{1,2}})月(\d{{1,2}})日{_TIME}$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_FULL_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")  # fmt: skip
_UNIX_S = (1_000_000_000, 4_102_444_800)  # 2001-09-09 .. 2100-01-01: 10 digits
_EXCEL = (20_000, 80_000)  # 1954 .. 2119


@dataclass(frozen=True)
class DateGuess:
    """The layout of a date column: ``format``, the ``share`` of non-empty values it parses, and the
    other layouts that parse as many (``ambiguous``; the user is asked)."""

    format: str | None
    share: float
    ambiguous: tuple[str, ...] = ()


def _valid(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


def _year(text: str) -> tuple[int, str]:
    return (
        (int(text), "%Y")
        if len(text) == 4
        else (2000 + int(text) if int(text) < 69 else 1900 + int(text), "%y")
    )


def _month(name: str) -> tuple[int, str] | None:
    low = name.lower().rstrip(".")
    if low in _FULL_MONTHS and len(low) > 3:
        return _FULL_MONTHS.index(low) + 1, "%B"
    if low[:3] in _MONTHS and len(low) == 3:
        return _MONTHS.index(low[:3]) + 1, "%b"
    if low == "sept":
        return 9, "%b"
    return None


def layouts_of(value: str) -> set[str]:
    """Every format that reads ``value`` as a real calendar date (empty when none does).

    >>> sorted(layouts_of("03/04/2024")), sorted(layouts_of("11-Feb-13")), sorted(layouts_of("1511544070"))
    (['%d/%m/%Y', '%m/%d/%Y'], ['%d-%b-%y'], ['unix_s'])
    """
    v = value.strip()
    suffix = ""
    if _WEEKDAY_RE.search(v) and not v.isdigit():
        stripped = _WEEKDAY_RE.sub("", v)
        if stripped != v and stripped:
            v, suffix = stripped, WEEKDAY
    out: set[str] = set()
    if v.isdigit():
        n = int(v)
        if len(v) == 8 and _valid(n // 10000, n // 100 % 100, n % 100) and 1900 <= n // 10000 <= 2100:
            out.add("%Y%m%d")
        if len(v) == 10 and _UNIX_S[0] <= n <= _UNIX_S[1]:
            out.add("unix_s")
        if len(v) == 13 and _UNIX_S[0] * 1000 <= n <= _UNIX_S[1] * 1000:
            out.add("unix_ms")
    if re.fullmatch(r"\d{5}([.,]\d+)?", v) and _EXCEL[0] <= float(v.replace(",", ".")) <= _EXCEL[1]:
        out.add("excel")
    if m := _YMD.match(v):
        y, sep, a, b = int(m[1]), m[2], int(m[3]), int(m[4])
        if _valid(y, a, b):
            out.add("iso" if sep == "-" and not suffix else f"%Y{sep}%m{sep}%d{suffix}")
    elif m := _DMY.match(v):
        a, sep, b = int(m[1]), m[2], int(m[3])
        y, ytok = _year(m[4])
        if _valid(y, b, a):
            out.add(f"%d{sep}%m{sep}{ytok}{suffix}")
        if _valid(y, a, b):
            out.add(f"%m{sep}%d{sep}{ytok}{suffix}")
    elif m := _D_MON_Y.match(v):
        mon = _month(m[3])
        y, ytok = _year(m[5])
        if mon and _valid(y, mon[0], int(m[1])):
            out.add(f"%d{m[2]}{mon[1]}{m[4]}{ytok}{suffix}")
    elif m := _MON_D_Y.match(v):
        mon = _month(m[1])
        if mon and _valid(int(m[4]), mon[0], int(m[2])):
            out.add(f"{mon[1]} %d{m[3]} %Y{suffix}")
    elif (m := _CN.match(v)) and _valid(int(m[1]), int(m[2]), int(m[3])):
        out.add(f"%Y年%m月%d日{suffix}")
    return out


def infer_date_format(values: Iterable[str], max_values: int = 2000) -> DateGuess:
    """The layout parsing the most of ``values`` (distinct values, at most ``max_values``).

    Ties are broken day-first and reported in ``ambiguous`` so the user can be asked.

    >>> infer_date_format(["11-Feb-13", "03-Mar-13"]).format, infer_date_format(["2010年12月1日 08:26"]).format
    ('%d-%b-%y', '%Y年%m月%d日')
    """
    counts: Counter[str] = Counter()
    seen: set[str] = set()
    total = 0
    for raw in values:
        v = raw.strip() if raw else ""
        if not v or v in seen:
            continue
        seen.add(v)
        total += 1
        counts.update(layouts_of(v))
        if total >= max_values:
            break
    if not counts:
        return DateGuess(None, 0.0)
    best_n = max(counts.values())
    tied = sorted((f for f, n in counts.items() if n == best_n), key=_preference)
    return DateGuess(tied[0], best_n / total, tuple(tied[1:]))


def _preference(fmt: str) -> tuple[int, str]:
    """Tie-breaking order: ISO, then day-first (most of the world), then month-first, then the rest."""
    if fmt == "iso":
        return 0, fmt
    if "%d" in fmt and "%m" in fmt:
        return (1 if fmt.index("%d") < fmt.index("%m") else 2), fmt
    return 3, fmt


def swap_day_month(fmt: str) -> str:
    """The pattern with day and month swapped (``%d/%m/%Y`` -> ``%m/%d/%Y``)."""
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def _patterns(fmt: str) -> str:
    base = fmt.removesuffix(WEEKDAY)
    return "[" + ", ".join(quote_str(base + t) for t in TIME_SUFFIXES) + "]"


def date_sql(col: str, fmt: str) -> str:
    """SQL turning text column ``col`` into TIMESTAMP with the mapping's date format (NULL if unreadable)."""
    x = f"trim({quote_ident(col)})"
    if fmt == "iso":
        patterns = ", ".join(quote_str("%Y-%m-%d" + t) for t in TIME_SUFFIXES)
        # the untrimmed cast first: trim copies every cell, and spaces never change a date that casts
        return (
            f"coalesce(try_cast({quote_ident(col)} AS TIMESTAMP), try_cast({x} AS TIMESTAMP), "
            f"try_strptime({x}, [{patterns}]))"
        )
    if fmt == "excel":
        return (
            f"(TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(try_cast(replace({x}, ',', '.') AS DOUBLE) * 86400000000) "
            "AS BIGINT)))"
        )
    if fmt in ("unix_s", "unix_ms"):
        scale = 1_000_000 if fmt == "unix_s" else 1_000
        return f"make_timestamp(CAST(try_cast({x} AS DOUBLE) * {scale} AS BIGINT))"
    if fmt.endswith(WEEKDAY):
        x = f"regexp_replace({x}, {quote_str(_WEEKDAY_SQL)}, '', 'i')"
    return f"try_strptime({x}, {_patterns(fmt)})"


def plausible_sql(ts: str) -> str:
    """SQL true when timestamp ``ts`` is a real order date: not a placeholder (1900-01-01 and
    earlier, the Unix epoch 1970-01-01 00:00) and not after tomorrow (9999-12-31)."""
    return (
        f"({ts} >= TIMESTAMP '{EARLIEST}' AND {ts} <> TIMESTAMP '1970-01-01' "
        f"AND {ts} < CAST(current_date AS TIMESTAMP) + INTERVAL 2 DAY)"
    )


def parse_dates(text: object, fmt: str) -> object:
    """A pandas Series of text parsed with ``fmt`` (NaT when unreadable); for customer lists."""
    import pandas as pd

    series = text if isinstance(text, pd.Series) else pd.Series(text, dtype=object)
    if fmt == "excel":
        serial = pd.to_numeric(series, errors="coerce")
        return pd.to_datetime(serial, unit="D", origin="1899-12-30", errors="coerce")
    if fmt in ("unix_s", "unix_ms"):
        number = pd.to_numeric(series, errors="coerce")
        return pd.to_datetime(number, unit="s" if fmt == "unix_s" else "ms", errors="coerce")
    if fmt == "iso":  # wall-clock time as written, like the SQL cast: a zone suffix is dropped
        local = series.astype("string").str.replace(_ZONE, "", regex=True)
        return pd.to_datetime(local, errors="coerce", format="ISO8601")
    if fmt.endswith(WEEKDAY):
        series = series.map(lambda v: v if v is None or v != v else _WEEKDAY_RE.sub("", str(v)))
        fmt = fmt.removesuffix(WEEKDAY)
    result = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    for suffix in TIME_SUFFIXES:
        missing = result.isna() & series.notna()
        if not missing.any():
            break
        result[missing] = pd.to_datetime(series[missing], format=fmt + suffix, errors="coerce")
    return result


def analyse_dates(values: Iterable[str]) -> tuple[str, bool]:
    """Date format of a column and whether another layout reads it as well (day/month order).

    >>> analyse_dates(["13/01/2024", "02/03/2024"]), analyse_dates(["01.02.24", "03.04.24"])
    (('%d/%m/%Y', False), ('%d.%m.%y', True))
    """
    guess = infer_date_format(values)
    return guess.format or "iso", bool(guess.ambiguous)


def date_preview(values: Iterable[str], fmt: str, limit: int = 8) -> tuple[list[tuple[str, str]], int, int]:
    """How ``fmt`` reads a sample: (value, date read or "—") for the first ``limit`` values, the
    number of non-empty values and how many of them fail."""
    import pandas as pd

    text = pd.Series([v for v in values if v and str(v).strip()], dtype=object)
    parsed = parse_dates(text, fmt)
    assert isinstance(parsed, pd.Series)
    fails = int(parsed.isna().sum())
    shown = [
        (str(v), "—" if pd.isna(p) else pd.Timestamp(p).strftime("%Y-%m-%d %H:%M").removesuffix(" 00:00"))
        for v, p in zip(text.head(limit), parsed.head(limit), strict=True)
    ]
    return shown, len(text), fails
