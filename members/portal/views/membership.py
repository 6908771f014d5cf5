"""The member's own membership: joining a plan, changing it at the next month, giving notice (and taking it back),
freezing days and ending a freeze early. Every page shows what it will cost before the member confirms."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import dateformat
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from billing.models import Membership, MembershipFreeze, MembershipPlan
from billing.selectors import cancellation_end, cancellation_reason, minimum_term_end
from billing.services import (
    membership_cancel,
    membership_cancel_withdraw,
    membership_change_plan,
    membership_freeze,
    membership_freeze_end,
    membership_join,
)
from clubsite.core.clock import club_today
from clubsite.core.errors import ClubError
from clubsite.core.forms import add_club_error
from members.models import Member
from members.portal.forms import ConfirmForm, FreezeEndForm, FreezeForm
from members.portal.plans import (
    first_invoice,
    first_invoice_words,
    freeze_month_changes,
    month_on_plan,
    next_month_start,
)
from members.portal.selectors import MembershipPage, membership_page
from members.templatetags.member_tags import money

from ..mixins import MemberRequiredMixin
from .base import ServiceFormView, refusal_of

ONE_DAY = datetime.timedelta(days=1)


def day_text(day: datetime.date) -> str:
    return dateformat.format(day, "j F Y")


def _months(count: int) -> str:
    return f"{count} month{'s' if count != 1 else ''}"


class MembershipPageMixin:
    """The membership page's reads, once per request."""

    member: Member

    @cached_property
    def today(self) -> datetime.date:
        return club_today()

    @cached_property
    def page(self) -> MembershipPage:
        return membership_page(member=self.member, today=self.today)


class MembershipView(MembershipPageMixin, MemberRequiredMixin, TemplateView):
    template_name = "members/membership.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = self.page
        if self.page.can_join:
            context["joining"] = [first_invoice(plan, self.today) for plan in self.page.plans]
        return context


