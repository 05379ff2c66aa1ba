"""Plain-language data errors and the small SQL quoting helpers every intake module shares."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb


class DataError(ValueError):
    """A problem with the user's data, worded for a marketer: what is wrong, where, how to fix it."""


@contextmanager
def reading(label: str) -> Iterator[None]:
    """Turn reader errors raised while scanning a file into a plain :class:`DataError`."""
    try:
        yield
    except (duckdb.Error, UnicodeError, OSError, EOFError, gzip.BadGzipFile, csv.Error) as exc:
        raise DataError(
            f"{label} could not be read as a table ({short(exc)}). Save it as CSV (UTF-8) or "
            "Excel (.xlsx) and try again."
        ) from exc


def quote_ident(name: str) -> str:
    """A DuckDB identifier literal for any column name."""
    return '"' + name.replace('"', '""') + '"'


def quote_relation(relation: str) -> str:
    """A possibly schema-qualified relation name, each part quoted, so any spelling is safe in SQL."""
    return ".".join(quote_ident(part) for part in relation.split("."))


def quote_str(text: str) -> str:
    """A DuckDB string literal."""
    return "'" + text.replace("'", "''") + "'"


def short(exc: BaseException) -> str:
    """The first line of an error message, cut to a readable length."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
