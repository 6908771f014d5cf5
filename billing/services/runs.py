"""The billing run: every member's bill for a period generated and issued, each member in their own transaction.

Who is billed is ``billing.selectors.billing_run_members``: the members ``invoice_generate_all`` would bill, and
those whose draft for exactly the period has lines (staff's "Generate invoices", not issued). Each is billed with
the same services staff use (:func:`invoice_generate`, then :func:`invoice_issue`), so a run adds nothing a
hand-made bill would not, and running again bills only what was added since.

A run records the queue's job that runs it (``job_id``). A worker killed mid-run leaves its run RUNNING, and
the queue (``jobs.retry_stalled``) starts the same job again: the new run marks the earlier RUNNING run of that
job INTERRUPTED, since one job runs on one worker at a time.

Concurrency: two runs of one period at once (two workers, or staff's "run again" during the scheduled run) meet
on each member's row lock, the first lock of the lock order. A member's transaction takes it before reading what
to bill and keeps it until the draft is issued and committed, so the second run, once it gets the lock, finds the
member's things billed and their draft issued: it creates no second draft and issues nothing twice. No run-wide
lock is needed, and none is held for the length of a run (members can book while their club is being billed).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from clubsite.accounts.models import User
from clubsite.core.clock import club_today
from clubsite.core.errors import ClubError
from members.models import Member

from ..errors import BillingError
from ..models import BillingRun, Invoice
from ..selectors import billing_run_members, period_drafts, period_text
from ._base import lock_member, period
from .generation import invoice_generate
from .invoices import invoice_issue

logger = logging.getLogger(__name__)

#: The code a failure that is not a club rule's refusal is recorded with (the worker's log has the traceback).
UNEXPECTED = "unexpected"
UNEXPECTED_MESSAGE = "An unexpected error ({error}); the worker's log has the details."

COUNTS = ["members_billed", "invoices_created", "invoices_issued", "failures", "failure_details"]


def billing_run_check(
    *, period_start: datetime.date, period_end: datetime.date, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """The period a run may bill, or a ``BillingError``: a valid period that is over (club time).

    A period still running would issue bills while things of it can still be booked; they would wait for
    the next run of that period, which the schedule never makes. The back office asks this before queueing.
    """
    start, end = period(period_start, period_end)
    today = club_today() if today is None else today
    if end >= today:
        raise BillingError("run_period_not_over", period=period_text(start, end))
    return start, end


@dataclass(frozen=True)
class _Billed:
    invoice_id: int
    created: bool


def _bill_member(member_id: int, period_start: datetime.date, period_end: datetime.date) -> _Billed | None:
    """Generate and issue one member's draft for the period, in one transaction; None when there was nothing to
    issue (nothing new, and no draft of the period with lines)."""
    with transaction.atomic():
        # The member's lock first (the lock order), held until the issued invoice is committed.
        member = lock_member(Member(pk=member_id))
        had_draft = Invoice.objects.filter(
            member=member, status=Invoice.Status.DRAFT, period_start=period_start, period_end=period_end
        ).exists()
        invoice = invoice_generate(member=member, period_start=period_start, period_end=period_end)
        if invoice is None:
            # Everything was billed onto a draft already ("Generate invoices" without issuing): issue that one.
            invoice = (
                period_drafts(period_start=period_start, period_end=period_end)
                .filter(member=member)
                .order_by("pk")
                .first()
            )
            if invoice is None:
                return None
        invoice = invoice_issue(invoice=invoice)
        return _Billed(invoice_id=invoice.pk, created=not had_draft)


def _failure(member_id: int, code: str, message: str) -> dict[str, object]:
    member = Member.objects.select_related("user").filter(pk=member_id).first()
    name = (member.full_name or str(member)) if member is not None else f"member #{member_id}"
    return {"member_id": member_id, "member": name, "code": code, "message": message}


def billing_run(
    *,
    period_start: datetime.date,
    period_end: datetime.date,
    trigger: str,
    started_by: User | None = None,
    job_id: int | None = None,
) -> BillingRun:
    """Bill and issue every member with something billable in the period; the run's record, finished.

    Call it outside a transaction (a job does): each member is committed on their own, so one member's
    failure is recorded (a ``ClubError``: its code and message; anything else: ``unexpected``, and logged)
    and the run goes on, and staff see the counts grow. A run that stops altogether (the database went
    away) is marked failed, and the error raised. ``job_id`` is the queue's job running it: an earlier run of
    the same job still RUNNING was cut off by its worker's end, and is marked INTERRUPTED.
    """
    start, end = billing_run_check(period_start=period_start, period_end=period_end)
    if trigger not in BillingRun.Trigger.values:
        raise BillingError("run_trigger_invalid")
    if trigger == BillingRun.Trigger.STAFF and started_by is None:
        raise BillingError("run_started_by_required")
    with transaction.atomic():
        if job_id is not None:
            # The queue runs a job on one worker at a time: a RUNNING run of this job is a dead worker's.
            BillingRun.objects.filter(job_id=job_id, status=BillingRun.Status.RUNNING).update(
                status=BillingRun.Status.INTERRUPTED, finished_at=timezone.now()
            )
        run = BillingRun.objects.create(
            period_start=start, period_end=end, trigger=trigger, started_by=started_by, job_id=job_id
        )
    try:
        member_ids = list(billing_run_members(period_start=start, period_end=end).values_list("pk", flat=True))
        for member_id in member_ids:
            try:
                billed = _bill_member(member_id, start, end)
            except ClubError as error:
                run.failures += 1
                run.failure_details.append(_failure(member_id, error.code, error.message))
            except Exception as error:
                logger.exception("Billing run %s: member %s could not be billed", run.pk, member_id)
                run.failures += 1
                message = UNEXPECTED_MESSAGE.format(error=type(error).__name__)
                run.failure_details.append(_failure(member_id, UNEXPECTED, message))
            else:
                if billed is None:
                    continue
                run.members_billed += 1
                run.invoices_created += int(billed.created)
                run.invoices_issued += 1
            run.save(update_fields=COUNTS)
    except Exception:
        # Not BaseException: a worker stopped by KeyboardInterrupt/SystemExit leaves the run RUNNING, and the
        # job started again marks it interrupted; "failed" is for a run that could not go on.
        logger.exception("Billing run %s stopped", run.pk)
        _finish(run, BillingRun.Status.FAILED)
        raise
    _finish(run, BillingRun.Status.FINISHED)
    return run


def _finish(run: BillingRun, status: str) -> None:
    """Record how the run ended. After a failure the save may fail too (the database went away): that is
    logged, and the run's own error is the one raised."""
    run.status = status
    run.finished_at = timezone.now()
    if status == BillingRun.Status.FINISHED:
        run.save()
        return
    try:
        run.save()
    except Exception:
        logger.exception("Billing run %s: its failure could not be recorded", run.pk)
