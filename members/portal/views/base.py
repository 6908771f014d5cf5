"""What the member portal's pages share: refusals show on the form, a cancellation says what it did to the bill."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView

from billing.services import Settlement
from clubsite.core.errors import ClubError
from clubsite.core.forms import add_club_error
from members.templatetags.member_tags import money
from operations.events import Cancelled

from ..mixins import MemberRequiredMixin


class ServiceFormView(MemberRequiredMixin, FormView):
    """A form whose valid data goes to a service; a refusal is shown on the form with what was typed."""

    #: A service's field name -> this form's name for it, where they differ (see ``add_club_error``).
    error_fields: Mapping[str, str] = {}

    def perform(self, form: Any) -> HttpResponse:
        """Call the service and return the response; raise the service's error to refuse."""
        raise NotImplementedError

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return self.perform(form)
        except ClubError as error:
            add_club_error(form, error, fields=self.error_fields)
            return self.form_invalid(form)


SETTLEMENT_NOTES = {
    "credited": " It had already been invoiced, so it is credited on this month's invoice.",
    "removed": " It is off your next invoice.",
    "nothing": "",
}


CREDIT_RETURNED = " Your class credit is given back."
CREDIT_KEPT = " It was late, so the class credit that paid for it is not given back."
FEE_CHARGED = " It was late, so the {fee} late-cancel fee is added to this month's bill."


def settlement_note(outcome: Cancelled[Any]) -> str:
    """What cancelling did to the member's bill and credits, in their words ("" when nothing changed)."""
    settlement = outcome.effect(Settlement)
    if settlement is None:
        return ""
    note = SETTLEMENT_NOTES[settlement.outcome]
    if settlement.credits_returned:
        note += CREDIT_RETURNED
    if settlement.credits_kept:
        note += CREDIT_KEPT
    if settlement.fees_charged:
        note += FEE_CHARGED.format(fee=money(settings.CLUB_CLASS_LATE_CANCEL_FEE))
    return note


class _DryRun(Exception):
    """Raised inside a transaction only to roll back a service that was run to see whether it would refuse."""


def refusal_of(call: Callable[[], object]) -> None:
    """Run ``call`` (a service) and roll back whatever it wrote: its refusal, if any, is raised as it would be.

    A preview asks the service itself rather than repeating its rules; services write only rows and queue jobs in
    their transaction (no mail, no calls out), so rolling back undoes everything.
    """
    try:
        with transaction.atomic():
            call()
            raise _DryRun
    except _DryRun:
        return


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` address the form came from when it is on this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next")
    # Only a path on this site: redirect() would take a bare word ("0") for a URL name and fail.
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


#: For a form whose slot is carried in hidden fields: a refusal about the times is shown above the form.
SLOT_ERRORS_ABOVE = {"start_time": NON_FIELD_ERRORS, "end_time": NON_FIELD_ERRORS}
