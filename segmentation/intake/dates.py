"""Dates: the layouts a date column can have and the SQL that reads them."""

from __future__ import annotations

from segmentation.errors import quote_ident, quote_str

#: Time parts tried after a date layout (none, with seconds, 12-hour clock, ...).
TIME_SUFFIXES = (" %H:%M:%S", " %H:%M", "", "T%H:%M:%S", " %H:%M:%S.%f", " %I:%M:%S %p", " %I:%M %p")


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
    patterns = ", ".join(quote_str(fmt + t) for t in TIME_SUFFIXES)
    return f"try_strptime({x}, [{patterns}])"
