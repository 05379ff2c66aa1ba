"""Closing the loop in real Chromium: segment movement between two dates and a campaign measured from an
upload (bad result files are checked in tests/core/outputs and tests/core/test_cli.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import screenshot

from segmentation.samples import generate, write_campaign

pytestmark = pytest.mark.browser


def see(page, text: str, timeout: float = 240_000) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def nav(page, name: str) -> None:
    page.get_by_role("link", name=name).first.click()


def upload(page, path: Path) -> None:
    delete = page.locator('[data-testid="stFileUploaderDeleteBtn"] button')
    if delete.count():
        delete.first.click()
        page.wait_for_timeout(1_000)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(path))


def test_movement_and_measurement(page, tmp_path: Path) -> None:
    page.get_by_role("button", name="One-click demo").click()
    see(page, "What to do")

    nav(page, "Movement")
    see(page, "Where customers went")
    see(page, "kept their segment")
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    page.wait_for_timeout(1_500)
    screenshot(page, "10_movement")

    nav(page, "Measure")
    see(page, "Measure a campaign")
    upload(page, write_campaign(tmp_path, generate()))
    see(page, "E-mail B raised the converted rate")
    screenshot(page, "11_measure")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(1_500)
    screenshot(page, "11b_measure_chart")
