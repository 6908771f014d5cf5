"""The trainer's schedule: a week as the portal's calendar shows it, or a span of days."""

import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router

from clubsite.api.access import trainer_of
from clubsite.api.errors import RequestError
from clubsite.api.schemas import PROBLEMS
from clubsite.core.clock import club_today, day_bounds
from clubsite.core.dates import ClubDate
from trainers.portal import selectors
from trainers.portal.views import FURTHEST_WEEK

from .schemas import TrainerScheduleOut

router = Router(tags=["trainer"])
#: The longest span one call returns: a month and a day, so any calendar month fits.
MAX_SCHEDULE_DAYS = 31


def _near(field: str, day: datetime.date) -> datetime.date:
    # As the portal's week view: dates further than FURTHEST_WEEK from today are not worth a calendar.
    if abs(day - club_today()) > FURTHEST_WEEK:
        raise RequestError("date_too_far", field=field, days=FURTHEST_WEEK.days)
    return day


@router.get(
    "/schedule",
    response={200: TrainerScheduleOut, **PROBLEMS},
    operation_id="trainer_schedule",
    url_name="trainer_schedule",
    summary="Your classes and sessions for a week or a span of days",
)
def trainer_schedule(
    request: HttpRequest,
    week: Annotated[
        ClubDate | None, Query(description="Any day of the week wanted (it starts on Monday).")
    ] = None,
    start: Annotated[ClubDate | None, Query(description="First club day of a span (with end).")] = None,
    end: Annotated[
        ClubDate | None, Query(description=f"Last club day, at most {MAX_SCHEDULE_DAYS} days on.")
    ] = None,
) -> TrainerScheduleOut:
    """``?week=YYYY-MM-DD`` gives that week's entries as the week view shows them (cancelled ones too, so you
    see what fell through); ``?start=&end=`` the entries of those days (both included). Neither: this week.

    Each entry names its class (with seats) or PT session (with the member's name), room and status."""
    trainer = trainer_of(request)
    if week is not None and (start is not None or end is not None):
        raise RequestError("week_or_range")
    if start is None and end is None:
        days = selectors.trainer_week(trainer=trainer, week_start=_near("week", week or club_today())).days
        entries = [entry for day in days for entry in day.entries]
        return TrainerScheduleOut(start=days[0].date, end=days[-1].date, entries=entries)  # type: ignore[arg-type]
    if start is None or end is None:
        raise RequestError("range_incomplete", field="start" if start is None else "end")
    _near("start", start)
    _near("end", end)
    if end < start:
        raise RequestError("range_reversed", field="end")
    if (end - start).days + 1 > MAX_SCHEDULE_DAYS:
        raise RequestError("range_too_long", field="end", days=MAX_SCHEDULE_DAYS)
    since, until = day_bounds(start, end)
    bookings = selectors.trainer_bookings(trainer=trainer).filter(start_time__lt=until, end_time__gt=since)
    return TrainerScheduleOut(start=start, end=end, entries=selectors.schedule_entries(bookings))  # type: ignore[arg-type]
