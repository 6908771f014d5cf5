"""Browser journeys: Playwright drives Debian's chromium against the live server, watching the console."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

# Debian's package; CLUBSITE_CHROMIUM points elsewhere (the harness's own tests use it to play a machine without one).
CHROMIUM = Path(os.environ.get("CLUBSITE_CHROMIUM", "/usr/bin/chromium"))
# Never a browser download (`playwright install`): the system's chromium, quiet and sandbox-free (CI runs as root).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = (
    f"the browser tests need Chromium at {CHROMIUM}: install it with "
    "`apt-get update && apt-get install -y chromium` (as root), or run `bash .ci/run`, which does"
)
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
# Long enough for a page on a busy 2-core machine, short enough that a wrong selector fails fast.
TIMEOUT_MS = 10_000
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _unavailable(reason: str):
    # Outside CI a machine without a browser still runs every other test; in CI it is a broken setup.
    if _in_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test, so the page fixture knows whether the journey failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def browser() -> Iterator:
    """One chromium for the whole e2e package; each test gets fresh contexts (cookies) from it."""
    if not CHROMIUM.exists():
        _unavailable(INSTALL_HINT)
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:  # pragma: no cover - playwright is in requirements.txt
        _unavailable("the browser tests need Playwright for Python: `pip install -r requirements.txt`")
    # Playwright's sync API keeps an event loop running on this thread, so Django sees an "async
    # context" and refuses the ORM calls the tests make to set up and check data. Nothing here is
    # async; allow it for as long as the browser runs, and only here.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            expect.set_options(timeout=TIMEOUT_MS)
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


class Console:
    """What went wrong in the browser: console errors (a CSP violation is one), uncaught errors, 5xx responses."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: uncaught {error}"))
        page.on(
            "response",
            lambda response: response.status >= 500
            and self.errors.append(f"{response.url}: HTTP {response.status}"),
        )

    def _console(self, page, message) -> None:
        if message.type != "error":
            return
        # The site has no favicon, and chromium asks for one on its own: not something a page did.
        if (message.location or {}).get("url", "").endswith("/favicon.ico"):
            return
        self.errors.append(f"{page.url}: {message.text}")

    def assert_clean(self) -> None:
        assert self.errors == [], "the browser reported errors:\n" + "\n".join(self.errors)


def _screenshot_name(node_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", node_name)


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def open_page(browser, live_server, console, request) -> Iterator[Callable]:
    """``open_page(viewport=...)`` opens a page in a new browser context (a person of their own).

    Every page is watched for console errors; when the test fails, each open page is saved to
    test-artifacts/screenshots/<test>[-n].png.
    """
    contexts = []
    pages = []

    def open_page(*, viewport: dict = DESKTOP):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        console.watch(page)
        pages.append(page)
        return page

    yield open_page

    failed = any(
        getattr(getattr(request.node, f"report_{phase}", None), "failed", False) for phase in ("setup", "call")
    )
    if failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        base = _screenshot_name(request.node.name)
        for number, page in enumerate(pages, start=1):
            suffix = "" if number == 1 else f"-{number}"
            try:
                page.screenshot(path=str(SCREENSHOTS / f"{base}{suffix}.png"), full_page=True)
            except Exception as error:  # noqa: BLE001 - a screenshot must never hide the real failure
                print(f"could not save a screenshot of {page.url}: {error}")
    for context in contexts:
        context.close()
    if not failed:
        # A journey that forgot to look still fails on what the browser reported.
        console.assert_clean()


@pytest.fixture
def page(open_page):
    """One person's browser tab, desktop-sized."""
    return open_page()
