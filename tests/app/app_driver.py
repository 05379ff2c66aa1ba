"""Driving the real app with AppTest: start it, switch pages, click, and never accept an exception."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 180


def start() -> AppTest:
    return no_exception(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run())


def no_exception(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py")
    return no_exception(at.run())


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return no_exception(at.run())


class Downloads:
    """What the app's download buttons would send: the callables the page registered, by file id.

    Streamlit runs a download's callable only when the button is clicked in a browser; AppTest has
    no browser, so the registered callables are kept here and run on request.
    """

    def __init__(self) -> None:
        self.callables: dict[str, object] = {}

    def bytes_of(self, at: AppTest, key: str) -> bytes:
        """The bytes the download button with widget key ``key`` sends."""
        (button,) = [b for b in at.get("download_button") if b.proto.id.endswith(f"-{key}")]
        data = self.callables[button.proto.deferred_file_id]()  # type: ignore[operator]
        return data.encode() if isinstance(data, str) else data
