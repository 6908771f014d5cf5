"""A job queued by a task in the worker joins the task's transaction, as one queued by a web request does."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection, transaction
from procrastinate.contrib.django import app, utils

from clubsite.jobs.connectors import WorkerConnector
from clubsite.notifications.tasks import send_notice

pytestmark = pytest.mark.django_db(transaction=True)


def jobs_seen_from_outside() -> int:
    """What another connection (another worker) sees of the queue."""
    with psycopg.connect(**utils.connector_params("default")) as other, other.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_jobs")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def test_the_worker_connector_is_the_clubs():
    assert isinstance(app.connector.get_worker_connector(), WorkerConnector)


def test_a_job_queued_inside_a_task_waits_for_the_tasks_commit_and_goes_with_its_rollback():
    with app.replace_connector(app.connector.get_worker_connector()):
        with transaction.atomic():
            send_notice.defer(notice="class_registered", object_id=1, key="inside")
            assert jobs_seen_from_outside() == 0  # not before the commit
            transaction.set_rollback(True)
        assert jobs_seen_from_outside() == 0  # nor after a rollback

        with transaction.atomic():
            send_notice.defer(notice="class_registered", object_id=1, key="committed")
        assert jobs_seen_from_outside() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT args->>'key' FROM procrastinate_jobs")
        assert cursor.fetchall() == [("committed",)]
