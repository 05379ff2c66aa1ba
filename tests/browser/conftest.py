"""Fixtures for driving the running app with Playwright in Debian's Chromium (see harness.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from harness import CHROMIUM_FLAGS, chromium_path, screenshot, start_app, stop_app

__all__ = ["screenshot"]


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    proc, url = start_app()
    yield url
    stop_app(proc)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.goto(app_url)
    yield pg
    context.close()
