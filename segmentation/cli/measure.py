"""``measure``: a campaign's results, each group against control, per segment, as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from segmentation.cli.commands import command


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
