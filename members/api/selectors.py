"""Reads the API shows a member beyond the portal's pages: their past class places and past sessions, their
freezes, and what giving up a place now would cost.

The upcoming ones are the portal's own selectors (``members.portal.selectors``); "past" is everything else of the
member's, so the two lists together hold every registration and session exactly once.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from billing.models import MembershipFreeze
from members.models import Member
from members.portal.selectors import with_waitlist_position
from operations.models import Booking, ClassRegistration, PersonalTrainingSession
from operations.selectors import live_registrations


def member_past_registrations(*, member: Member) -> QuerySet[ClassRegistration]:
    """The member's registrations that are not upcoming (the class started or was cancelled, or the place was
    given up), latest class first; one query."""
    upcoming = Q(
        live_registrations(),
        group_class__booking__status=Booking.Status.SCHEDULED,
        group_class__booking__start_time__gt=timezone.now(),
    )
    return (
        with_waitlist_position(ClassRegistration.objects.filter(member=member).exclude(upcoming))
        .select_related("group_class__booking__room", "group_class__booking__trainer__user", "cover__credit_pack")
        .order_by("-group_class__booking__start_time", "-id")
    )


def member_past_sessions(*, member: Member) -> QuerySet[PersonalTrainingSession]:
    """The member's personal training sessions that are not upcoming (started, or cancelled), latest first."""
    upcoming = Q(booking__status=Booking.Status.SCHEDULED, booking__start_time__gt=timezone.now())
    return (
        PersonalTrainingSession.objects.filter(member=member)
        .exclude(upcoming)
        .select_related("booking__room", "booking__trainer__user")
        .order_by("-booking__start_time", "-id")
    )


def member_freezes(*, member: Member) -> QuerySet[MembershipFreeze]:
    """Every freeze of the member's memberships, latest first; one query."""
    return MembershipFreeze.objects.filter(membership__member=member).order_by("-starts_on", "-id")
