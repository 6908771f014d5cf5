"""What every member portal page shares: only members get in, and refusals show on the form."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView

from billing.services import BillingError, Settlement
from clubsite.accounts.roles import is_member
from members.forms import show_error
from members.models import Member
from members.services import MemberError
from operations.services import SchedulingError

PAGE_SIZE = 20
NOT_A_MEMBER = "The member pages are for the club's members."


class MemberRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Anonymous visitors are sent to sign in; a signed-in person without a member profile gets 403."""

    permission_denied_message = NOT_A_MEMBER  # templates/403.html shows it, with a way back

    def test_func(self) -> bool:
        return is_member(self.request.user)

    @cached_property
    def member(self) -> Member:
        return self.request.user.member

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["member"] = self.member
        return context


class ServiceFormView(MemberRequiredMixin, FormView):
    """A form whose valid data goes to a service; a refusal is shown on the form with what was typed."""

    error_fields: dict[str, str] = {}

    def perform(self, form):
        """Call the service and return the response; raise the service's error to refuse."""
        raise NotImplementedError

    def form_valid(self, form):
        try:
            return self.perform(form)
        except (MemberError, SchedulingError, BillingError) as error:
            show_error(form, error, self.error_fields)
            return self.form_invalid(form)


def settlement_note(settlement: Settlement) -> str:
    """What cancelling did to the member's bill, in their words ("" when nothing had been billed)."""
    if settlement.credited:
        return " It had already been invoiced, so it is credited on this month's invoice."
    if settlement.removed:
        return " It is off your next invoice."
    return ""


def paginate(request, items, *, per_page: int = PAGE_SIZE) -> Page:
    """The page asked for in ?page=; a missing, unreadable or too-large number gives the first or last page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def safe_next(request, default: str) -> str:
    """The ``next`` address the form came from when it is on this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next")
    # Only a path on this site: redirect() would take a bare word ("0") for a URL name and fail.
    if target and target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
