"""Staff's billing runs over the API: every run with its counts and failures, and "run billing again" (a job:
the request bills nothing itself), as the back office's *Billing runs* page offers them."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from billing.errors import BillingError
from billing.models import START_RUN, VIEW_RUNS, BillingRun
from billing.selectors import billing_runs, period_text
from billing.services import billing_run_check
from billing.tasks import RunAlreadyQueued, queue_run_again
from clubsite.api.access import require_staff
from clubsite.api.pagination import Converted
from clubsite.api.schemas import PROBLEMS

router = Router(tags=["staff: billing"])


class BillingRunFailureOut(Schema):
    member_id: int
    member: str
    code: str
    message: str


class BillingRunOut(Schema):
    id: int
    period_start: datetime.date
    period_end: datetime.date
    trigger: BillingRun.Trigger
    started_by: int | None = Field(description="The staff user who started it; none for the schedule.")
    status: BillingRun.Status
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    members_billed: int
    invoices_created: int
    invoices_issued: int
    failures: int
    failure_details: list[BillingRunFailureOut]


class BillingRunIn(Schema):
    period_start: datetime.date
    period_end: datetime.date


class BillingRunQueuedOut(Schema):
    period_start: datetime.date
    period_end: datetime.date
    detail: str


def _run_out(run: BillingRun) -> BillingRunOut:
    return BillingRunOut(
        id=run.pk,
        period_start=run.period_start,
        period_end=run.period_end,
        trigger=BillingRun.Trigger(run.trigger),
        started_by=run.started_by_id,
        status=BillingRun.Status(run.status),
        started_at=run.started_at,
        finished_at=run.finished_at,
        members_billed=run.members_billed,
        invoices_created=run.invoices_created,
        invoices_issued=run.invoices_issued,
        failures=run.failures,
        failure_details=[BillingRunFailureOut(**detail) for detail in run.failure_details],
    )


@router.get(
    "/runs",
    response={200: list[BillingRunOut], **PROBLEMS},
    operation_id="staff_billing_run_list",
    url_name="staff_billing_run_list",
    summary="Billing runs, newest first",
)
@paginate(LimitOffsetPagination)
def run_list(request: HttpRequest):
    """Each run of the monthly billing (scheduled or started by staff) with its counts and the members it could
    not bill. Needs ``billing.view_billingrun``."""
    require_staff(request, VIEW_RUNS)
    return Converted(billing_runs(), _run_out)


@router.post(
    "/runs",
    response={202: BillingRunQueuedOut, **PROBLEMS},
    operation_id="staff_billing_run_start",
    url_name="staff_billing_run_start",
    summary="Run the billing of a period again",
)
def run_start(request: HttpRequest, payload: BillingRunIn) -> Status[BillingRunQueuedOut]:
    """Queued for a worker; the run appears in the list when it starts. Refused for a period not over yet
    (``run_period_not_over``) or one already queued (``run_already_queued``). Needs ``billing.add_invoice``."""
    staff = require_staff(request, START_RUN)
    start, end = billing_run_check(period_start=payload.period_start, period_end=payload.period_end)
    try:
        queue_run_again(period_start=start, period_end=end, user=staff)
    except RunAlreadyQueued:
        raise BillingError("run_already_queued", period=period_text(start, end)) from None
    detail = f"Billing for {period_text(start, end)} is queued."
    return Status(202, BillingRunQueuedOut(period_start=start, period_end=end, detail=detail))
