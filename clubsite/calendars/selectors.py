"""Reads of calendar feeds: whose feed an address is, and the classes and sessions a feed lists.

A member's feed lists their class places (cancelled ones too, and places in classes the club cancelled, so
a subscribed calendar sees them go) and their personal training sessions; a trainer's lists the classes they
teach and their sessions. Both from ``FEED_DAYS_BACK`` days ago onward, in one query per kind whatever the
number of events. The single-event downloads read the same querysets, so an event is the same in both.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from members.models import Member
from operations.models import Booking, ClassRegistration, PersonalTrainingSession
from operations.selectors import waitlist_place
from trainers.models import Trainer

from .models import CalendarFeed

#: How far back a feed reaches: last month stays in the calendar, older history is left to the portal.
FEED_DAYS_BACK = 30


def feed_by_token(*, token: str) -> CalendarFeed | None:
    """The feed of this address with its owner and the owner's member and trainer profiles; one query.

    None for an unknown (or rotated) token and for an account that can no longer sign in.
    """
    return (
        CalendarFeed.objects.select_related("user__member", "user__trainer")
        .filter(token=token, user__is_active=True)
        .first()
    )


def feed_since() -> datetime.datetime:
    """Events ending before this moment are left out of the feeds."""
    return timezone.now() - datetime.timedelta(days=FEED_DAYS_BACK)


# -- a member's places and sessions -----------------------------------------------------------


def member_registrations(*, member: Member) -> QuerySet[ClassRegistration]:
    """Every class place of the member (any status), with class, room and trainer, and ``waitlist_position``
    (None unless waitlisted); one query for any number."""
    return (
        ClassRegistration.objects.filter(member=member)
        .select_related("group_class__booking__room", "group_class__booking__trainer__user")
        .annotate(waitlist_position=waitlist_place())
        .order_by("group_class__booking__start_time", "id")
    )


def member_sessions(*, member: Member) -> QuerySet[PersonalTrainingSession]:
    """Every personal training session of the member (any status), with room and trainer; one query."""
    return (
        PersonalTrainingSession.objects.filter(member=member)
        .select_related("booking__room", "booking__trainer__user")
        .order_by("booking__start_time", "id")
    )


# -- a trainer's classes and sessions -----------------------------------------------------------


def trainer_bookings(*, trainer: Trainer) -> QuerySet[Booking]:
    """The trainer's classes and PT sessions (any status), with room, class, session and member; one query.

    Events and closures the trainer is booked for are not theirs to attend as teacher, so they stay out.
    """
    return (
        Booking.objects.filter(
            trainer=trainer, kind__in=[Booking.Kind.GROUP_CLASS, Booking.Kind.PERSONAL_TRAINING]
        )
        .select_related("room", "group_class", "pt_session__member__user")
        .order_by("start_time", "id")
    )


# -- a whole feed --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedContent:
    """What one person's feed lists: as a member, then as a trainer (a trainer may be a member too)."""

    registrations: list[ClassRegistration] = field(default_factory=list)
    sessions: list[PersonalTrainingSession] = field(default_factory=list)
    trainer_bookings: list[Booking] = field(default_factory=list)


def feed_content(*, member: Member | None, trainer: Trainer | None) -> FeedContent:
    """The events of a member's and/or a trainer's feed from ``feed_since()`` on: one query for each of the
    member's places, the member's sessions and the trainer's bookings, whatever their number."""
    since = feed_since()
    registrations: list[ClassRegistration] = []
    sessions: list[PersonalTrainingSession] = []
    bookings: list[Booking] = []
    if member is not None:
        registrations = list(member_registrations(member=member).filter(group_class__booking__end_time__gte=since))
        sessions = list(member_sessions(member=member).filter(booking__end_time__gte=since))
    if trainer is not None:
        bookings = list(trainer_bookings(trainer=trainer).filter(end_time__gte=since))
    return FeedContent(registrations=registrations, sessions=sessions, trainer_bookings=bookings)
