"""Every page runs with and without data, and says what to do when its input is missing."""

from __future__ import annotations

import pytest
from app_driver import click, goto

PAGES = ["data", "criteria", "segments", "map", "profiles", "export", "help"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_data(app, page):
    at = goto(app, page)
    if page not in ("data", "help"):
        assert any("Data" in str(link.proto) for link in at.get("page_link")) or at.info, page


def test_data_page_loads_the_sample_and_shows_the_ledger(app):
    at = click(app, "load_sample")
    dataset = at.session_state["dataset"]
    assert len(dataset.table.frame) > 15_000
    labels = [m.label for m in at.metric]
    assert {"Rows read", "Kept", "Set aside"} <= set(labels)
    report = dataset.files[0]
    assert report.ledger.kept + sum(report.ledger.set_aside.values()) == report.ledger.read


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_after_the_demo(app, page):
    at = click(app, "sidebar_demo")
    assert at.session_state["segmentations"]
    goto(at, page)


def test_a_few_rows_set_aside_never_read_as_zero_percent():
    from ui.widgets import _share

    assert [_share(1, 20_000), _share(314, 20_000), _share(6_653, 20_000)] == ["<0.1%", "1.6%", "33.3%"]
