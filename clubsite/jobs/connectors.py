"""How procrastinate reaches PostgreSQL here: jobs are always queued through Django's own connection.

procrastinate's worker swaps the app's Django connector for a psycopg pool of its own (fetching, heartbeats
and LISTEN/NOTIFY are asynchronous). Left at that, a job that a *job* queues (the billing run queueing each
invoice's mail, a dunning run its reminders) would be written on the pool, committed at once, before the
member's transaction that made the invoice: another worker could send the mail before the invoice exists, and
a rolled-back transaction would leave its mail queued. The worker's connector here keeps the pool for the
worker's own asynchronous work and hands every synchronous call, which is what deferring from a task is, to
Django's connection in the task's thread: the job joins the task's transaction, as it does in a web request.
"""

from __future__ import annotations

from typing import Any

from procrastinate import App, connector
from procrastinate.contrib.django import utils
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.psycopg_connector import PsycopgConnector


class WorkerConnector(PsycopgConnector):
    """A psycopg pool for the worker's own work; Django's connection for jobs queued by the tasks it runs."""

    def __init__(self, *, alias: str = "default", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._django = DjangoConnector(alias=alias)

    def get_sync_connector(self) -> connector.BaseConnector:
        return self._django


class ClubDjangoConnector(DjangoConnector):
    """procrastinate's Django connector, whose worker connector is :class:`WorkerConnector`."""

    def get_worker_connector(self) -> connector.BaseAsyncConnector:
        return WorkerConnector(alias=self.alias, kwargs=utils.connector_params(self.alias))


def on_app_ready(app: App) -> None:
    """PROCRASTINATE_ON_APP_READY: give the app the connector above (``manage.py procrastinate worker`` asks it
    for its worker connector)."""
    club_connector = ClubDjangoConnector(alias=getattr(app.connector, "alias", "default"))
    app.connector = club_connector
    app.job_manager.connector = club_connector
