"""The billing runs over the API: listed with their counts and failures, and started again as a job."""

from __future__ import annotations

import datetime

import pytest

from billing.models import BillingRun
from billing.tasks import previous_month
from billing.tests.factories import BillingRunFactory
from clubsite.core.clock import club_today
from clubsite.testing.api import ApiClient
from clubsite.testing.jobs import queued
from clubsite.testing.roles import staff_user

pytestmark = pytest.mark.django_db


def test_billing_staff_list_the_runs_newest_first_with_their_failures():
    older = BillingRunFactory(status=BillingRun.Status.FINISHED)
    newer = BillingRunFactory(
        failures=1, failure_details=[{"member_id": 7, "member": "Cat Cole", "code": "conflict", "message": "No."}]
    )

    response = ApiClient(staff_user("billing")).get("/staff/billing/runs")

    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [newer.pk, older.pk]
    assert items[0]["failure_details"] == [{"member_id": 7, "member": "Cat Cole", "code": "conflict", "message": "No."}]


def test_starting_a_run_queues_it_once_and_refuses_a_period_not_over():
    api = ApiClient(staff_user("billing"))
    start, end = previous_month(club_today())
    body = {"period_start": start.isoformat(), "period_end": end.isoformat()}

    first = api.post("/staff/billing/runs", body)
    second = api.post("/staff/billing/runs", body)
    today = club_today()
    tomorrow = today + datetime.timedelta(days=1)
    not_over = api.post(
        "/staff/billing/runs", {"period_start": today.replace(day=1).isoformat(), "period_end": tomorrow.isoformat()}
    )

    assert first.status_code == 202, first.content
    assert second.status_code == 409 and second.json()["code"] == "run_already_queued"
    assert not_over.status_code == 409 and not_over.json()["code"] == "run_period_not_over"
    assert len(queued("billing.run_again")) == 1


def test_front_desk_may_not():
    front_desk = ApiClient(staff_user("front_desk"))

    assert front_desk.get("/staff/billing/runs").status_code == 403
    january = {"period_start": "2026-01-01", "period_end": "2026-01-31"}
    assert front_desk.post("/staff/billing/runs", january).status_code == 403
