"""The app as a person uses it, in real Chromium: sample, segments, map selection, profiles, download."""

from __future__ import annotations

import csv
import io

import pytest
from harness import screenshot, start_app, stop_app

pytestmark = pytest.mark.browser


def see(page, text: str, timeout: float = 240_000) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def nav(page, name: str) -> None:
    page.get_by_role("link", name=name).first.click()


def test_sample_loads_and_the_ledger_is_visible(page):
    see(page, "Your customer data")
    page.get_by_role("button", name="Load this sample").click()
    see(page, "What we kept, and what we set aside")
    for label in ("Rows read", "Kept", "Set aside"):
        page.get_by_test_id("stMetricLabel").filter(has_text=label).first.wait_for(timeout=30_000)
    see(page, "20,000 customers")
    screenshot(page, "01_data")


def test_a_page_that_lacks_its_input_keeps_the_sidebar_and_its_demo_button(page):
    """The page stops early (nothing loaded) and its message names the sidebar's demo button: the
    sidebar still says what is loaded and offers the button, which then fills this very page."""
    see(page, "Your customer data")
    nav(page, "Profiles")
    see(page, "Load your customer data first")
    page.get_by_test_id("stSidebar").get_by_text("No data loaded yet.").wait_for(timeout=30_000)
    page.get_by_test_id("stSidebar").get_by_role("button", name="One-click demo").click()
    see(page, "Segment profiles")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Active segmentation").wait_for(timeout=30_000)
    assert "20,000 customers" in sidebar.inner_text()


def test_whole_flow_from_demo_to_a_checked_download(page):
    page.get_by_role("button", name="One-click demo").click()
    see(page, "What to do")
    screenshot(page, "02_profiles")

    nav(page, "Segments")
    see(page, "Rule set")
    see(page, "F=1: 1")  # the RFM bands in words: one-time buyers are always in F=1
    page.get_by_role("button", name="Create this segmentation").click()
    see(page, "RFM: 11 classic segments")
    screenshot(page, "03_segments")

    nav(page, "Map")
    see(page, "Customer map")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for()
    page.wait_for_timeout(2_000)
    box = chart.bounding_box()
    assert box is not None
    x0, y0 = box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.2
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + box["width"] * 0.35, y0 + box["height"] * 0.5, steps=12)
    page.mouse.up()
    see(page, "customers selected", timeout=60_000)
    screenshot(page, "04_map_selection")
    page.get_by_label("Name for this group").fill("Hand-picked on the map")
    page.get_by_role("button", name="Save the selection as a segment").click()
    see(page, "Saved: 'Hand-picked on the map'")

    nav(page, "Export")
    see(page, "Campaign lists")
    see(page, "treated as no consent")  # consent answers it could not read are said on screen
    summary = page.get_by_text("customers in the send list", exact=False).first.inner_text()
    expected = int(summary.split(" customers")[0].replace(",", ""))
    with page.expect_download() as info:
        page.get_by_role("button", name="Send list (CSV)").click()
    content = info.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == expected
    assert len({r["customer_id"] for r in rows}) == expected
    assert "Hand-picked on the map" in {r["segment"] for r in rows}
    screenshot(page, "05_export")


def test_two_sessions_see_only_their_own_data(browser, app_url):
    first, second = browser.new_context(), browser.new_context()
    a, b = first.new_page(), second.new_page()
    for pg in (a, b):
        pg.set_default_timeout(240_000)
        pg.goto(app_url)
        see(pg, "Your customer data")
    a.get_by_role("button", name="One-click demo").click()
    see(a, "What to do")
    b.reload()
    see(b, "Your customer data")
    see(b, "No data loaded yet.", timeout=30_000)
    nav(b, "Profiles")
    see(b, "Load your customer data first")
    first.close()
    second.close()


def test_the_first_paint_shows_the_apps_own_menu(browser):
    """A fresh server's first page shows our menu from the start, never the raw file names of pages/.

    Streamlit's legacy pages-directory menu (``app, criteria, data, ...``) appears only in the first run
    of a fresh process, so this test starts its own server and watches the sidebar from the first byte.
    """
    proc, url = start_app()
    try:
        pg = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        pg.goto(url, wait_until="commit")
        sidebar = pg.locator('[data-testid="stSidebar"]')
        seen: list[list[str]] = []
        for _ in range(2_000):  # every ~25 ms until the menu has drawn, ~50 s at most
            links = [t.strip() for t in sidebar.get_by_role("link").all_inner_texts()]
            if not seen or links != seen[-1]:
                seen.append(links)
            if "Help & glossary" in " ".join(links):
                break
            pg.wait_for_timeout(25)
        screenshot(pg, "00_first_paint")
        raw = {
            "app",
            "criteria",
            "data",
            "export",
            "help",
            "map",
            "measure",
            "movement",
            "profiles",
            "segments",
            "value",
        }
        assert all(not raw & set(links) for links in seen), seen
        assert [t.split("\n")[-1] for t in seen[-1]] == [
            "Data", "Criteria", "Segments", "Map", "Profiles", "Value", "Movement", "Export", "Measure",
            "Help & glossary",
        ], seen  # fmt: skip
        pg.context.close()
    finally:
        stop_app(proc)
