"""Shared test fixtures: paths to the real public data and the generated sample store."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
SAMPLE_DIR = ROOT / "sample_data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data sets (CI has them at ../shared/data too); a test fails, not skips, without them."""
    assert SHARED_DATA.is_dir(), f"real data expected at {SHARED_DATA}"
    return SHARED_DATA


@pytest.fixture(scope="session")
def online_retail_path(shared_data: Path) -> Path:
    return shared_data / "online_retail.csv.gz"
