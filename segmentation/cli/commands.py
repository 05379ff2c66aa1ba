"""The registry of subcommands and the small helpers their arguments share."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def sources(files: Sequence[Path]) -> list[Any]:
    """The files as the dataset reads them (``SourceFile``), named after the file."""
    from segmentation.dataset import SourceFile

    return [SourceFile(f.name, f) for f in files]


def share(limit: float) -> Callable[[str], float]:
    """An argument type for a share from 0 up to ``limit`` (included below 1): '0.1' or '10%'."""

    def parse(text: str) -> float:
        try:
            value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
        except ValueError:
            value = -1.0
        if not 0 <= value <= limit or value >= 1:
            top = f"{limit:g}" if limit < 1 else "0.99"
            raise argparse.ArgumentTypeError(f"give a share from 0 to {top}, or a percentage like 10%")
        return value

    return parse


def seed(text: str) -> int:
    """An argument type for a seed: a whole number from 0 to 2**31 - 1, as the app accepts."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**31:
        raise argparse.ArgumentTypeError("give a whole number from 0 to 2147483647")
    return value
