"""Fixtures for the AppTest tests (helpers live in app_driver.py, so no test imports a conftest)."""

from __future__ import annotations

import pytest
from app_driver import start
from streamlit.testing.v1 import AppTest


@pytest.fixture()
def app() -> AppTest:
    return start()