class MembershipJoinView(ServiceFormView):
    """Join on a plan: the first invoice's lines are shown before the member confirms."""

    template_name = "members/membership_join.html"
    form_class = ConfirmForm

    @cached_property
    def plan(self) -> MembershipPlan:
        # An inactive plan is shown (a link may be old) and the service refuses it.
        return get_object_or_404(MembershipPlan, pk=self.kwargs["plan"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(plan=self.plan, first_invoice=first_invoice(self.plan, club_today()))
        return context

    def perform(self, form):
        joined = membership_join(member=self.member, plan=self.plan)
        words = first_invoice_words(first_invoice(self.plan, joined.membership.started_on))
        messages.success(self.request, f"Welcome to the {self.plan.name} plan! Here is your first invoice: {words}.")
        return redirect("members:invoice-detail", joined.invoice.pk)


class MembershipChangeView(MembershipPageMixin, ServiceFormView):
    """Move to another plan from the 1st of next month; the current plan again calls a pending change off."""

    template_name = "members/membership_change.html"
    form_class = ConfirmForm

    @cached_property
    def plan(self) -> MembershipPlan:
        return get_object_or_404(MembershipPlan, pk=self.kwargs["plan"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = self.page
        starts_on = next_month_start(self.today)
        following = page.state.next_membership
        context.update(
            page=page,
            plan=self.plan,
            starts_on=starts_on,
            month_charge=month_on_plan(self.plan, starts_on),
            calls_off=page.membership is not None and self.plan.pk == page.membership.plan_id and following,
        )
        return context

    def perform(self, form):
        membership = membership_change_plan(member=self.member, plan=self.plan)
        if membership.started_on <= self.today:
            messages.success(self.request, f"Your plan change is called off: you stay on {self.plan.name}.")
        else:
            messages.success(
                self.request,
                f"From {day_text(membership.started_on)} your plan is {self.plan.name} "
                f"({money(self.plan.monthly_fee)} a month).",
            )
        return redirect("members:membership")


def cancellation_why(membership: Membership, today: datetime.date, ends_on: datetime.date) -> str:
    """Why a cancellation given today ends the membership on ``ends_on`` (``billing.selectors.cancellation_reason``),
    in the member's words."""
    plan = membership.plan
    reason = cancellation_reason(membership=membership, today=today, ends_on=ends_on)
    term_ends = minimum_term_end(membership)
    if reason == "minimum_term" and term_ends is not None:
        return f"Your plan has a minimum term of {_months(plan.minimum_term_months)}, until {day_text(term_ends)}."
    if reason == "notice":
        notice = "1 month’s" if plan.notice_months == 1 else f"{plan.notice_months} months’"
        return f"Your plan asks for {notice} notice."
    return "Your plan has no notice period."


class MembershipCancelView(MembershipPageMixin, ServiceFormView):
    """Give notice; the page shows the last day, and why, before the member confirms."""

    template_name = "members/membership_cancel.html"
    form_class = ConfirmForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        membership = self.page.membership
        context["page"] = self.page
        if membership is not None and membership.cancelled_on is None:
            ends_on = cancellation_end(membership=membership, today=self.today)
            context.update(ends_on=ends_on, reason=cancellation_why(membership, self.today, ends_on))
        return context

    def perform(self, form):
        membership = membership_cancel(member=self.member)
        messages.success(
            self.request,
            f"Your membership is cancelled: its last day is {day_text(membership.ended_on)}. "
            "You can withdraw the cancellation until then.",
        )
        return redirect("members:membership")


class MembershipCancelWithdrawView(MembershipPageMixin, ServiceFormView):
    template_name = "members/membership_cancel_withdraw.html"
    form_class = ConfirmForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(page=self.page, **kwargs)

    def perform(self, form):
        membership = membership_cancel_withdraw(member=self.member)
        messages.success(
            self.request, f"Your cancellation is withdrawn: your {membership.plan.name} membership runs on."
        )
        return redirect("members:membership")


class FreezeView(MembershipPageMixin, ServiceFormView):
    """Freeze days: a first press shows how many days and how each month's charge drops (the service is asked
    whether it would refuse, and nothing is kept); the second press freezes."""

    template_name = "members/membership_freeze.html"
    form_class = FreezeForm
    CONFIRM = "confirm"

    def get_context_data(self, **kwargs):
        return super().get_context_data(page=self.page, **kwargs)

    def _arguments(self, form) -> dict:
        data = form.cleaned_data
        return {
            "member": self.member,
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "reason": data["reason"],
            "by": self.request.user,
        }

    def _preview(self, form) -> dict:
        starts_on, ends_on = form.cleaned_data["starts_on"], form.cleaned_data["ends_on"]
        page = self.page
        following = page.state.next_membership
        frozen = following if following is not None and starts_on >= following.started_on else page.membership
        return {
            "days": (ends_on - starts_on).days + 1,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "changes": freeze_month_changes(frozen, page.freezes, starts_on, ends_on) if frozen else [],
        }

    def form_valid(self, form):
        if self.CONFIRM in self.request.POST:
            return super().form_valid(form)
        try:
            refusal_of(lambda: membership_freeze(**self._arguments(form)))
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form, preview=self._preview(form)))

    def perform(self, form):
        freeze = membership_freeze(**self._arguments(form))
        messages.success(
            self.request,
            f"Your membership is frozen from {day_text(freeze.starts_on)} to {day_text(freeze.ends_on)} "
            f"({freeze.days} days): no charge for those days.",
        )
        return redirect("members:membership")


class FreezeEndView(ServiceFormView):
    """End a freeze early (back on a chosen day, today by default), or call off one that has not started."""

    template_name = "members/membership_freeze_end.html"
    form_class = FreezeEndForm

    @cached_property
    def freeze(self) -> MembershipFreeze:
        own = MembershipFreeze.objects.filter(membership__member=self.member).select_related("membership__plan")
        return get_object_or_404(own, pk=self.kwargs["pk"])

    @cached_property
    def today(self) -> datetime.date:
        return club_today()

    def get_initial(self):
        return {"back_on": max(self.today, self.freeze.starts_on)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            freeze=self.freeze,
            upcoming=self.freeze.starts_on > self.today,
            over=self.freeze.ends_on < self.today,
            **kwargs,
        )

    def perform(self, form):
        freeze = self.freeze
        span = f"{day_text(freeze.starts_on)} – {day_text(freeze.ends_on)}"
        result = membership_freeze_end(freeze=freeze, back_on=form.cleaned_data["back_on"])
        if result is None:
            messages.success(self.request, f"Your freeze of {span} is called off.")
        else:
            back_on = result.ends_on + ONE_DAY
            messages.success(
                self.request,
                f"Your freeze now ends on {day_text(result.ends_on)}: your membership runs again from "
                f"{day_text(back_on)}.",
            )
        return redirect("members:membership")
