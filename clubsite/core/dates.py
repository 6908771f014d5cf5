"""The dates the club deals in, and the one way every door reads a date someone typed or put in an address.

Python's calendar runs from year 1 to 9999, but a day at either end has no day before or after it (a week view,
a "next day" link, a year's span all step past it) and year 1 east of Greenwich has no moment in UTC: every such
edge was a 500 somewhere. No member, class or bill of the club lies outside 1900-2999, so a date outside is
refused where it was typed (a form field error, an admin message, a problem document) before anything
computes with it.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date, parse_datetime
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

FIRST_CLUB_DAY = datetime.date(1900, 1, 1)
LAST_CLUB_DAY = datetime.date(2999, 12, 31)

OUT_OF_RANGE = f"Choose a date between {FIRST_CLUB_DAY:%-d %B %Y} and {LAST_CLUB_DAY:%-d %B %Y}."
NOT_A_DATE = "Enter a date as year-month-day, for example 2026-11-24."
NOT_A_YEAR = "Enter a year as a number, for example 2026."


def within_club_dates(day: datetime.date) -> bool:
    return FIRST_CLUB_DAY <= day <= LAST_CLUB_DAY


def _checked_api_date(day: datetime.date) -> datetime.date:
    # The problem document's entry for the field carries this code and sentence.
    if not within_club_dates(day):
        raise PydanticCustomError("date_out_of_range", OUT_OF_RANGE)
    return day


def parse_club_date(text: str) -> datetime.date:
    """A date written year-month-day (what the site's links and date pickers send), within the club's dates.

    Raises ValidationError with the sentence to show: not a date at all, or a date outside the club's years.
    """
    try:
        day = parse_date(text.strip())
    except ValueError:  # well formed but impossible: 2026-02-30
        day = None
    if day is None:
        raise ValidationError(NOT_A_DATE, code="invalid")
    if not within_club_dates(day):
        raise ValidationError(OUT_OF_RANGE, code="date_out_of_range")
    return day


def parse_club_moment(text: str) -> datetime.date:
    """The day of a date or date and time in an address ("2026-11-24", "2026-11-24 00:00:00+00:00"), checked as
    ``parse_club_date`` checks a date: the admin's date filters send either."""
    try:
        moment = parse_datetime(text.strip())
    except ValueError:
        moment = None
    return parse_club_date(text) if moment is None else parse_club_date(moment.date().isoformat())


def club_year(text: str) -> int:
    """A year in an address (the admin's date hierarchy), within the club's years."""
    try:
        year = int(text)
    except ValueError:
        raise ValidationError(NOT_A_YEAR, code="invalid") from None
    if not FIRST_CLUB_DAY.year <= year <= LAST_CLUB_DAY.year:
        raise ValidationError(OUT_OF_RANGE, code="date_out_of_range")
    return year


class ClubDateField(forms.DateField):
    """A form's date: any format the site accepts, within the club's dates, with a sentence saying which."""

    default_error_messages = {"invalid": NOT_A_DATE}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(_club_date_validator)


def _club_date_validator(day: datetime.date) -> None:
    if not within_club_dates(day):
        raise ValidationError(OUT_OF_RANGE, code="date_out_of_range")


class ClubDayForm(forms.Form):
    """``?date=`` on a page that shows one day (the rooms' day view): blank is today, the caller decides."""

    date = ClubDateField(required=False)


#: A date in an API's query or body: 422 (its entry coded ``date_out_of_range``) when outside the club's dates.
ClubDate = Annotated[datetime.date, AfterValidator(_checked_api_date)]
