"""Failed jobs over the API: listed with their error for managers, and retried."""

from __future__ import annotations

import pytest

from clubsite.testing.api import ApiClient
from clubsite.testing.jobs import failed_job
from clubsite.testing.roles import staff_user

pytestmark = pytest.mark.django_db


def test_a_manager_lists_failed_jobs_and_retries_one():
    job = failed_job("api")
    manager = ApiClient(staff_user("manager"))

    listed = manager.get("/staff/jobs/failed")
    retried = manager.post(f"/staff/jobs/failed/{job.pk}/retry")
    again = manager.post(f"/staff/jobs/failed/{job.pk}/retry")

    assert listed.status_code == 200
    [item] = listed.json()["items"]
    assert (item["id"], item["task"], item["arguments"]["key"]) == (job.pk, "notifications.send", "api")
    assert retried.status_code == 200 and retried.json()["attempts"] == 0
    assert again.status_code == 404  # no longer a failed job
    assert manager.get("/staff/jobs/failed").json()["items"] == []


def test_other_staff_may_not():
    job = failed_job("api")
    front_desk = ApiClient(staff_user("front_desk"))

    assert front_desk.get("/staff/jobs/failed").status_code == 403
    assert front_desk.post(f"/staff/jobs/failed/{job.pk}/retry").status_code == 403
