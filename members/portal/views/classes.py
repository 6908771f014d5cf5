"""Group classes for a member: the timetable, registering (or joining the waitlist), seats offered from the
waitlist, and cancelling."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from billing.models import ClassCover
from billing.selectors import class_cancellation_cost, credits_left
from clubsite.core.clock import club_today
from clubsite.core.errors import ClubError
from clubsite.pagination import paginate
from members.models import Member
from members.portal.filters import TimetableFilter
from members.portal.forms import ConfirmForm, LateCancelForm, WeekForm
from members.portal.selectors import (
    TIMETABLE_DAYS,
    WEEK_DAYS,
    class_with_seats,
    day_strip,
    member_class_registration,
    member_class_registrations,
    week_classes,
    week_start,
)
from members.templatetags.member_tags import money
from operations.models import Booking, ClassRegistration, GroupClass
from operations.selectors import (
    cancellation_is_late,
    class_booking_open,
    class_booking_opens_at,
    class_cutoff_hours,
    class_timetable,
    timetable_rows,
    waitlist_position,
)
from operations.services import (
    class_offer_accept,
    class_offer_decline,
    class_register,
    class_registration_cancel,
    describe_booking,
)

from ..mixins import MemberRequiredMixin
from .base import ServiceFormView, safe_next, settlement_note


def opens_at(group_class: GroupClass) -> datetime.datetime | None:
    """When the class opens for booking, while it is not open yet (None once it is)."""
    start = group_class.booking.start_time
    return None if class_booking_open(start) else class_booking_opens_at(start)


def paid_by(registration: ClassRegistration, group_class: GroupClass) -> str:
    """How a seat held is paid for ("Included in your plan."), from its cover; "" for a place without a seat."""
    if registration.status != ClassRegistration.Status.REGISTERED:
        return ""
    try:
        cover = registration.cover
    except ObjectDoesNotExist:  # a seat taken before seats were paid for (none since billing records covers)
        return ""
    if cover.kind == ClassCover.Kind.PLAN:
        return "Included in your plan."
    if cover.kind == ClassCover.Kind.CREDIT:
        return "Paid with a class credit."
    if group_class.price > 0:
        return f"Drop-in: {money(group_class.price)} on your next bill."
    return ""


def cover_note(registration: ClassRegistration, group_class: GroupClass, member: Member) -> str:
    """How the seat just taken is paid for, as the member reads it after registering."""
    note = paid_by(registration, group_class)
    if note == "Paid with a class credit.":
        return f" Paid with a class credit: {credits_left(member=member, day=club_today())} left."
    return f" {note}" if note else ""


def late_warning(registration: ClassRegistration) -> str:
    """What giving the place up now costs, when it is inside the cut-off (said before the member confirms); ""
    when cancelling now costs nothing more. Read the registration with its class's booking and cover."""
    cost = class_cancellation_cost(registration=registration)
    if not cost.late:
        return ""
    late = f"Cancelling now is late (less than {class_cutoff_hours()} hours before the class)"
    if cost.credit == "kept":
        return f"{late}: your class credit will not be given back."
    if cost.fee is not None:
        return f"{late}: the {money(cost.fee)} late-cancel fee applies."
    return f"{late}."


def mark_late(classes: list[GroupClass]) -> None:
    """Set ``late`` on each class's own seat: cancelling it takes the confirmation that says what it costs, every
    other place is given up in one tap. No query (the rule reads the class's start)."""
    for group_class in classes:
        mine = getattr(group_class, "my_registration", None)
        if mine is not None:
            mine.group_class = group_class
            mine.late = cancellation_is_late(mine)


class TimetableView(MemberRequiredMixin, TemplateView):
    template_name = "members/class_timetable.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        classes = class_timetable(start=now, end=now + datetime.timedelta(days=TIMETABLE_DAYS))
        filterset = TimetableFilter(self.request.GET or None, queryset=classes)
        # Paged over the matching ids (one short query; their number is the count), then the page's classes
        # are read by id: planned over a few hundred ids of classes, the full query walked every booking
        # of the chain to sort them, 18 ms against 2 ms for the twenty on a page.
        page = paginate(self.request, list(filterset.qs.values_list("pk", flat=True)))
        page.object_list = list(timetable_rows(GroupClass.objects.filter(pk__in=page.object_list)))
        mine = member_class_registrations(member=self.member, class_ids=[group_class.pk for group_class in page])
        for group_class in page:
            group_class.my_registration = mine.get(group_class.pk)
            group_class.opens_at = opens_at(group_class)
        mark_late(page.object_list)
        today = club_today()
        context.update(
            filter=filterset,
            page_obj=page,
            timetable_days=TIMETABLE_DAYS,
            here=self.request.get_full_path(),
            day_strip=day_strip(today),
            chosen_day=filterset.form.cleaned_data.get("date") if filterset.is_bound and filterset.is_valid() else None,
            today=today,
        )
        return context


