"""Command line: ``python -m segmentation <command>``.

One module per task registers its subcommands with :func:`command` (see :mod:`.commands`):
``inspect``, ``sample``, ``recipe``/``apply``/``movement`` (:mod:`.recipes`), ``measure``, ``export``;
``predict`` lives in :mod:`segmentation.predict`. Heavy imports wait until a command runs, so the
command line starts fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from segmentation import predict
from segmentation.cli import export, inspect, measure, recipes, sample  # noqa: F401 (registers them)
from segmentation.cli.commands import COMMANDS, Command, command
from segmentation.errors import DataError

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


__all__ = ["COMMANDS", "Command", "build_parser", "command", "main"]
