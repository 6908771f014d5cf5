"""Running the queued jobs inside a test, through procrastinate's own worker.

Most tests run in one transaction that is rolled back at the end, so the jobs a service queued are visible
only to the test's own connection. ``run_jobs`` runs procrastinate's worker until the queue is empty, with
every database call (the worker's and the tasks') on the test's thread and connection: the jobs go through
the real fetch, middleware, retry and finish steps, and see the test's rows. Tests about processes (a real
worker, two workers, a killed worker) start ``manage.py procrastinate worker`` instead
(``clubsite.testing.worker``).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

from asgiref.sync import async_to_sync, sync_to_async
from django.db import connections
from procrastinate import periodic, utils
from procrastinate.contrib.django import app, db_cleanup, django_connector, procrastinate_app
from procrastinate.contrib.django.models import ProcrastinateJob


async def _on_this_thread(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return await sync_to_async(func, thread_sensitive=True)(*args, **kwargs)


async def _nothing() -> None:
    return None


_dictfetch = django_connector.DjangoConnector._dictfetch


def _dictfetch_json(self: django_connector.DjangoConnector, cursor: Any) -> Iterator[dict[str, Any]]:
    # Django's backend hands jsonb over as text (JSONField decodes it itself); the worker reads a job's
    # arguments as a dict, as its own psycopg connection gives them to a real worker.
    for row in _dictfetch(self, cursor):
        if isinstance(row.get("args"), str):
            row["args"] = json.loads(row["args"])
        yield row


def queued(task_name: str | None = None) -> list[ProcrastinateJob]:
    """The jobs waiting to run (of one task, if named), oldest first."""
    jobs = ProcrastinateJob.objects.filter(status="todo").order_by("id")
    return list(jobs.filter(task_name=task_name) if task_name else jobs)


def run_jobs(*, queues: list[str] | None = None) -> int:
    """Run every job queued so far (and any they queue), then return how many ran.

    Periodic jobs are not scheduled here: a test runs one by deferring it (``task.defer(timestamp=0)``).
    """
    before = ProcrastinateJob.objects.exclude(status="todo").count()
    with (
        mock.patch.object(utils, "sync_to_async", _on_this_thread),
        # The worker closes a task's connection after it, as Django does after a request; here that connection
        # is the test's own, inside its transaction.
        mock.patch.object(db_cleanup, "_cleanup_before", lambda: None),
        mock.patch.object(db_cleanup, "_cleanup_after", lambda: None),
        mock.patch.object(db_cleanup, "_cleanup_before_async", _nothing),
        mock.patch.object(db_cleanup, "_cleanup_after_async", _nothing),
        mock.patch.object(django_connector.DjangoConnector, "_dictfetch", _dictfetch_json),
        mock.patch.object(procrastinate_app.current_app, "periodic_registry", periodic.PeriodicRegistry()),
    ):
        options: dict[str, Any] = {} if queues is None else {"queues": queues}
        if _in_event_loop():
            _on_a_thread_of_its_own(options)
        else:
            _drain(options)
    return ProcrastinateJob.objects.exclude(status="todo").count() - before


def _drain(options: dict[str, Any]) -> None:
    async_to_sync(app.run_worker_async)(
        **options,
        wait=False,
        listen_notify=False,
        install_signal_handlers=False,
        concurrency=1,
        delete_jobs="never",
    )


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _on_a_thread_of_its_own(options: dict[str, Any]) -> None:
    """A browser test (Playwright's sync API keeps an event loop on this thread) has its rows committed for the
    live server, so the worker can run on a thread, and a connection, of its own."""
    raised: list[BaseException] = []

    def work() -> None:
        try:
            _drain(options)
        except BaseException as error:  # handed to the test's thread below
            raised.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    if raised:
        raise raised[0]


def failed_job(key: str = "failed") -> ProcrastinateJob:
    """A mail job that ran out of attempts, for the admin's pages (procrastinate's models are read-only in
    Django, so its row is changed in SQL)."""
    from django.db import connection

    from clubsite.notifications.tasks import send_notice

    send_notice.defer(notice="class_registered", object_id=0, key=key)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET status = 'failed', attempts = 10 WHERE args->>'key' = %s", [key])
    return ProcrastinateJob.objects.filter(args__key=key).latest("id")
