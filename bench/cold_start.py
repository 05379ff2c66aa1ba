"""Cold start of the map, as a user lives it: fresh server, one-click demo, open the Map page.

Prints seconds from the click on "Map" until a first layout is drawn (target <= 2 s) and until the
UMAP layout of the 20,000 sample customers replaces it (target <= 10 s), and how long after the
server started that happened (the background warm-up compiles UMAP meanwhile).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
from harness import CHROMIUM_FLAGS, chromium_path, start_app, stop_app


def main() -> None:
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    proc, url = start_app()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(600_000)
            page.goto(url)
            page.get_by_role("button", name="One-click demo").click()
            page.get_by_text("What to do").first.wait_for()
            ready = time.perf_counter()
            page.get_by_role("link", name="Map").first.click()
            page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
            first = time.perf_counter()
            page.get_by_text("Layout: UMAP").first.wait_for()
            umap = time.perf_counter()
            browser.close()
    finally:
        stop_app(proc)
    print(f"server start -> demo segmented:      {ready - started:6.1f} s")
    print(f"open Map -> first layout on screen:  {first - ready:6.1f} s   (target <= 2 s)")
    print(f"open Map -> UMAP layout on screen:   {umap - ready:6.1f} s   (target <= 10 s)")
    print(f"server start -> UMAP layout:         {umap - started:6.1f} s   (includes the background warm-up)")


if __name__ == "__main__":
    main()
