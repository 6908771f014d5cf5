"""Scenes for the trainer portal tests, written straight to the database (no rules applied)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from members.tests.factories import MemberFactory
from operations.models import Booking
from operations.tests.factories import GroupClassFactory, PersonalTrainingSessionFactory, RoomFactory

HOUR = datetime.timedelta(hours=1)


def member_named(first: str, last: str, **fields):
    return MemberFactory(user__first_name=first, user__last_name=last, **fields)


def class_at(*, trainer, start, end=None, room=None, **fields):
    return GroupClassFactory(
        booking__trainer=trainer,
        booking__room=room or RoomFactory(),
        booking__start_time=start,
        booking__end_time=end or start + HOUR,
        **fields,
    )


def session_at(*, trainer, start, end=None, member=None, room=None, status=Booking.Status.SCHEDULED):
    return PersonalTrainingSessionFactory(
        member=member or MemberFactory(),
        booking__trainer=trainer,
        booking__room=room,
        booking__start_time=start,
        booking__end_time=end or start + HOUR,
        booking__status=status,
    )


def ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)
