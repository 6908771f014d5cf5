"""The back office's billing runs: every run with its counts and failures, and staff's "run billing again"."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.admin import site
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from billing.models import START_RUN, VIEW_RUNS
from billing.selectors import billing_runs, period_text
from billing.services import billing_run_check
from billing.tasks import RunAlreadyQueued, previous_month, queue_run_again
from clubsite.core.clock import club_today
from clubsite.core.errors import ClubError
from clubsite.pagination import paginate

RUNS_PER_PAGE = 20
QUEUED = "Billing for {period} is queued; it appears here when a worker starts it, with its counts."
ALREADY_QUEUED = "A run for {period} is already queued."


class RunAgainForm(forms.Form):
    period_start = forms.DateField()
    period_end = forms.DateField()


def _require(request: HttpRequest, permission: str) -> None:
    # billing.models holds who may see the runs and who may start one (the admin's list asks the same).
    if not request.user.has_perm(permission):
        raise PermissionDenied


def billing_runs_view(request: HttpRequest) -> HttpResponse:
    """Every run, newest first, a page at a time; the button bills last month (again), for who may start one."""
    _require(request, VIEW_RUNS)
    page = paginate(request, billing_runs(), per_page=RUNS_PER_PAGE)
    start, end = previous_month(club_today())
    runs = list(page.object_list)
    context = {
        **site.each_context(request),
        "title": "Billing runs",
        "page_obj": page,
        "runs": runs,
        "may_start": request.user.has_perm(START_RUN),
        "last_month": {
            "start": start,
            "end": end,
            "label": period_text(start, end),
            # Newest first: a run of last month is on the first page.
            "ran": any(run.period_start == start and run.period_end == end for run in runs),
        },
    }
    return TemplateResponse(request, "backoffice/billing_runs.html", context)


@require_POST
def billing_run_again_view(request: HttpRequest) -> HttpResponse:
    """Queue a run of the posted period (the web request bills nothing itself)."""
    _require(request, START_RUN)
    form = RunAgainForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a period to bill.")
    else:
        start: datetime.date = form.cleaned_data["period_start"]
        end: datetime.date = form.cleaned_data["period_end"]
        try:
            start, end = billing_run_check(period_start=start, period_end=end)
        except ClubError as error:
            messages.error(request, error.message)
        else:
            try:
                queue_run_again(period_start=start, period_end=end, user=request.user)  # type: ignore[arg-type]
            except RunAlreadyQueued:
                messages.warning(request, ALREADY_QUEUED.format(period=period_text(start, end)))
            else:
                messages.success(request, QUEUED.format(period=period_text(start, end)))
    return HttpResponseRedirect(reverse("backoffice:billing-runs"))
