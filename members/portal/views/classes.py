"""Group classes for a member: the timetable, registering (or joining the waitlist) and cancelling."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from clubsite.pagination import paginate
from members.portal.filters import TimetableFilter
from members.portal.forms import ConfirmForm
from members.portal.selectors import TIMETABLE_DAYS, class_with_seats, member_class_registrations
from operations.models import Booking, ClassRegistration, GroupClass
from operations.selectors import class_timetable, timetable_rows, waitlist_position
from operations.services import class_register, class_registration_cancel, describe_booking

from ..mixins import MemberRequiredMixin
from .base import ServiceFormView, safe_next, settlement_note


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
        context.update(
            filter=filterset,
            page_obj=page,
            timetable_days=TIMETABLE_DAYS,
            here=self.request.get_full_path(),
        )
        return context


class ClassRegisterView(ServiceFormView):
    template_name = "members/class_register.html"
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
        context.update(
            group_class=group_class,
            registration=member_class_registrations(member=self.member, class_ids=[group_class.pk]).get(group_class.pk),
            started=group_class.booking.start_time <= timezone.now(),
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
            messages.success(self.request, f"You have a place in {what}.")
        return redirect(safe_next(self.request, reverse("members:timetable")))


class RegistrationCancelView(ServiceFormView):
    template_name = "members/registration_cancel.html"
    form_class = ConfirmForm

    @cached_property
    def registration(self) -> ClassRegistration:
        own = ClassRegistration.objects.filter(member=self.member).select_related(
            "group_class__booking__room", "group_class__booking__trainer__user"
        )
        return get_object_or_404(own, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            registration=self.registration,
            group_class=self.registration.group_class,
            next=safe_next(self.request, reverse("members:dashboard")),
        )
        return context

    def perform(self, form):
        registration = self.registration
        was_waitlisted = registration.status == ClassRegistration.Status.WAITLISTED
        outcome = class_registration_cancel(registration=registration)
        what = describe_booking(registration.group_class.booking)
        if was_waitlisted:
            messages.success(self.request, f"You have left the waitlist of {what}.")
        else:
            messages.success(self.request, f"Your place in {what} has been cancelled.{settlement_note(outcome)}")
        return redirect(safe_next(self.request, reverse("members:dashboard")))
