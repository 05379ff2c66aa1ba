"""``export``: a campaign list or platform audience file, with the holdout and the global control kept
out of it, and the files for measuring the campaign later beside it.

The global control is the recipe's (``global_control: {share, seed}``, saved by the app's Export
page), so automation keeps out the same customers as the app; ``--global-control`` and
``--global-control-seed`` override its share and its seed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from segmentation.cli.commands import command, seed, share, sources
from segmentation.errors import DataError
from segmentation.outputs import EXPORT_FORMATS, MAX_SHARE, GlobalControl, campaign_files


def _export_args(parser: argparse.ArgumentParser) -> None:
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
        "--holdout",
        type=share(0.99),
        default=0.0,
        metavar="SHARE",
        help="control group per segment, e.g. 0.1",
    )
    parser.add_argument(
        "--seed", type=seed, default=None, help="holdout seed (default: the recipe's, else 0)"
    )
    parser.add_argument(
        "--global-control",
        type=share(MAX_SHARE),
        default=None,
        metavar="SHARE",
        help="share of ALL customers kept out of every campaign, e.g. 5%% (default: the recipe's, else none)",
    )
    parser.add_argument(
        "--global-control-seed",
        type=seed,
        default=None,
        metavar="N",
        help="seed that picks the global control; keep it month after month (default: the recipe's, else 0)",
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


def kept_out(saved: GlobalControl | None, share: float | None, seed: int | None) -> tuple[GlobalControl, str]:
    """The export's global control: the recipe's (``saved``; None without a recipe), the flags
    overriding its share and its seed; and a sentence saying where each came from."""
    base = saved or GlobalControl()
    control = GlobalControl(base.share if share is None else share, base.seed if seed is None else seed)
    if not control.active:
        if seed is not None:
            raise DataError(
                "--global-control-seed picks who is kept out of every campaign, but no one is: give a "
                "share too with --global-control (for example 5%), or a recipe that keeps one."
            )
        if base.active:
            return control, f"No global control: --global-control 0 replaces the recipe's {base.percent}."
        return control, ""
    if control == saved:
        return (
            control,
            f"Global control from the recipe: {control.percent} of all customers, seed {control.seed}.",
        )
    unset = "the recipe" if saved is not None else "the default"
    said = (
        f"Global control: {control.percent} of all customers "
        f"({'--global-control' if share is not None else unset}), seed {control.seed} "
        f"({'--global-control-seed' if seed is not None else unset})"
    )
    if base.active:
        said += (
            f"; the recipe keeps {base.percent} with seed {base.seed} out: measure against the same "
            "global control each month"
        )
    return control, said + "."


@command(
    "export",
    "Write a campaign list or platform audience file, the holdout and global control kept out of it.",
    _export_args,
)
def export_cmd(args: argparse.Namespace) -> int:
    from segmentation import recipe
    from segmentation.dataset import load_dataset

    rec = recipe.Recipe.from_json(args.recipe.read_bytes()) if args.recipe is not None else None
    control, origin = kept_out(
        rec.control if rec is not None else None, args.global_control, args.global_control_seed
    )
    if rec is not None:
        dataset, seg = recipe.apply(rec, sources(args.files))
    else:  # everyone in one list
        dataset, seg = load_dataset(sources(args.files), predictions=False), None
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
    if origin:
        print(origin)
    for message in files.messages:
        print(f"- {message}")
    for suffix, data, what in files.measurement_files():
        path = args.output.with_name(f"{args.output.stem}_{suffix}.csv")
        path.write_bytes(data)
        print(f"Wrote {path}: {what}.")
    return 0
