"""``inspect``: read a file and print what was understood, and its ledger, as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from segmentation.cli.commands import command
from segmentation.errors import DataError


def _inspect_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="CSV, Excel or Parquet file")
    parser.add_argument("--sheet", default=None, help="Excel sheet to read (the fullest sheet by default)")
    parser.add_argument(
        "--separator", default=None, help="column separator: , ; tab | or whitespace (detected by default)"
    )
    parser.add_argument("--encoding", default=None, help="text encoding, e.g. utf-8, gb18030, big5, cp1252")
    parser.add_argument(
        "--header-row", type=int, default=None, help="line number of the header (1 = first line; 0 = none)"
    )
    parser.add_argument(
        "--date-format",
        action="append",
        default=[],
        metavar="COL=PATTERN",
        help="date layout of a column: iso, excel, unix_s, unix_ms or a pattern like %%d-%%b-%%y",
    )
    parser.add_argument("--kind", default=None, choices=["transactions", "customers", "events"])


_SEPARATORS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": "whitespace"}


def _date_formats(items: Sequence[str], columns: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        column, sep, pattern = item.partition("=")
        if not sep or not pattern:
            raise DataError(
                f"--date-format takes COLUMN=PATTERN (for example 'Date=%d-%b-%y'), not {item!r}."
            )
        if column not in columns:
            raise DataError(f"--date-format names {column!r}, which is not a column: {', '.join(columns)}.")
        out[column] = pattern
    return out


def _customers_in_file(raw: object, mapping: object) -> int | None:
    """Distinct customer ids among all rows of the file (kept or set aside), None without an id."""
    from segmentation.errors import quote_ident

    column = mapping.column("customer_id")  # type: ignore[attr-defined]
    if column is None:
        return None
    c = quote_ident(column)
    row = raw.con.execute(  # type: ignore[attr-defined]
        f"SELECT count(DISTINCT nullif(trim({c}), '')) FROM {raw.table}"  # type: ignore[attr-defined]
    ).fetchone()
    return int(row[0]) if row else 0


@command("inspect", "Read a file and print what was understood and the ledger as JSON.", _inspect_args)
def inspect(args: argparse.Namespace) -> int:
    from segmentation.intake import ReadOptions, prepare, read_table, suggest_mapping

    separator = _SEPARATORS.get(args.separator, args.separator) if args.separator else None
    options = ReadOptions(separator=separator, encoding=args.encoding, header_row=args.header_row)
    raw = read_table(args.file, name=args.file.name, sheet=args.sheet, options=options)
    suggestion = suggest_mapping(raw)
    mapping = suggestion.mapping
    formats = _date_formats(args.date_format, raw.columns)
    if formats or args.kind:
        mapping = mapping.replace(
            date_formats={**mapping.date_formats, **formats}, kind=args.kind or mapping.kind
        )
    intake = prepare(raw, mapping)
    report = {
        "format": raw.format,
        "encoding": raw.encoding,
        "separator": raw.separator,
        "sheet": raw.sheet,
        "header": raw.header,
        "kind": intake.kind,
        "why": list(suggestion.why),
        "roles": dict(mapping.roles),
        "confidence": {c: round(p, 2) for c, p in suggestion.confidence.items()},
        "low_confidence": list(suggestion.low_confidence),
        "date_formats": dict(mapping.date_formats),
        "date_shares": {c: round(p, 4) for c, p in suggestion.date_shares.items()},
        "ambiguous_dates": list(suggestion.ambiguous),
        "ledger": intake.ledger.to_dict(),
        "customers": _customers_in_file(raw, mapping),
        "customers_kept": intake.n_customers(),
        "notes": [*intake.notes, *suggestion.notes],
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if intake.ledger.kept == 0:
        print(
            f"No usable row in {args.file.name}: {intake.ledger.summary()}. Check the settings: "
            "--separator, --encoding, --header-row, --date-format COL=PATTERN or --kind.",
            file=sys.stderr,
        )
        return 2
    return 0
