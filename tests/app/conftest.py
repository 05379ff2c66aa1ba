"""Fixtures for the AppTest tests (helpers live in app_driver.py, so no test imports a conftest)."""

from __future__ import annotations

import pytest
from app_driver import Downloads, start
from streamlit.testing.v1 import AppTest


@pytest.fixture()
def app() -> AppTest:
    return start()


@pytest.fixture()
def downloads(monkeypatch: pytest.MonkeyPatch) -> Downloads:
    """Keep every deferred download the app registers (see ``Downloads``)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    seen = Downloads()
    register = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, *args, **kwargs):
        file_id = register(self, data_callable, *args, **kwargs)
        seen.callables[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return seen
