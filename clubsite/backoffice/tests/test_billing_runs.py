"""The back office's billing runs page: who may see it, what it shows, and the button that queues a run."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

import clubsite.notifications.billing  # noqa: F401 - the invoice mail, as apps.py loads it
from billing.errors import BillingError
from billing.models import BillingRun, Invoice
from billing.tasks import run_again
from billing.tests.factories import MembershipFactory, MembershipPlanFactory, club_time
from clubsite.backoffice.billing_runs import ALREADY_QUEUED, QUEUED
from clubsite.testing.jobs import queued, run_jobs
from clubsite.testing.roles import sign_in_as
from members.tests.factories import MemberFactory
from trainers.tests.factories import TrainerFactory

pytestmark = pytest.mark.django_db

RUNS = reverse("backoffice:billing-runs")
AGAIN = reverse("backoffice:billing-run-again")
NOV = {"period_start": "2026-11-01", "period_end": "2026-11-30"}


@pytest.fixture(autouse=True)
def december(time_machine):
    time_machine.move_to(club_time(2026, 12, 3, 10), tick=False)


def a_run(failed_member=None, **extra) -> BillingRun:
    extra.setdefault("status", "finished")
    details = []
    if failed_member is not None:
        details = [
            {"member_id": failed_member.pk, "member": "Bob Baker", "code": "conflict", "message": "It conflicts."}
        ]
    return BillingRun.objects.create(
        period_start=datetime.date(2026, 11, 1),
        period_end=datetime.date(2026, 11, 30),
        trigger="schedule",
        members_billed=41,
        invoices_issued=41,
        failures=len(details),
        failure_details=details,
        **extra,
    )


@pytest.mark.parametrize("role", ["front_desk", "maintenance"])
def test_staff_who_do_not_bill_are_refused(client, role):
    sign_in_as(client, role)
    assert client.get(RUNS).status_code == 403
    assert client.post(AGAIN, NOV).status_code == 403
    assert queued("billing.run_again") == []


def test_members_trainers_and_visitors_are_sent_to_the_staff_sign_in(client):
    for user in (None, MemberFactory().user, TrainerFactory().user):
        if user is not None:
            client.force_login(user)
        for response in (client.get(RUNS), client.post(AGAIN, NOV)):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
    assert queued("billing.run_again") == []


@pytest.mark.parametrize("role", ["billing", "manager"])
def test_billing_staff_see_each_run_with_its_counts_and_failures(client, role):
    bob = MemberFactory(user__first_name="Bob", user__last_name="Baker")
    a_run(bob)
    sign_in_as(client, role)

    response = client.get(RUNS)

    assert response.status_code == 200
    page = response.content.decode()
    assert "30 Nov 2026" in page and "Schedule" in page and "Finished" in page and ">41<" in page
    assert "Bob Baker" in page and "It conflicts." in page
    assert reverse("admin:members_member_change", args=[bob.pk]) in page
    assert "Run billing for November 2026 again" in page


def test_the_page_reads_in_a_fixed_number_of_queries_however_many_runs(client, django_assert_num_queries):
    user = sign_in_as(client, "billing")
    # Session, user, the device that verified the session (a billing role signs in with a second factor), its
    # permissions (2), the staff role (whether the managers-only menu entries show), the count, the page of runs
    # with who started them, and the portal context processor's member and trainer look-ups: the same whatever
    # the runs and their failures.
    for _ in range(3):
        a_run(MemberFactory(), started_by=user)
    with django_assert_num_queries(10):
        assert client.get(RUNS).status_code == 200
    for _ in range(30):
        a_run(MemberFactory(), started_by=user)
    with django_assert_num_queries(10):
        response = client.get(RUNS)
    assert response.content.decode().count('<tr id="run-') == 20
    with django_assert_num_queries(10):
        assert client.get(RUNS, {"page": 2}).content.decode().count('<tr id="run-') == 13


def test_the_button_queues_a_run_that_the_worker_bills(client):
    member = MemberFactory()
    MembershipFactory(
        member=member, plan=MembershipPlanFactory(monthly_fee=Decimal("49.00")), started_on=datetime.date(2026, 10, 1)
    )
    user = sign_in_as(client, "billing")

    response = client.post(AGAIN, NOV, follow=True)

    assert response.redirect_chain == [(RUNS, 302)]
    assert QUEUED.format(period="November 2026") in response.content.decode()
    assert not Invoice.objects.exists()  # the request billed nothing itself
    [job] = queued("billing.run_again")
    assert job.args == {"period_start": "2026-11-01", "period_end": "2026-11-30", "user_id": user.pk}

    run_jobs()
    billing_run = BillingRun.objects.get()
    assert (billing_run.trigger, billing_run.started_by, billing_run.invoices_issued) == ("staff", user, 1)
    assert Invoice.objects.get().status == Invoice.Status.ISSUED
    assert "Staff" in client.get(RUNS).content.decode()


def test_a_period_not_over_is_refused_and_nothing_queued(client):
    sign_in_as(client, "billing")
    response = client.post(AGAIN, {"period_start": "2026-12-01", "period_end": "2026-12-31"}, follow=True)
    expected = BillingError("run_period_not_over", period="December 2026").message
    assert expected in response.content.decode()
    response = client.post(AGAIN, {"period_start": "soon"}, follow=True)
    assert "Choose a period to bill." in response.content.decode()
    assert queued("billing.run_again") == []


def test_the_button_needs_post_and_its_csrf_token():
    client = Client(enforce_csrf_checks=True)
    sign_in_as(client, "billing")
    assert client.get(AGAIN).status_code == 405
    assert client.post(AGAIN, NOV).status_code == 403
    assert queued("billing.run_again") == []


def test_the_admin_index_links_billing_staff_to_the_runs(client):
    sign_in_as(client, "billing")
    assert RUNS in client.get(reverse("admin:index")).content.decode()
    other = Client()
    sign_in_as(other, "front_desk")
    assert RUNS not in other.get(reverse("admin:index")).content.decode()


def test_a_second_click_while_the_run_waits_queues_no_second_run(client):
    sign_in_as(client, "billing")
    client.post(AGAIN, NOV, follow=True)

    response = client.post(AGAIN, NOV, follow=True)

    assert ALREADY_QUEUED.format(period="November 2026") in response.content.decode()
    assert QUEUED.format(period="November 2026") not in response.content.decode()
    assert len(queued("billing.run_again")) == 1
    # Another period is its own run; and once the waiting run has run, the period may be queued again.
    client.post(AGAIN, {"period_start": "2026-10-01", "period_end": "2026-10-31"}, follow=True)
    assert len(queued("billing.run_again")) == 2
    run_jobs()
    response = client.post(AGAIN, NOV, follow=True)
    assert QUEUED.format(period="November 2026") in response.content.decode()
    assert len(queued("billing.run_again")) == 1


def test_a_run_whose_worker_died_shows_interrupted_once_its_job_runs_again(client):
    user = sign_in_as(client, "billing")
    job_id = run_again.defer(period_start="2026-11-01", period_end="2026-11-30", user_id=user.pk)
    # What a worker killed mid-run leaves: its run RUNNING; jobs.retry_stalled queues the same job again.
    cut_off = a_run(job_id=job_id, status="running", started_by=user)

    run_jobs()

    cut_off.refresh_from_db()
    assert cut_off.status == BillingRun.Status.INTERRUPTED
    page = client.get(RUNS).content.decode()
    assert f'<tr id="run-{cut_off.pk}">' in page
    assert "Interrupted (the worker stopped; the job ran again)" in page
    assert BillingRun.objects.exclude(pk=cut_off.pk).get().status == BillingRun.Status.FINISHED


def test_who_may_only_view_the_runs_sees_them_without_the_button_and_cannot_start_one(client):
    user = sign_in_as(client, "front_desk")
    user.user_permissions.add(Permission.objects.get(codename="view_billingrun", content_type__app_label="billing"))
    a_run()

    response = client.get(RUNS)

    assert response.status_code == 200
    assert "30 Nov 2026" in response.content.decode()
    assert "Run billing for" not in response.content.decode()
    assert 'value="Run again"' not in response.content.decode()
    assert client.post(AGAIN, NOV).status_code == 403
    assert queued("billing.run_again") == []
