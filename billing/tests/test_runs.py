"""The billing run: each billable member's invoice generated and issued once, failures recorded, races safe."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from procrastinate.contrib.django.models import ProcrastinateJob

import clubsite.notifications.billing  # noqa: F401 - the invoice mail and its receiver, as apps.py loads them
from billing import services
from billing.models import BillingRun, Invoice, InvoiceLine
from billing.tests.factories import InvoiceFactory, MembershipFactory, MembershipPlanFactory, club_time, pt_session
from clubsite.testing.jobs import run_jobs
from clubsite.testing.races import race
from members.tests.factories import MemberFactory

NOV_1, NOV_30 = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
DEC_1 = club_time(2026, 12, 1, 0, 10)


@pytest.fixture
def first_of_december(time_machine):
    time_machine.move_to(DEC_1, tick=False)


def gold_member(first_name: str, **extra):
    member = MemberFactory(user__first_name=first_name, user__last_name="Tester", **extra)
    MembershipFactory(
        member=member,
        plan=MembershipPlanFactory(name="Gold", monthly_fee=Decimal("49.00")),
        started_on=datetime.date(2026, 9, 1),
    )
    return member


def run(**kwargs) -> BillingRun:
    return services.billing_run(
        period_start=NOV_1,
        period_end=NOV_30,
        trigger=kwargs.pop("trigger", BillingRun.Trigger.SCHEDULE),
        **kwargs,
    )


def counts(billing_run: BillingRun) -> dict[str, int]:
    return {
        name: getattr(billing_run, name)
        for name in ("members_billed", "invoices_created", "invoices_issued", "failures")
    }


@pytest.mark.django_db
def test_a_run_on_the_first_issues_each_billable_members_invoice_and_mails_them(first_of_december):
    ann, bob = gold_member("Ann"), gold_member("Bob")
    pt_session(bob, club_time(2026, 11, 10, 14))
    ended = MemberFactory()
    MembershipFactory(member=ended, started_on=datetime.date(2026, 5, 1), ended_on=datetime.date(2026, 10, 31))

    billing_run = run()

    assert billing_run.status == BillingRun.Status.FINISHED
    assert billing_run.finished_at is not None
    assert counts(billing_run) == {
        "members_billed": 2,
        "invoices_created": 2,
        "invoices_issued": 2,
        "failures": 0,
    }
    invoices = {invoice.member_id: invoice for invoice in Invoice.objects.all()}
    assert set(invoices) == {ann.pk, bob.pk}
    assert {invoice.status for invoice in invoices.values()} == {Invoice.Status.ISSUED}
    assert invoices[bob.pk].total == Decimal("89.00")
    assert invoices[ann.pk].due_date == datetime.date(2026, 12, 15)

    run_jobs()
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {ann.user.email, bob.user.email}
    bobs = by_recipient[bob.user.email]
    assert bobs.subject == f"Your invoice {invoices[bob.pk].number}"
    assert "£89.00" in bobs.body
    assert "November 2026" in bobs.body
    assert "15 December 2026" in bobs.body
    assert f"/member/invoices/{invoices[bob.pk].pk}/" in bobs.body


@pytest.mark.django_db
def test_running_again_issues_nothing_new_and_bills_only_what_was_added(first_of_december):
    ann = gold_member("Ann")
    run()
    run_jobs()
    assert len(mail.outbox) == 1

    again = run(trigger=BillingRun.Trigger.STAFF, started_by=ann.user)
    assert again.status == BillingRun.Status.FINISHED
    assert counts(again) == dict.fromkeys(counts(again), 0)
    assert Invoice.objects.count() == 1
    run_jobs()
    assert len(mail.outbox) == 1

    # A November session recorded late is billed by the next run, on a new invoice (the first is issued).
    pt_session(ann, club_time(2026, 11, 28, 9))
    late = run()
    assert counts(late) == {
        "members_billed": 1,
        "invoices_created": 1,
        "invoices_issued": 1,
        "failures": 0,
    }
    assert Invoice.objects.filter(status=Invoice.Status.ISSUED).count() == 2


@pytest.mark.django_db
def test_a_staff_draft_for_the_period_gets_the_lines_and_is_issued(first_of_december):
    ann = gold_member("Ann")
    draft = InvoiceFactory(member=ann, period_start=NOV_1, period_end=NOV_30)
    services.invoice_line_add(invoice=draft, description="Towel hire", quantity=1, unit_price=Decimal("5.00"))

    billing_run = run()

    assert (billing_run.invoices_created, billing_run.invoices_issued) == (0, 1)
    draft.refresh_from_db()
    assert draft.status == Invoice.Status.ISSUED
    assert draft.total == Decimal("54.00")


def _fail_lines_of(member, errcode: str) -> None:
    """A trigger refusing the invoice lines of one member: a real database error in the middle of a run."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE OR REPLACE FUNCTION test_fail_member_{member.pk}() RETURNS trigger AS $$
            BEGIN
              IF (SELECT member_id FROM billing_invoice WHERE id = NEW.invoice_id) = {member.pk} THEN
                RAISE EXCEPTION 'refused for the test' USING ERRCODE = '{errcode}';
              END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER test_fail_member_{member.pk} BEFORE INSERT ON billing_invoiceline
              FOR EACH ROW EXECUTE FUNCTION test_fail_member_{member.pk}();
            """
        )


@pytest.mark.django_db
def test_one_members_failure_is_recorded_and_the_others_are_billed(first_of_december, caplog):
    ann, bob, cat = gold_member("Ann"), gold_member("Bob"), gold_member("Cat")
    _fail_lines_of(bob, "23514")  # a check refuses: the service maps it to its coded error ("conflict")
    _fail_lines_of(cat, "22012")  # not a club rule at all: "unexpected", and logged

    billing_run = run()

    assert billing_run.status == BillingRun.Status.FINISHED
    assert counts(billing_run) == {
        "members_billed": 1,
        "invoices_created": 1,
        "invoices_issued": 1,
        "failures": 2,
    }
    assert billing_run.failure_details == [
        {
            "member_id": bob.pk,
            "member": "Bob Tester",
            "code": "conflict",
            "message": services.BillingError.messages["conflict"].text,
        },
        {
            "member_id": cat.pk,
            "member": "Cat Tester",
            "code": "unexpected",
            "message": "An unexpected error (DataError); the worker's log has the details.",
        },
    ]
    assert f"member {cat.pk} could not be billed" in caplog.text
    # Nothing half-done is left for the members who failed.
    assert list(Invoice.objects.values_list("member_id", flat=True)) == [ann.pk]
    billing_run.refresh_from_db()
    assert billing_run.failures == 2


@pytest.mark.django_db
def test_a_period_not_over_is_refused(first_of_december):
    with pytest.raises(services.BillingError) as refused:
        services.billing_run(
            period_start=datetime.date(2026, 12, 1), period_end=datetime.date(2026, 12, 31), trigger="schedule"
        )
    assert refused.value.code == "run_period_not_over"
    with pytest.raises(services.BillingError) as refused:
        services.billing_run(period_start=NOV_1, period_end=NOV_30, trigger="staff")
    assert refused.value.code == "run_started_by_required"
    assert not BillingRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_runs_racing_for_one_period_issue_each_invoice_once(time_machine):
    time_machine.move_to(DEC_1, tick=True)
    members = [gold_member(f"Member{i}") for i in range(12)]
    for member in members[::3]:
        pt_session(member, club_time(2026, 11, 12, 9))

    outcome = race(lambda i: run(), workers=4)

    assert outcome.errors == []
    runs = outcome.results
    assert {billing_run.status for billing_run in runs} == {BillingRun.Status.FINISHED}
    assert sum(billing_run.invoices_issued for billing_run in runs) == 12
    assert sum(billing_run.invoices_created for billing_run in runs) == 12
    assert sum(billing_run.failures for billing_run in runs) == 0
    assert Invoice.objects.count() == 12
    assert set(Invoice.objects.values_list("status", flat=True)) == {Invoice.Status.ISSUED}
    assert sorted(Invoice.objects.values_list("member_id", flat=True)) == sorted(member.pk for member in members)
    assert InvoiceLine.objects.filter(kind=InvoiceLine.Kind.PLAN_MONTH).count() == 12
    assert InvoiceLine.objects.filter(kind=InvoiceLine.Kind.PT_SESSION).count() == 4
    # One invoice mail queued per invoice, whichever run issued it.
    mails = ProcrastinateJob.objects.filter(task_name="notifications.send", args__notice="invoice_issued")
    assert mails.count() == 12


@pytest.mark.django_db
def test_drafts_generated_by_staff_and_not_issued_are_issued_by_the_run_and_mailed(first_of_december):
    """"Generate invoices" for the month, not issued: nothing is left to bill, but the drafts still go out."""
    ann = gold_member("Ann")  # a plan month, on her draft
    cat = MemberFactory(user__first_name="Cat")  # no plan: only a PT session, on her draft
    pt_session(cat, club_time(2026, 11, 10, 14))
    assert len(services.invoice_generate_all(period_start=NOV_1, period_end=NOV_30)) == 2
    empty = InvoiceFactory(period_start=NOV_1, period_end=NOV_30)  # a draft without lines stays a draft

    billing_run = run()

    assert counts(billing_run) == {"members_billed": 2, "invoices_created": 0, "invoices_issued": 2, "failures": 0}
    statuses = dict(Invoice.objects.values_list("member_id", "status"))
    assert statuses == {ann.pk: Invoice.Status.ISSUED, cat.pk: Invoice.Status.ISSUED, empty.member_id: "draft"}
    run_jobs()
    assert sorted(message.to[0] for message in mail.outbox) == sorted([ann.user.email, cat.user.email])
    # Running again finds them issued: nothing more.
    assert counts(run()) == dict.fromkeys(counts(billing_run), 0)


@pytest.mark.django_db
def test_a_job_started_again_marks_its_earlier_run_interrupted(first_of_december):
    """A worker killed mid-run leaves its run RUNNING; the queue starts the same job again (same job id)."""
    gold_member("Ann")
    cut_off = BillingRun.objects.create(period_start=NOV_1, period_end=NOV_30, trigger="schedule", job_id=77)
    other_job = BillingRun.objects.create(period_start=NOV_1, period_end=NOV_30, trigger="schedule", job_id=78)

    again = run(job_id=77)

    assert (again.status, again.job_id, again.invoices_issued) == (BillingRun.Status.FINISHED, 77, 1)
    cut_off.refresh_from_db()
    assert cut_off.status == BillingRun.Status.INTERRUPTED
    assert cut_off.finished_at is not None
    other_job.refresh_from_db()
    assert (other_job.status, other_job.finished_at) == (BillingRun.Status.RUNNING, None)


@pytest.mark.django_db
def test_a_run_stopped_by_the_worker_stopping_is_not_marked_failed(first_of_december, monkeypatch):
    """KeyboardInterrupt/SystemExit is the worker stopping, not the run failing: the job, run again, marks it."""
    gold_member("Ann")

    def stop(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr("billing.services.runs._bill_member", stop)
    with pytest.raises(KeyboardInterrupt):
        run(job_id=5)
    stopped = BillingRun.objects.get()
    assert (stopped.status, stopped.finished_at) == (BillingRun.Status.RUNNING, None)


@pytest.fixture
def run_updates_refused():
    """A trigger refusing every update of a billing run (the database refusing the run's own record)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE OR REPLACE FUNCTION test_refuse_run_update() RETURNS trigger AS $$
            BEGIN
              RAISE EXCEPTION 'refused with status %', NEW.status USING ERRCODE = '22012';
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER test_refuse_run_update BEFORE UPDATE ON billing_billingrun
              FOR EACH ROW EXECUTE FUNCTION test_refuse_run_update();
            """
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER IF EXISTS test_refuse_run_update ON billing_billingrun;"
            " DROP FUNCTION IF EXISTS test_refuse_run_update();"
        )


@pytest.mark.django_db(transaction=True)
def test_a_failure_that_cannot_be_recorded_raises_the_runs_own_error(time_machine, run_updates_refused, caplog):
    time_machine.move_to(DEC_1, tick=False)
    gold_member("Ann")

    with pytest.raises(Exception) as stopped:
        run()

    # The run's error (saving its counts, while running), not the failed attempt to record "failed".
    assert "refused with status running" in str(stopped.value)
    assert "its failure could not be recorded" in caplog.text
