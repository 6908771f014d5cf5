"""How the club names its days, spans and bookings to people: in messages, mail, the admin and the portals.

The one place that says what a booking is called ('Spin', 'Personal training with Ann Lee', 'Closed for
painting') and when it is ('Tue 24 Nov 10:00–11:00'), always on the club's clock.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import dateformat

from clubsite.core.clock import club_time

from .models import Booking, GroupClass, MaintenanceRecord, PersonalTrainingSession


def describe_day(value: datetime.datetime) -> str:
    """'Tue 24 Nov' in the club's time zone."""
    return dateformat.format(club_time(value), "D j M")


def describe_moment(value: datetime.datetime) -> str:
    """'Wed 18 Nov 2026 07:00' in the club's time zone: a moment named on its own, as a title or a choice."""
    return dateformat.format(club_time(value), "D j M Y H:i")


def describe_span(start: datetime.datetime, end: datetime.datetime) -> str:
    """'Tue 24 Nov 09:00–12:00' in the club's time zone (the end's day is named when it differs)."""
    local_start, local_end = club_time(start), club_time(end)
    end_format = "H:i" if local_start.date() == local_end.date() else "D j M H:i"
    return f"{dateformat.format(local_start, 'D j M H:i')}–{dateformat.format(local_end, end_format)}"


def related_or_none(obj: models.Model, name: str) -> models.Model | None:
    """A reverse one-to-one (a booking's ``group_class`` or ``pt_session``), or None when there is none.

    Loaded by ``select_related`` it is cached, possibly as "none": no query either way.
    """
    try:
        related: models.Model = getattr(obj, name)
    except ObjectDoesNotExist:
        return None
    return related


def booking_label(booking: Booking, *, with_member: bool = False) -> str:
    """What a booking is for: the class's name, 'Personal training', or the event's title.

    Other members' names stay out unless ``with_member`` (staff, or a trainer reading their own schedule):
    then a session reads 'Personal training with Ann Lee'. Load ``group_class`` and ``pt_session__member__user``
    with the booking to spend no query.
    """
    if booking.kind == Booking.Kind.GROUP_CLASS:
        group_class = related_or_none(booking, "group_class")
        if isinstance(group_class, GroupClass):
            return group_class.name
    elif booking.kind == Booking.Kind.PERSONAL_TRAINING:
        session = related_or_none(booking, "pt_session") if with_member else None
        if isinstance(session, PersonalTrainingSession):
            return f"Personal training with {session.member}"
        return "Personal training"
    return booking.title or str(booking.get_kind_display())


def describe_booking(booking: Booking, *, with_member: bool = False) -> str:
    """What a booking is and when, e.g. 'Spin Tue 24 Nov 10:00–11:00' (``booking_label`` and ``describe_span``)."""
    return f"{booking_label(booking, with_member=with_member)} {describe_span(booking.start_time, booking.end_time)}"


def booking_title(booking: Booking) -> str:
    """What a booking is called on its own ('Spin, Wed 18 Nov 2026 07:00'): its ``str`` on every page."""
    return f"{booking_label(booking)}, {describe_moment(booking.start_time)}"


#: The longest first sentence of an issue that names a maintenance record; a longer one is not cut mid-phrase.
ISSUE_TITLE_LENGTH = 60


def maintenance_title(record: MaintenanceRecord) -> str:
    """What a maintenance record is called ('Treadmill (EQ-1): Belt slips.'): the issue's first sentence when it
    is short, else when it was reported, so that a message never quotes half a phrase."""
    first = re.split(r"(?<=[.!?])\s|\n", record.issue_description.strip(), maxsplit=1)[0].strip()
    if first and len(first) <= ISSUE_TITLE_LENGTH:
        return f"{record.equipment}: {first}"
    return f"{record.equipment}: issue reported {describe_moment(record.reported_at)}"
