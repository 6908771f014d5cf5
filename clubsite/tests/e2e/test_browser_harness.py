"""The browser harness itself: it sees CSP violations, saves a screenshot of a failure, and says how to get chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from .conftest import INSTALL_HINT, PHONE, SCREENSHOTS

EXAMPLE = Path(__file__).with_name("harness_examples.py")
FAILING_JOURNEY = f"{EXAMPLE}::test_a_journey_that_fails"


def run_pytest(node: str, **env_changes: str | None) -> subprocess.CompletedProcess:
    # A database name of its own, should anything in there ever reach for one: never this run's.
    env = {**os.environ, "CLUBSITE_TEST_DATABASE": settings.DATABASES["default"]["TEST"]["NAME"] + "_harness"}
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-m", "pytest", node, "-q", "-rs", "-p", "no:cacheprovider"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_an_inline_script_is_refused_by_the_csp_and_reported_as_a_console_error(page, console):
    page.goto("/accounts/login/")

    # What an inline <script> in a template would do.
    with page.expect_console_message(lambda message: message.type == "error"):
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "document.body.dataset.inline = 'ran'";
                document.body.append(script);
            }"""
        )

    assert page.evaluate("document.body.dataset.inline") is None
    assert any("Content Security Policy" in error for error in console.errors), console.errors
    console.errors.clear()  # seen, and expected: this test provoked it


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_bootstraps_own_script_runs_under_the_csp_on_a_phone(open_page, console):
    page = open_page(viewport=PHONE)
    page.goto("/accounts/login/")
    sign_up = page.get_by_role("navigation").get_by_role("link", name="Sign in")
    expect(sign_up).to_be_hidden()

    page.get_by_role("button", name="Toggle navigation").click()

    expect(sign_up).to_be_visible()
    console.assert_clean()


@pytest.mark.e2e
def test_without_chromium_the_browser_tests_skip_outside_ci_saying_how_to_install_it():
    result = run_pytest(FAILING_JOURNEY, CLUBSITE_CHROMIUM="/nonexistent/chromium", CI=None)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "apt-get install -y chromium" in result.stdout
    assert INSTALL_HINT.split(":")[0].split(" at ")[0] in result.stdout


@pytest.mark.e2e
def test_without_chromium_the_browser_tests_fail_in_ci():
    result = run_pytest(FAILING_JOURNEY, CLUBSITE_CHROMIUM="/nonexistent/chromium", CI="true")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "CI=true and the browser tests need Chromium" in result.stdout
    assert "skipped" not in result.stdout


@pytest.mark.e2e
def test_a_failing_journey_saves_a_screenshot(browser):
    screenshot = SCREENSHOTS / "test_a_journey_that_fails.png"
    screenshot.unlink(missing_ok=True)

    result = run_pytest(FAILING_JOURNEY)

    try:
        assert result.returncode == 1, result.stdout + result.stderr
        assert "this journey fails on purpose" in result.stdout
        assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    finally:
        screenshot.unlink(missing_ok=True)
