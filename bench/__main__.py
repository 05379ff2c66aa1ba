"""`make bench`: run every benchmark (or the ones named: `python -m bench intake engine app`)."""

from __future__ import annotations

import importlib
import sys

MODULES = ("intake", "events", "engine", "end_to_end", "app", "cold_start", "value", "concurrency")


def main(argv: list[str]) -> None:
    for name in argv or MODULES:
        print(f"\n=== bench.{name} ===", flush=True)
        importlib.import_module(f"bench.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
