"""The calendar door: the feed a calendar app reads, a new feed address, and one event to add to a calendar."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from icalendar import Event

from clubsite.accounts.roles import is_member, is_trainer
from clubsite.portal import PortalRequiredMixin
from members.portal.mixins import MemberRequiredMixin
from trainers.portal.mixins import TrainerRequiredMixin

from . import ical, selectors
from .links import feed_links
from .services import calendar_feed_for, calendar_feed_rotate

ROTATED = "You have a new calendar link. The old one has stopped working: subscribe again with the new link."
NOT_FOR_YOU = "Calendar links are for the club's members and trainers."


def _no_store(response: HttpResponse) -> HttpResponse:
    # The feed's secret is in its address and the file lists the person's whereabouts: no shared cache may
    # keep it, nor a search engine list it.
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's classes and sessions; no sign-in (the token is the key), an unknown or old token is 404."""
    found = selectors.feed_by_token(token=token)
    if found is None:
        raise Http404("No such calendar.")
    user = found.user
    content = selectors.feed_content(
        member=user.member if is_member(user) else None,
        trainer=user.trainer if is_trainer(user) else None,  # an inactive trainer's classes are not theirs now
    )
    return _no_store(HttpResponse(ical.feed_calendar(content), content_type=ical.CONTENT_TYPE))


def _member_or_trainer(user: Any) -> bool:
    return is_member(user) or is_trainer(user)


class RotateView(PortalRequiredMixin, View):
    """A new feed address for the signed-in member or trainer; back to the page the button was on."""

    portal_role = _member_or_trainer
    permission_denied_message = NOT_FOR_YOU
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        calendar_feed_rotate(user=request.user)  # type: ignore[arg-type]
        messages.success(request, ROTATED)
        target = request.POST.get("next", "")
        # Only a path on this site: the button sends where it was shown.
        if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
        return redirect("members:profile" if is_member(request.user) else "calendars:trainer")


class TrainerCalendarView(TrainerRequiredMixin, TemplateView):
    """The trainer's feed address (trainers have no profile page): subscribe, copy, or make a new one."""

    template_name = "calendars/trainer_calendar.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["calendar"] = feed_links(self.request, calendar_feed_for(user=self.request.user))  # type: ignore[arg-type]
        context["next"] = reverse("calendars:trainer")
        return context


class EventDownloadView(View):
    """One event as an .ics attachment; only the signed-in person's own (anyone else's id is a 404)."""

    http_method_names = ["get", "head", "options"]

    def event(self, pk: int) -> Event | None:
        raise NotImplementedError

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        event = self.event(pk)
        if event is None:
            raise Http404("No such class or session of yours.")
        response = HttpResponse(ical.single_event_calendar(event), content_type=ical.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{ical.event_filename(event)}"'
        return _no_store(response)


class MemberRegistrationEventView(MemberRequiredMixin, EventDownloadView):
    def event(self, pk: int) -> Event | None:
        registration = selectors.member_registrations(member=self.member).filter(pk=pk).first()
        return None if registration is None else ical.registration_event(registration, stamp=timezone.now())


class MemberSessionEventView(MemberRequiredMixin, EventDownloadView):
    def event(self, pk: int) -> Event | None:
        session = selectors.member_sessions(member=self.member).filter(pk=pk).first()
        return None if session is None else ical.member_session_event(session, stamp=timezone.now())


class TrainerClassEventView(TrainerRequiredMixin, EventDownloadView):
    """By the class's id, as the trainer's class page is addressed."""

    def event(self, pk: int) -> Event | None:
        booking = selectors.trainer_bookings(trainer=self.trainer).filter(group_class__pk=pk).first()
        return None if booking is None else ical.trainer_booking_event(booking, stamp=timezone.now())


class TrainerSessionEventView(TrainerRequiredMixin, EventDownloadView):
    """By the session's id, as the trainer's session page is addressed."""

    def event(self, pk: int) -> Event | None:
        booking = selectors.trainer_bookings(trainer=self.trainer).filter(pt_session__pk=pk).first()
        return None if booking is None else ical.trainer_booking_event(booking, stamp=timezone.now())
