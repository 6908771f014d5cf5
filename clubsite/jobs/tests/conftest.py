"""Fixtures of the process tests: a real SMTP server, and procrastinate's tables emptied around each test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from clubsite.testing.worker import SmtpServer, clear_queue, smtp_server


@pytest.fixture
def worker_db(transactional_db: None) -> Iterator[None]:
    """The test database, committed for real, with procrastinate's tables empty before and after.

    pytest-django's flush after a ``transaction=True`` test leaves them alone (procrastinate's models are
    unmanaged): a job left queued would otherwise run in the next process test, on rows that are gone.
    """
    if os.environ.get("CLUBSITE_TEST_NOW", "").strip():
        pytest.skip("a worker process keeps the real clock; CLUBSITE_TEST_NOW moves only the test's")
    clear_queue()
    yield
    clear_queue()


@pytest.fixture
def smtp(worker_db: None) -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 that keeps the messages it accepted."""
    with smtp_server() as server:
        yield server


@pytest.fixture
def holding_smtp(worker_db: None) -> Iterator[SmtpServer]:
    """An SMTP server that holds the first message until ``release`` is set, then refuses it (451)."""
    with smtp_server(hold_first=True) as server:
        yield server
