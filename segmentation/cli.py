"""Command line: ``python -m segmentation <command>``.

Commands live in a small registry so other modules can add theirs with :func:`command`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from segmentation import predict, samples
from segmentation.errors import DataError
from segmentation.outputs import to_csv_bytes

Handler = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Command:
    """A subcommand: its name, one-line help, how it adds its arguments and what it runs."""

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Handler


COMMANDS: dict[str, Command] = {}


def command(
    name: str, help: str, arguments: Callable[[argparse.ArgumentParser], None]
) -> Callable[[Handler], Handler]:
    """Register a subcommand (decorator); the handler returns the exit code."""

    def register(run: Handler) -> Handler:
        COMMANDS[name] = Command(name, help, arguments, run)
        return run

    return register


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


def _sample_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="folder to write the sample store into")


@command("sample", "Write the generated sample store (orders and customers) into a folder.", _sample_args)
def sample(args: argparse.Namespace) -> int:

    samples.write(args.out)
    return 0


def _sources(files: Sequence[Path]) -> list:
    from segmentation.dataset import SourceFile

    return [SourceFile(f.name, f) for f in files]


def _recipe_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--default",
        dest="files",
        type=Path,
        nargs="+",
        required=True,
        metavar="FILE",
        help="order history and/or customer list to derive a default recipe from",
    )
    parser.add_argument(
        "-o", "--output", type=Path, default=None, help="write here instead of standard output"
    )


@command("recipe", "Write a sensible default recipe (k-means, recommended k) for these files.", _recipe_args)
def recipe_cmd(args: argparse.Namespace) -> int:
    from segmentation.dataset import load_dataset
    from segmentation.recipe import default_recipe, fit

    dataset = load_dataset(_sources(args.files), predictions=False)
    _, fitted = fit(dataset.table, default_recipe(dataset))  # the recipe keeps the fitted segments
    text = fitted.to_json()
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


def _apply_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("recipe", type=Path, help="recipe JSON saved by the app or by `recipe --default`")
    parser.add_argument("files", type=Path, nargs="+", help="order history and/or customer list")
    parser.add_argument("-o", "--output", type=Path, required=True, help="CSV to write, one row per customer")
    parser.add_argument(
        "--refit", action="store_true", help="fit the segments again instead of using the recipe's saved ones"
    )


@command("apply", "Segment files with a saved recipe; write one row per customer.", _apply_args)
def apply_cmd(args: argparse.Namespace) -> int:
    from segmentation import recipe
    from segmentation.outputs import assignment_rows

    rec = recipe.Recipe.from_json(args.recipe.read_bytes())
    dataset, seg = recipe.apply(rec, _sources(args.files), refit=args.refit)
    rows = assignment_rows(dataset.table, seg, rec.spec)
    args.output.write_bytes(to_csv_bytes(rows))
    sizes = ", ".join(f"{name}: {n:,}" for name, n in seg.sizes().items())
    print(f"{len(rows):,} customers written to {args.output} ({sizes}).", file=sys.stderr)
    if seg.params.get("frozen"):
        print(
            f"Assigned to the recipe's {len(seg.names)} saved segments, same numbers and names; "
            "nothing was refitted (use --refit to fit them again on this data).",
            file=sys.stderr,
        )
    elif rec.model is not None:
        print("Segments refitted on this data (--refit): numbers and names may differ.", file=sys.stderr)
    return 0


def _movement_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("recipe", type=Path, help="recipe JSON saved by the app or by `recipe --default`")
    parser.add_argument(
        "files", type=Path, nargs="+", help="an order history (with --from/--to) or two, earlier first"
    )
    parser.add_argument(
        "--from", dest="start", default=None, metavar="DATE", help="earlier moment (YYYY-MM-DD)"
    )
    parser.add_argument("--to", dest="end", default=None, metavar="DATE", help="later moment (YYYY-MM-DD)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="CSV to write, one row per customer")


@command(
    "movement",
    "Compare the segments of two moments; write each customer's segment then and now.",
    _movement_args,
)
def movement_cmd(args: argparse.Namespace) -> int:
    from segmentation import recipe

    rec = recipe.Recipe.from_json(args.recipe.read_bytes())
    first, second, moved = recipe.compare(rec, _sources(args.files), start=args.start, end=args.end)
    args.output.write_bytes(to_csv_bytes(moved.customers))
    counts = ", ".join(f"{n:,} {status}" for status, n in moved.counts().items())
    print(
        f"{len(moved.customers):,} customers written to {args.output} ({first.label} to {second.label}: {counts}).",
        file=sys.stderr,
    )
    for line in moved.biggest_moves():
        print(line + ".", file=sys.stderr)
    return 0


def _measure_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("results", type=Path, help="campaign results: one row per customer (CSV, Excel)")
    parser.add_argument("--group-column", required=True, help="column naming each customer's group")
    parser.add_argument("--control", required=True, help="value of the control (holdout) group")
    parser.add_argument("--segment-column", default=None, help="column holding each customer's segment")
    parser.add_argument(
        "--outcome", action="append", required=True, help="outcome column (0/1 or amount); repeat for more"
    )
    parser.add_argument(
        "--id-column", default=None, help="customer id column (default: customer_id when present)"
    )


@command("measure", "Measure a campaign: each group against control, per segment, as JSON.", _measure_args)
def measure_cmd(args: argparse.Namespace) -> int:
    from segmentation.outputs import measure, read_results

    frame = read_results(args.results, args.results.name)
    id_column = args.id_column or ("customer_id" if "customer_id" in frame.columns else None)
    result = measure(
        frame,
        group_column=args.group_column,
        control=args.control,
        outcomes=args.outcome,
        segment_column=args.segment_column,
        id_column=id_column,
    )
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    for line in (result.rows.summary(), *result.rows.notes, *result.verdicts()):
        print(line, file=sys.stderr)
    return 0


def _share(text: str) -> float:
    value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError("give a share from 0 to 0.99, or a percentage like 10%")
    return value


def _export_args(parser: argparse.ArgumentParser) -> None:
    from segmentation.outputs import EXPORT_FORMATS

    parser.add_argument(
        "files", type=Path, nargs="+", metavar="FILE", help="order history and/or customer list"
    )
    parser.add_argument(
        "--recipe", type=Path, default=None, help="recipe JSON; without it all customers form one list"
    )
    parser.add_argument(
        "--segment", action="append", default=None, metavar="NAME", help="segment to export (repeatable)"
    )
    parser.add_argument("--platform", choices=EXPORT_FORMATS, required=True, help="file layout to write")
    parser.add_argument(
        "--holdout", type=_share, default=0.0, metavar="SHARE", help="control group per segment, e.g. 0.1"
    )
    parser.add_argument("--seed", type=int, default=None, help="holdout seed (default: the recipe's, else 0)")
    parser.add_argument(
        "--global-control",
        type=_share,
        default=None,
        metavar="SHARE",
        help="share of all customers kept out of every campaign (default: the recipe's; its seed too)",
    )
    parser.add_argument(
        "--default-country", default=None, metavar="CC", help="country of customers without one (ISO-2)"
    )
    parser.add_argument(
        "--ignore-consent",
        action="store_true",
        help="keep customers who did not agree to marketing (off by default)",
    )
    parser.add_argument("-o", "--output", type=Path, required=True, help="file to write")


@command(
    "export",
    "Write a campaign list or platform audience file, the holdout and global control kept out of it.",
    _export_args,
)
def export_cmd(args: argparse.Namespace) -> int:
    from segmentation import recipe
    from segmentation.dataset import load_dataset
    from segmentation.outputs import GlobalControl, campaign_files

    rec = recipe.Recipe.from_json(args.recipe.read_bytes()) if args.recipe is not None else None
    if rec is not None:
        dataset, seg = recipe.apply(rec, _sources(args.files))
    else:  # everyone in one list
        dataset, seg = load_dataset(_sources(args.files), predictions=False), None
    control = rec.control if rec is not None else GlobalControl()
    if args.global_control is not None:
        control = GlobalControl(args.global_control, control.seed)
    files = campaign_files(
        dataset.table,
        seg,
        args.platform,
        segments=args.segment,
        consent_only="consent" in dataset.table.frame.columns and not args.ignore_consent,
        holdout_share=args.holdout,
        seed=args.seed if args.seed is not None else (rec.holdout_seed if rec else 0),
        control=control,
        default_country=args.default_country,
    )
    args.output.write_bytes(files.main)
    print(f"Wrote {args.output}.")
    for message in files.messages:
        print(f"- {message}")
    for suffix, data, what in files.measurement_files():
        path = args.output.with_name(f"{args.output.stem}_{suffix}.csv")
        path.write_bytes(data)
        print(f"Wrote {path}: {what}.")
    return 0


COMMANDS["predict"] = Command("predict", predict.HELP, predict.arguments, predict.run)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered command."""
    parser = argparse.ArgumentParser(prog="segmentation", description="Segmentation Studio tools.")
    subs = parser.add_subparsers(dest="command", required=True)
    for cmd in COMMANDS.values():
        sub = subs.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        cmd.arguments(sub)
        sub.set_defaults(_run=cmd.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; plain messages on stderr and exit code 2 for data problems."""
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args))
    except (DataError, ValueError, OSError) as exc:  # DataError is a ValueError; OSError: missing file
        print(f"Error: {exc}", file=sys.stderr)
        return 2
