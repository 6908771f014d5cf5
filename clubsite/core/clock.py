"""The club's clock: days, and the moments they start and end, always in the club's own time zone.

A request may activate another zone (the admin does for a staff member abroad); the club's day, its
timetable and its bills are still counted on the club's clock, so every app asks here.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone


def club_zone() -> zoneinfo.ZoneInfo:
    """The club's time zone (settings.TIME_ZONE)."""
    zone = timezone.get_default_timezone()
    assert isinstance(zone, zoneinfo.ZoneInfo)
    return zone


def club_time(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` as the club's clock shows it."""
    return timezone.localtime(moment, club_zone())


def club_today() -> datetime.date:
    """Today's date on the club's clock."""
    return timezone.localdate(timezone.now(), club_zone())


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` on the club's clock (aware)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), club_zone())


def day_bounds(first: datetime.date, last: datetime.date | None = None) -> tuple[datetime.datetime, datetime.datetime]:
    """[start of ``first``, start of the day after ``last``): the half-open span of whole club days."""
    return day_start(first), day_start((last or first) + datetime.timedelta(days=1))


def club_datetime(day: datetime.date, at: datetime.time) -> datetime.datetime:
    """The aware moment when the club's clock shows ``at`` on ``day``."""
    return timezone.make_aware(datetime.datetime.combine(day, at), club_zone())
