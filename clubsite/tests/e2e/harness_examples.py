"""A journey that fails on purpose, run only by test_browser_harness.py in a pytest of its own.

Not named test_*.py, so a normal run never collects it. It never leaves ``set_content``, so it needs
no server and no database: the two fixtures below stand in for pytest-django's live server.
"""

from types import SimpleNamespace

import pytest


@pytest.fixture(scope="session")
def live_server():
    return SimpleNamespace(url="http://127.0.0.1:9")


@pytest.fixture(autouse=True)
def _live_server_helper():
    # pytest-django's version asks for a transactional database whenever live_server is used.
    yield


def test_a_journey_that_fails(page):
    page.set_content("<h1>Deliberately failing journey</h1>")
    assert page.inner_text("h1") == "Something else", "this journey fails on purpose"
