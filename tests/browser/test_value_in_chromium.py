"""The Value page in real Chromium on the demo: the backtest panel, the targeting slider and the value x
risk segments saved as the active segmentation."""

from __future__ import annotations

import pytest
from harness import screenshot

pytestmark = pytest.mark.browser


def see(page, text: str, timeout: float = 300_000) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def slide_to(page, slider, value: float) -> None:
    """Step the slider with the keyboard to ``value``, one key at a time: a rerun that redraws the
    slider between two presses loses its focus, and with it the second press."""
    for _ in range(40):
        now = float(slider.input_value())  # a native range input (Streamlit 1.6x)
        if now == value:
            return
        slider.focus()
        slider.press("ArrowRight" if now < value else "ArrowLeft")
        page.wait_for_timeout(700)
    raise AssertionError(f"the slider stayed at {now}, not {value}")


def test_value_page_backtest_and_value_segments(page) -> None:
    page.get_by_role("button", name="One-click demo").click()
    see(page, "What to do")
    page.get_by_role("link", name="Value").first.click()
    see(page, "How good are the predictions?")
    see(page, "Of the customers we rank in the top 20%")
    see(page, "Target the top 30% by chance of buying")
    see(page, "came back")  # the next-product backtest: last on the page
    page.locator('[data-testid="stVegaLiteChart"]').nth(1).wait_for()
    page.wait_for_timeout(2_000)
    screenshot(page, "20_value_backtest")

    slide_to(page, page.get_by_role("slider", name="Target the top share of customers"), 40)
    see(page, "Target the top 40% by chance of buying")

    segments = page.get_by_text("Value segments").first
    segments.scroll_into_view_if_needed()
    see(page, "Loyal core")
    page.get_by_role("button", name="Use these segments").click()
    see(page, "is now your active segmentation")
    page.wait_for_timeout(1_500)
    screenshot(page, "21_value_segments")

    horizon = page.get_by_role("slider", name="Look ahead")
    horizon.scroll_into_view_if_needed()
    horizon.focus()
    horizon.press("ArrowRight")  # one step longer: the saved value segments follow
    see(page, "Predictions now look")
    see(page, "customers changed segment")
    days = horizon.get_attribute("aria-valuetext")  # "365 days"
    see(page, f"the revenue of the {days} after the cut")  # the backtest of the new horizon
    page.wait_for_timeout(1_500)
    screenshot(page, "23_value_horizon")

    page.get_by_role("link", name="Profiles").first.click()
    see(page, "Best next offers")
    see(page, "Best time to reach")
    page.wait_for_timeout(1_500)
    screenshot(page, "22_profiles_offers")
