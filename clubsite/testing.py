"""Test helpers shared by the apps' test suites."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone


@dataclass
class RaceOutcome:
    results: list[Any] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


def race(action: Callable[[int], Any], *, workers: int, timeout: float = 60) -> RaceOutcome:
    """Run ``action(i)`` in ``workers`` threads released together by a barrier.

    Each thread uses its own database connection (Django's connections are per thread) and closes it
    when done, so the calls really overlap inside PostgreSQL. Use from a
    ``@pytest.mark.django_db(transaction=True)`` test: the threads must see committed data.
    """
    barrier = threading.Barrier(workers)
    outcome = RaceOutcome()
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            result = action(index)
            with lock:
                outcome.results.append(result)
        except BaseException as error:  # noqa: BLE001 - the test asserts on every error
            with lock:
                outcome.errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if any(thread.is_alive() for thread in threads):
        raise AssertionError(f"race did not finish within {timeout} s")
    return outcome


def sign_in(client, *, email: str, password: str) -> bool:
    """Sign in through the sign-in page, as a person does (and as the sign-in throttling sees it).

    Django's ``client.login`` calls ``authenticate`` without a request, which django-axes refuses.
    """
    from django.urls import reverse

    client.post(reverse("accounts:login"), {"username": email, "password": password})
    return "_auth_user_id" in client.session


def split_datetime(value: datetime.datetime, name: str) -> dict[str, str]:
    """How the admin's split date and time widget posts ``value``, on the club's clock."""
    local = timezone.localtime(value)
    return {f"{name}_0": local.strftime("%Y-%m-%d"), f"{name}_1": local.strftime("%H:%M:%S")}


def query_count(client, address: str) -> int:
    """The queries a GET of ``address`` costs; the page must open."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(context)


def messages_of(response) -> list[str]:
    """The Django messages a response carries (after a redirect was followed, or on the page itself)."""
    return [str(message) for message in get_messages(response.wsgi_request)]
