"""Dates at the edge of the calendar are refused with a code, never a crash (the reviewer found four 500s)."""

from __future__ import annotations

import datetime

import pytest

from billing.errors import BillingError
from billing.services import invoice_generate
from clubsite.core.clock import CalendarError, day_bounds
from clubsite.core.dates import OUT_OF_RANGE
from clubsite.testing.api import ApiClient
from clubsite.testing.roles import staff_user


def test_the_calendars_last_day_has_no_day_after_it():
    with pytest.raises(CalendarError) as raised:
        day_bounds(datetime.date.max)

    assert raised.value.code == "date_out_of_calendar"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/staff/bookings", {"starts_to": "9999-12-31"}),
        ("/staff/classes", {"starts_to": "9999-12-31"}),
    ],
)
def test_staff_lists_refuse_the_last_day_of_the_calendar(path, query):
    response = ApiClient(staff_user("manager")).get(path, **query)

    assert response.status_code == 422, response.content
    # Refused as outside the club's dates (clubsite.core.dates), before any day is computed from it.
    assert response.json()["errors"][0] == {"field": "starts_to", "code": "date_out_of_range", "message": OUT_OF_RANGE}


@pytest.mark.django_db
def test_a_trainers_availability_up_to_the_last_day_is_refused_not_a_crash(trainer):
    response = ApiClient(trainer.user).get("/trainer/availability", to="9999-12-31")

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "date_out_of_range"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (datetime.date(9999, 1, 1), datetime.date(9999, 2, 1), "period_start"),
        (datetime.date(9998, 12, 15), datetime.date(9999, 12, 10), "period_end"),
    ],
)
def test_a_billing_period_in_the_calendars_last_year_is_refused(member, start, end, field):
    with pytest.raises(BillingError) as raised:
        invoice_generate(member=member, period_start=start, period_end=end)

    assert (raised.value.code, raised.value.field) == ("date_out_of_calendar", field)
