"""Concurrent calls released together, to prove that a rule holds under a race."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections


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
