"""The global control on the Export page in real Chromium: set it, read what it holds, download its
list and a send list without any of its members, and the recipe that saves it."""

from __future__ import annotations

import csv
import io
import json

import pytest
from harness import screenshot

pytestmark = pytest.mark.browser


def see(page, text: str, timeout: float = 240_000) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def download(page, button: str) -> str:
    with page.expect_download(timeout=240_000) as info:
        page.get_by_role("button", name=button).click()
    return info.value.path().read_bytes().decode("utf-8-sig")


def test_global_control_on_the_export_page(page):
    page.get_by_role("button", name="One-click demo").click()
    see(page, "What to do")
    page.get_by_role("link", name="Export").first.click()
    see(page, "Global control share")
    see(page, "It needs at least 100 customers in it")
    screenshot(page, "12_global_control_off")

    thumb = page.get_by_role("slider", name="Global control share")
    thumb.focus()
    for _ in range(5):
        thumb.press("ArrowRight")
    see(page, "are in the global control now (5%, seed 0)")
    see(page, "in the global control", timeout=60_000)
    see(page, "customers in the send list")
    page.wait_for_timeout(1_000)
    screenshot(page, "12_global_control_on")

    members = {r["customer_id"] for r in csv.DictReader(io.StringIO(download(page, "Global control list")))}
    assert 800 < len(members) < 1200  # 5% of 20,000, give or take chance
    sent = {r["customer_id"] for r in csv.DictReader(io.StringIO(download(page, "Send list (CSV)")))}
    assert sent and sent.isdisjoint(members)
    page.get_by_role("tab", name="Report and recipe").click()
    saved = json.loads(download(page, "Recipe (JSON)"))
    assert saved["global_control"] == {"share": 0.05, "seed": 0} and saved["model"]
