"""``sample``: write the generated sample store into a folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from segmentation import samples
from segmentation.cli.commands import command


def _sample_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="folder to write the sample store into")


@command("sample", "Write the generated sample store (orders and customers) into a folder.", _sample_args)
def sample(args: argparse.Namespace) -> int:
    samples.write(args.out)
    return 0
