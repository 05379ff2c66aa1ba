"""The commands that run a recipe: ``recipe`` (a default one for some files), ``apply`` (segment with
it) and ``movement`` (each customer's segment at two moments)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from segmentation.cli.commands import command, sources
from segmentation.outputs import to_csv_bytes


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

    dataset = load_dataset(sources(args.files), predictions=False)
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
    dataset, seg = recipe.apply(rec, sources(args.files), refit=args.refit)
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
    first, second, moved = recipe.compare(rec, sources(args.files), start=args.start, end=args.end)
    args.output.write_bytes(to_csv_bytes(moved.customers))
    counts = ", ".join(f"{n:,} {status}" for status, n in moved.counts().items())
    print(
        f"{len(moved.customers):,} customers written to {args.output} ({first.label} to {second.label}: {counts}).",
        file=sys.stderr,
    )
    for line in moved.biggest_moves():
        print(line + ".", file=sys.stderr)
    return 0
