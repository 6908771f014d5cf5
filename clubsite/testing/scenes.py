"""Scenes for the trainer portal tests, written straight to the database (no rules applied)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from members.models import Member
from members.tests.factories import MemberFactory
from operations.models import Booking, GroupClass, PersonalTrainingSession, Room
from operations.tests.factories import GroupClassFactory, PersonalTrainingSessionFactory, RoomFactory
from trainers.models import Trainer

HOUR = datetime.timedelta(hours=1)


def member_named(first: str, last: str, **fields: Any) -> Member:
    member: Member = MemberFactory.create(user__first_name=first, user__last_name=last, **fields)
    return member


def class_at(
    *,
    trainer: Trainer,
    start: datetime.datetime,
    end: datetime.datetime | None = None,
    room: Room | None = None,
    **fields: Any,
) -> GroupClass:
    group_class: GroupClass = GroupClassFactory.create(
        booking__trainer=trainer,
        booking__room=room or RoomFactory.create(),
        booking__start_time=start,
        booking__end_time=end or start + HOUR,
        **fields,
    )
    return group_class


def session_at(
    *,
    trainer: Trainer,
    start: datetime.datetime,
    end: datetime.datetime | None = None,
    member: Member | None = None,
    room: Room | None = None,
    status: str = Booking.Status.SCHEDULED,
) -> PersonalTrainingSession:
    session: PersonalTrainingSession = PersonalTrainingSessionFactory.create(
        member=member or MemberFactory.create(),
        booking__trainer=trainer,
        booking__room=room,
        booking__start_time=start,
        booking__end_time=end or start + HOUR,
        booking__status=status,
    )
    return session


def ago(**delta: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)