class WeekView(MemberRequiredMixin, TemplateView):
    """Seven days of classes, day by day (side by side on a wide screen, one under the other on a phone)."""

    template_name = "members/class_week.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = WeekForm(self.request.GET)
        first_day = week_start(form.cleaned_data.get("start") if form.is_valid() else None)
        days = week_classes(member=self.member, first_day=first_day)
        for _day, classes in days:
            for group_class in classes:
                group_class.opens_at = opens_at(group_class)
            mark_late(classes)
        today = club_today()
        previous = first_day - datetime.timedelta(days=WEEK_DAYS)
        following = first_day + datetime.timedelta(days=WEEK_DAYS)
        context.update(
            days=days,
            first_day=first_day,
            last_day=first_day + datetime.timedelta(days=WEEK_DAYS - 1),
            previous_week=previous if first_day > today else None,
            next_week=following if week_start(following) == following else None,
            today=today,
            here=self.request.get_full_path(),
        )
        return context


class ClassRegisterView(ServiceFormView):
    """The class page (what, who, where, seats left, the member's place and how it is paid) whose one button
    registers, joins the waitlist or gives the place up; the timetable and the week view post here in one tap."""

    template_name = "members/class_detail.html"
    form_class = ConfirmForm

    @cached_property
    def group_class(self) -> GroupClass:
        group_class = class_with_seats(class_id=self.kwargs["pk"])
        if group_class is None:
            raise Http404("No such class.")
        return group_class

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group_class = self.group_class
        registration = member_class_registration(member=self.member, group_class=group_class)
        context.update(
            group_class=group_class,
            registration=registration,
            paid_by=paid_by(registration, group_class) if registration else "",
            late_warning=late_warning(registration) if registration else "",
            here=self.request.get_full_path(),
            started=group_class.booking.start_time <= timezone.now(),
            over=group_class.booking.end_time <= timezone.now(),
            opens_at=opens_at(group_class),
            cancelled=group_class.booking.status == Booking.Status.CANCELLED,
            next=safe_next(self.request, reverse("members:timetable")),
        )
        return context

    def perform(self, form):
        registration = class_register(member=self.member, group_class=self.group_class)
        what = describe_booking(self.group_class.booking)
        if registration.status == ClassRegistration.Status.WAITLISTED:
            position = waitlist_position(registration=registration)
            messages.info(
                self.request,
                f"{what} is full: you are number {position} on the waitlist. We will email you if a place frees up.",
            )
        else:
            messages.success(
                self.request, f"You have a place in {what}.{cover_note(registration, self.group_class, self.member)}"
            )
        return redirect(safe_next(self.request, reverse("members:timetable")))


class ClassDetailView(ClassRegisterView):
    """The class page at its own address; its button posts to ``class-register``."""

    http_method_names = ["get", "head", "options"]


class RegistrationCancelView(ServiceFormView):
    """Give up a place in one tap (a POST from the timetable, the week view or the class page). A late cancel,
    which costs a fee or the credit, is not done in one tap: the page says what it costs, and its own button
    (with ``late_confirmed``) cancels."""

    template_name = "members/registration_cancel.html"
    form_class = LateCancelForm

    @cached_property
    def registration(self) -> ClassRegistration:
        own = ClassRegistration.objects.filter(member=self.member).select_related(
            "group_class__booking__room", "group_class__booking__trainer__user", "cover"
        )
        return get_object_or_404(own, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            registration=self.registration,
            group_class=self.registration.group_class,
            late_warning=late_warning(self.registration),
            next=safe_next(self.request, reverse("members:dashboard")),
        )
        return context

    def perform(self, form):
        registration = self.registration
        started = registration.group_class.booking.start_time <= timezone.now()
        if not started and not form.cleaned_data["late_confirmed"] and late_warning(registration):
            # A one-tap cancel that turned out late (inside the cut-off, or it became so since the page was
            # shown): nothing is cancelled until the member has read what it costs.
            return self.render_to_response(self.get_context_data(form=LateCancelForm()))
        was = registration.status
        outcome = class_registration_cancel(registration=registration)
        what = describe_booking(registration.group_class.booking)
        if was == ClassRegistration.Status.WAITLISTED:
            messages.success(self.request, f"You have left the waitlist of {what}.")
        elif was == ClassRegistration.Status.OFFERED:
            messages.success(self.request, f"You turned down the seat offered in {what}.")
        else:
            messages.success(self.request, f"Your place in {what} has been cancelled.{settlement_note(outcome)}")
        return redirect(safe_next(self.request, reverse("members:dashboard")))


class OfferResponseView(MemberRequiredMixin, View):
    """Accept or decline a seat offered from the waitlist (buttons on the dashboard and the timetable)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        own = ClassRegistration.objects.filter(member=self.member).select_related("group_class__booking")
        registration = get_object_or_404(own, pk=pk)
        what = describe_booking(registration.group_class.booking)
        try:
            self.respond(registration, what)
        except ClubError as error:
            messages.error(request, error.message)
        return redirect(safe_next(request, reverse("members:dashboard")))

    def respond(self, registration: ClassRegistration, what: str) -> None:
        raise NotImplementedError


class OfferAcceptView(OfferResponseView):
    def respond(self, registration, what):
        accepted = class_offer_accept(registration=registration)
        messages.success(
            self.request, f"The seat in {what} is yours.{cover_note(accepted, registration.group_class, self.member)}"
        )


class OfferDeclineView(OfferResponseView):
    def respond(self, registration, what):
        class_offer_decline(registration=registration)
        messages.success(self.request, f"You turned down the seat in {what}; it goes to the next person waiting.")
