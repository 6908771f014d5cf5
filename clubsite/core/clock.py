"""The club's clock: days, and the moments they start and end, always in the club's own time zone.

A request may activate another zone (the admin does for a staff member abroad); the club's day, its
timetable and its bills are still counted on the club's clock, so every app asks here.
"""

from __future__ import annotations

import calendar
import datetime
import zoneinfo

from django.utils import timezone

from .errors import ClubError, Message


class CalendarError(ClubError):
    """A day at the very edge of the calendar, where its start or the next day cannot be written down."""

    messages = {"date_out_of_calendar": Message("Choose a date within the calendar.")}


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
    try:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), club_zone())
    except OverflowError:  # 1 January of year 1 east of Greenwich has no UTC moment
        raise CalendarError("date_out_of_calendar") from None


def day_bounds(first: datetime.date, last: datetime.date | None = None) -> tuple[datetime.datetime, datetime.datetime]:
    """[start of ``first``, start of the day after ``last``): the half-open span of whole club days.

    The calendar's last day has no day after it: a ``CalendarError`` (a coded refusal, never a crash).
    """
    last = last or first
    if last >= datetime.date.max:
        raise CalendarError("date_out_of_calendar")
    return day_start(first), day_start(last + datetime.timedelta(days=1))


def club_datetime(day: datetime.date, at: datetime.time) -> datetime.datetime:
    """The aware moment when the club's clock shows ``at`` on ``day``."""
    return timezone.make_aware(datetime.datetime.combine(day, at), club_zone())


def month_start(day: datetime.date) -> datetime.date:
    """The first day of the calendar month holding ``day``."""
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    """The last day of the calendar month holding ``day``."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it has no such day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))
