"""Bad input, posted to every form the way a browser would: never a 500, a clear message, nothing stored.

Hypothesis draws each field either from values a person could sensibly type or from junk: empty,
blank, huge, negative, not a number, NaN and infinities, unicode, NUL bytes, markup, impossible and
far past or future dates, daylight-saving gaps, and other people's ids. Every example runs in a
savepoint that is rolled back, so the function-scoped fixtures (a signed-in client and its world)
are the same for each example: that is why the function-scoped-fixture health check is off.

The property, for every submission:
- accepted: a redirect that stays on this site, and when every field was sensible it *is* accepted;
- refused: the form again (200) with every error shown on the page, and no row anywhere changed;
- someone else's or an unknown id: 404, and no row changed.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.contrib import admin as django_admin
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from billing.models import Invoice, InvoiceLine, Membership, Payment
from billing.services import invoice_issue
from billing.tests.factories import InvoiceFactory, InvoiceLineFactory, MembershipPlanFactory
from clubsite.accounts.models import User
from clubsite.core.clock import club_today
from clubsite.core.dates import FIRST_CLUB_DAY, LAST_CLUB_DAY, NOT_A_DATE, NOT_A_YEAR, OUT_OF_RANGE
from clubsite.middleware import UNREADABLE
from clubsite.testing.admin import split_datetime
from clubsite.testing.roles import staff_user
from clubsite.testing.twofactor import sign_in
from members.models import FitnessGoal, HealthMetric, Member
from members.tests.factories import FitnessGoalFactory, MemberFactory
from operations.models import (
    AdminStaff,
    Booking,
    ClassRegistration,
    Equipment,
    GroupClass,
    MaintenanceRecord,
    PersonalTrainingSession,
    Room,
)
from operations.tests.factories import (
    ClassRegistrationFactory,
    EquipmentFactory,
    GroupClassFactory,
    PersonalTrainingSessionFactory,
    RoomFactory,
    local_time,
)
from trainers.models import TrainerAvailability
from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory

# Modest: the whole file runs in well under a minute on the 2-core machine.
EXAMPLES = 25
FORMS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# ---------------------------------------------------------------------------------------------
# What a careless, curious or hostile person types
# ---------------------------------------------------------------------------------------------

EDGE_VALUES = [
    "",
    " ",
    "\t\n",
    "0",
    "-1",
    "-0.01",
    "0.001",
    "1e308",
    "-1e308",
    "1e-308",
    "1E+400",
    "NaN",
    "sNaN",
    "Infinity",
    "-inf",
    "9" * 40,
    "12,5",
    "1 000",
    "١٢٣",  # Arabic-Indic digits
    "½",
    "Ⅻ",
    "🏋️‍♀️",
    "\x00",
    "7\x00",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "null",
    "true",
    "[]",
    "x" * 5000,
]
FAR_DATES = [
    "0001-01-01",
    "1000-06-15",
    "1899-12-31",
    "9999-12-31",
    "2023-02-30",
    "2024-13-01",
    "31/12/2020",
    "2020-1-1",
]
FAR_TIMES = [
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2023-02-30T10:00",
    "2026-13-01T10:00",
    "2026-03-29T01:30",  # does not exist in London (the clocks go forward)
    "2026-10-25T01:30",  # happens twice in London (the clocks go back)
    "2030-01-01T25:00",
    "2030-01-01",
]

junk = st.one_of(
    st.sampled_from(EDGE_VALUES),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.none(),  # the field left out of the POST altogether
)
junk_date = st.one_of(junk, st.sampled_from(FAR_DATES), st.dates().map(datetime.date.isoformat))
junk_datetime = st.one_of(
    junk, st.sampled_from(FAR_TIMES), st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M"))
)


def huge_id() -> st.SearchStrategy[str]:
    return st.one_of(st.integers(min_value=-5, max_value=10**30).map(str), junk)


@dataclass(frozen=True)
class Drawn:
    sensible: bool  # every field was drawn from the sensible values
    data: dict


def form(**fields: st.SearchStrategy) -> st.SearchStrategy[Drawn]:
    """A POST body whose fields are each ``(sensible, value)`` pairs; None leaves the field out."""

    def build(values: dict) -> Drawn:
        data = {}
        for name, (_ok, value) in values.items():
            if isinstance(value, dict):  # a date and a time typed into the two halves of one field
                data.update({key: part for key, part in value.items() if part is not None})
            elif value is not None:
                data[name] = value
        return Drawn(sensible=all(ok for ok, _value in values.values()), data=data)

    return st.fixed_dictionaries(fields).map(build)


def either(sensible: st.SearchStrategy, bad: st.SearchStrategy = junk) -> st.SearchStrategy[tuple[bool, object]]:
    return st.one_of(sensible.map(lambda value: (True, value)), bad.map(lambda value: (False, value)))


# ---------------------------------------------------------------------------------------------
# The property
# ---------------------------------------------------------------------------------------------

WATCHED = [
    User,
    Member,
    FitnessGoal,
    HealthMetric,
    Room,
    GroupClass,
    ClassRegistration,
    Booking,
    PersonalTrainingSession,
    TrainerAvailability,
    Equipment,
    MaintenanceRecord,
    Membership,
    Invoice,
    InvoiceLine,
    Payment,
]
# What a page must never show: a traceback or a raw database error.
LEAKS = ("Traceback (most recent call last)", "IntegrityError", "psycopg", "DataError", "ProgrammingError")


def snapshot() -> dict:
    """Every row of the tables the forms write to (the worlds here are small)."""
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in WATCHED}


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def shown_errors_of(response, html: str) -> list[str]:
    """The errors that must be on the page: every non-field error, and those of the fields it shows.

    A hidden field, or one the page does not show at this step (the room before a time is chosen),
    has its problem said above the form instead.
    """
    form = response.context["adminform"].form if "adminform" in response.context else response.context["form"]
    return [
        str(error)
        for name, errors in form.errors.items()
        if name == "__all__"
        or (not form.fields[name].widget.is_hidden and re.search(f'name="{form.add_prefix(name)}(_[0-9])?"', html))
        for error in errors
    ]


def post(client: Client, url: str, drawn: Drawn, *, target_ok: bool = True) -> str:
    """Post ``drawn`` and check the property; returns "accepted", "refused" or "not found".

    ``target_ok``: the object in the URL is one the person may act on now (not a class that has
    started, not a window a booking relies on), so sensible fields must be accepted.
    """
    before = snapshot()
    if holds_nul(drawn.data):
        # Refused at the door, before any view: the designed page says why. The rest of the property is then
        # checked on the same form without the NUL bytes, so each test's expectation still holds.
        response = client.post(url, drawn.data)
        assert response.status_code == 400, response.status_code
        assert UNREADABLE in response.content.decode() and 'id="error-page"' in response.content.decode()
        assert snapshot() == before, f"a NUL byte changed rows: {drawn.data!r}"
        drawn = Drawn(sensible=drawn.sensible, data=without_nul(drawn.data))
    response = client.post(url, drawn.data)  # an exception here (a 500) fails the test
    html = response.content.decode()
    assert not any(leak in html for leak in LEAKS), html
    if response.status_code == 302:
        location = response["Location"]
        assert url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"}), f"sent off the site: {location}"
        return "accepted"
    assert snapshot() == before, f"a refused submission changed rows: {drawn.data!r}"
    if response.status_code == 404:
        return "not found"
    assert response.status_code == 200, response.status_code
    errors = shown_errors_of(response, html)
    assert errors, f"refused without saying why: {drawn.data!r}"
    for error in errors:
        assert error.strip() and escape(error) in html, f"the message {error!r} is not on the page"
    assert not (drawn.sensible and target_ok), f"sensible input was refused with {errors}: {drawn.data!r}"
    return "refused"


def holds_nul(data: dict) -> bool:
    items = (item for value in data.values() for item in (value if isinstance(value, list) else [value]))
    return any("\x00" in str(item) for item in items)


def without_nul(data: dict) -> dict:
    def clean(value):
        return [clean(item) for item in value] if isinstance(value, list) else str(value).replace("\x00", "")

    return {name: clean(value) for name, value in data.items()}


def signed_in(user) -> Client:
    return sign_in(Client(), user)


TODAY = timezone.localdate()


def plain_text(max_size: int) -> st.SearchStrategy[str]:
    """Text a person types (any script, emoji, new lines), without the NUL byte no keyboard makes."""
    return st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=max_size)


# ---------------------------------------------------------------------------------------------
# Sign-up, profile, goals, metrics
# ---------------------------------------------------------------------------------------------

names = st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=30)
phones = st.one_of(st.just(""), st.from_regex(r"\+44 7[0-9]{3} [0-9]{6}", fullmatch=True))
adult_birthdays = st.dates(
    min_value=TODAY - datetime.timedelta(days=365 * 100), max_value=TODAY - datetime.timedelta(days=365 * 14)
).map(datetime.date.isoformat)
genders = st.sampled_from(Member.Gender.values)


PASSWORD = "a long and unusual phrase 42"


@pytest.mark.django_db
@FORMS
@given(st.data())
def test_sign_up(data):
    with rolled_back():
        taken = MemberFactory(user__email="taken@clubsite.test").user.email
        drawn = data.draw(
            form(
                first_name=either(names),
                last_name=either(names),
                email=either(
                    st.from_regex(r"[a-z]{1,12}@[a-z]{1,12}\.test", fullmatch=True),
                    st.one_of(junk, st.sampled_from([taken, taken.upper(), "a@b", "@x.test", " taken@clubsite.test "])),
                ),
                password1=either(st.just(PASSWORD)),
                password2=either(st.just(PASSWORD)),
                date_of_birth=either(adult_birthdays, junk_date),
                gender=either(genders),
                phone=either(phones),
            )
        )
        if post(Client(), reverse("accounts:signup"), drawn) == "accepted":
            assert Member.objects.filter(user__email__iexact=drawn.data["email"].strip()).exists()


# `member` (Ann Archer, born 1 May 1990) and `member_client` are the root conftest.py's.


@pytest.mark.django_db
@FORMS
@given(
    form(
        first_name=either(names),
        last_name=either(names),
        date_of_birth=either(adult_birthdays, junk_date),
        gender=either(genders),
        phone=either(phones),
    )
)
def test_profile(member_client, drawn):
    with rolled_back():
        post(member_client, reverse("members:profile"), drawn)


goal_fields = {
    "goal_type": either(st.sampled_from(FitnessGoal.GoalType.values)),
    "target_value": either(st.decimals(min_value=Decimal("0.5"), max_value=Decimal("9999"), places=1).map(str)),
    "unit": either(st.sampled_from(["kg", "%", "bpm", "km", "minutes"])),
    "target_date": either(
        st.one_of(
            st.just(""),
            st.dates(min_value=TODAY, max_value=TODAY + datetime.timedelta(days=365 * 5)).map(datetime.date.isoformat),
        ),
        junk_date,
    ),
}


@pytest.mark.django_db
@FORMS
@given(form(**goal_fields))
def test_goal_create(member_client, drawn):
    with rolled_back():
        if post(member_client, reverse("members:goal-create"), drawn) == "accepted":
            goal = FitnessGoal.objects.latest("pk")
            assert Decimal("0") < goal.target_value <= Decimal("10000")


@pytest.mark.django_db
@FORMS
@given(st.data())
def test_goal_update_own_and_others(member, member_client, data):
    with rolled_back():
        own = FitnessGoalFactory(member=member)
        others = FitnessGoalFactory(member=MemberFactory())
        goal_id = data.draw(st.one_of(st.sampled_from([own.pk, others.pk]), st.integers(0, 10**18)))
        outcome = post(member_client, reverse("members:goal-update", args=[goal_id]), data.draw(form(**goal_fields)))
    assert (outcome == "not found") == (goal_id != own.pk)


@pytest.mark.django_db
@FORMS
@example(Drawn(sensible=True, data={"weight": "80.5", "heart_rate": "60", "body_fat": "", "recorded_at": ""}))
@given(
    form(
        weight=either(st.decimals(min_value=20, max_value=400, places=1).map(str)),
        heart_rate=either(st.integers(min_value=25, max_value=250).map(str)),
        body_fat=either(st.decimals(min_value=2, max_value=75, places=1).map(str)),
        recorded_at=either(
            st.datetimes(
                min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime.now() - datetime.timedelta(days=1)
            )
            # Clear of the hour that does not exist or happens twice when the clocks change.
            .filter(lambda moment: moment.hour not in (0, 1, 2))
            .map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
            junk_datetime,
        ),
    )
)
def test_metric_record(member_client, drawn):
    with rolled_back():
        if post(member_client, reverse("members:metric-create"), drawn) == "accepted":
            metric = HealthMetric.objects.latest("pk")
            assert metric.recorded_at <= timezone.now()
            assert (metric.weight, metric.heart_rate, metric.body_fat) != (None, None, None)


# ---------------------------------------------------------------------------------------------
# Classes: register and cancel, with every kind of class id and a hostile ``next``
# ---------------------------------------------------------------------------------------------

next_values = st.one_of(
    st.none(),
    st.sampled_from(["/member/", "https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil.example"]),
    junk,
)


@pytest.fixture
def classes(member):
    other = MemberFactory()
    open_class = GroupClassFactory(booking__start_time=local_time(days=2, hour=9))
    full = GroupClassFactory(capacity=1, booking__start_time=local_time(days=2, hour=11))
    ClassRegistrationFactory(group_class=full, member=other)
    started = GroupClassFactory(booking__start_time=timezone.now() - datetime.timedelta(minutes=5))
    cancelled = GroupClassFactory(
        booking__start_time=local_time(days=2, hour=13), booking__status=Booking.Status.CANCELLED
    )
    mine = ClassRegistrationFactory(member=member, group_class=GroupClassFactory(
        booking__start_time=local_time(days=3, hour=9)
    ))
    theirs = ClassRegistrationFactory(member=other, group_class=open_class)
    return {
        "bookable": [open_class.pk, full.pk],
        "closed": [started.pk, cancelled.pk],
        "mine": mine.pk,
        "theirs": theirs.pk,
    }


@pytest.mark.django_db
def test_a_next_address_that_is_not_a_path_goes_to_the_default_page(member_client, classes):
    # Was a 500: redirect() took the bare word for the name of a URL.
    for target in ("0", "timetable", "https://evil.example/", "//evil.example/"):
        with rolled_back():
            url = reverse("members:registration-cancel", args=[classes["mine"]])
            response = member_client.post(url, {"next": target})
            assert response.status_code == 302
            assert response["Location"] == reverse("members:dashboard")


@pytest.mark.django_db
@FORMS
@given(st.data())
def test_class_register(member_client, classes, data):
    class_id = data.draw(
        st.one_of(st.sampled_from(classes["bookable"] + classes["closed"]), st.integers(0, 10**18))
    )
    drawn = data.draw(form(next=either(st.none(), next_values), extra=either(st.none())))
    with rolled_back():
        url = reverse("members:class-register", args=[class_id])
        outcome = post(member_client, url, drawn, target_ok=class_id in classes["bookable"])
    if class_id in classes["bookable"]:
        assert outcome == "accepted"  # a seat, or a place on the waitlist of the full class
    elif class_id in classes["closed"]:
        assert outcome == "refused"
    else:
        assert outcome == "not found"


@pytest.mark.django_db
@FORMS
@given(st.data())
def test_class_registration_cancel(member_client, classes, data):
    registration_id = data.draw(
        st.one_of(st.sampled_from([classes["mine"], classes["theirs"]]), st.integers(0, 10**18))
    )
    drawn = data.draw(form(next=either(st.none(), next_values)))
    with rolled_back():
        outcome = post(member_client, reverse("members:registration-cancel", args=[registration_id]), drawn)
    assert outcome == ("accepted" if registration_id == classes["mine"] else "not found")


# ---------------------------------------------------------------------------------------------
# Personal training: book, reschedule, cancel
# ---------------------------------------------------------------------------------------------

BOOK_DAY, MOVE_DAY = 3, 4  # clear of the 12-hour cut-off whatever the time of the test


@pytest.fixture
def training(member):
    trainer = TrainerFactory(hourly_rate=Decimal("40.00"))
    for day in (BOOK_DAY, MOVE_DAY):
        TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=day, hour=8), end_time=local_time(days=day, hour=12)
        )
    mine = PersonalTrainingSessionFactory(
        member=member,
        booking__trainer=trainer,
        booking__room=None,
        booking__start_time=local_time(days=MOVE_DAY, hour=9),
    )
    theirs = PersonalTrainingSessionFactory(booking__trainer=trainer, booking__start_time=local_time(days=5, hour=9))
    return {
        "trainer": trainer,
        "room": RoomFactory(name="PT room"),
        "busy_room": theirs.booking.room,
        "mine": mine,
        "theirs": theirs,
    }


def slot_fields(day: int, rooms: list[int]) -> dict:
    """A half-hour start inside 08:00-12:00 on ``day`` and a length that ends by 12:00, or junk."""
    starts = st.integers(min_value=0, max_value=5).map(
        lambda half_hours: local_time(days=day, hour=8) + datetime.timedelta(minutes=30 * half_hours)
    )
    return {
        "start_time": either(
            starts.map(lambda moment: moment.isoformat()),
            st.one_of(
                junk_datetime,
                st.datetimes().map(lambda moment: moment.isoformat()),
                st.datetimes(min_value=datetime.datetime(9999, 12, 31, 20)).map(lambda moment: moment.isoformat()),
            ),
        ),
        "duration": either(st.sampled_from(["30", "60"]), st.one_of(junk, st.sampled_from(["45", "90", "120"]))),
        "room": either(st.sampled_from(["", *map(str, rooms)]), huge_id()),
    }


@pytest.mark.django_db
@FORMS
@given(st.data())
def test_pt_book(member_client, training, data):
    drawn = data.draw(form(**slot_fields(BOOK_DAY, [training["room"].pk]), notes=either(plain_text(200), junk)))
    with rolled_back():
        outcome = post(member_client, reverse("members:pt-book", args=[training["trainer"].pk]), drawn)
        if outcome == "accepted":
            session = PersonalTrainingSession.objects.select_related("booking").latest("pk")
            windows = TrainerAvailability.objects.filter(trainer=training["trainer"])
            assert any(
                window.start_time <= session.booking.start_time < session.booking.end_time <= window.end_time
                for window in windows
            )


@pytest.mark.django_db
@FORMS
@given(st.data())
def test_pt_reschedule_own_and_others(member_client, training, data):
    session_id = data.draw(
        st.one_of(st.sampled_from([training["mine"].pk, training["theirs"].pk]), st.integers(0, 10**18))
    )
    drawn = data.draw(form(**slot_fields(MOVE_DAY, [training["room"].pk, training["busy_room"].pk])))
    with rolled_back():
        outcome = post(member_client, reverse("members:pt-reschedule", args=[session_id]), drawn)
    assert (outcome == "not found") == (session_id != training["mine"].pk)


@pytest.mark.django_db
@FORMS
@given(st.data())
def test_pt_cancel_own_and_others(member_client, training, data):
    session_id = data.draw(
        st.one_of(st.sampled_from([training["mine"].pk, training["theirs"].pk]), st.integers(0, 10**18))
    )
    drawn = data.draw(form(extra=either(st.none())))
    with rolled_back():
        outcome = post(member_client, reverse("members:pt-cancel", args=[session_id]), drawn)
    assert outcome == ("accepted" if session_id == training["mine"].pk else "not found")


# ---------------------------------------------------------------------------------------------
# The trainer portal: availability, attendance, equipment issues
# ---------------------------------------------------------------------------------------------


# `trainer` and `trainer_client` are the root conftest.py's.


def _typed_window(start: datetime.datetime, hours: int) -> tuple[str, str]:
    return start.strftime("%Y-%m-%dT%H:%M"), (start + datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def window_fields(first_day: int) -> dict:
    """A window of 1 to 8 hours starting at a whole hour on one of a few days from ``first_day`` on.

    The bad ones: two junk times, or a well-formed window in the far past or the last days of year 9999.
    """
    starts = st.tuples(st.integers(first_day, first_day + 5), st.integers(6, 14)).map(
        lambda day_hour: timezone.localtime(local_time(days=day_hour[0], hour=day_hour[1]))
    )
    far = st.datetimes(min_value=datetime.datetime(1000, 1, 1), max_value=datetime.datetime(9999, 12, 31, 12))
    last_month = st.datetimes(min_value=datetime.datetime(9999, 12, 1), max_value=datetime.datetime(9999, 12, 31, 12))
    far_ends = st.one_of(far, last_month)
    return {
        "window": either(
            st.tuples(starts, st.integers(1, 8)).map(lambda start_hours: _typed_window(*start_hours)),
            st.one_of(
                st.tuples(junk_datetime, junk_datetime),
                st.tuples(far_ends, st.integers(1, 8)).map(lambda start_hours: _typed_window(*start_hours)),
            ),
        )
    }


def window_data(drawn: Drawn) -> Drawn:
    data = dict(drawn.data)
    start, end = data.pop("window")
    data.update({key: value for key, value in (("start_time", start), ("end_time", end)) if value is not None})
    return Drawn(sensible=drawn.sensible, data=data)


@pytest.mark.django_db
@FORMS
@given(st.data())
def test_availability_add(trainer, trainer_client, data):
    with rolled_back():
        TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=3, hour=8), end_time=local_time(days=3, hour=12)
        )
        drawn = window_data(
            data.draw(
                form(
                    **window_fields(first_day=10),
                    weeks=either(st.sampled_from(["1", "2", "3"]), st.one_of(junk, st.sampled_from(["52", "53"]))),
                )
            )
        )
        post(trainer_client, reverse("trainers:availability-create"), drawn)


@pytest.mark.django_db
@FORMS
@given(st.data())
def test_availability_edit_own_and_others(trainer, trainer_client, data):
    with rolled_back():
        own, others = (
            TrainerAvailabilityFactory(
                trainer=owner, start_time=local_time(days=8, hour=8), end_time=local_time(days=8, hour=12)
            )
            for owner in (trainer, TrainerFactory())
        )
        window_id = data.draw(st.one_of(st.sampled_from([own.pk, others.pk]), st.integers(0, 10**18)))
        drawn = window_data(data.draw(form(**window_fields(first_day=10))))
        outcome = post(trainer_client, reverse("trainers:availability-update", args=[window_id]), drawn)
    assert (outcome == "not found") == (window_id != own.pk)


@pytest.mark.django_db
@FORMS
@given(st.data())
def test_availability_remove_own_and_others(trainer, trainer_client, data):
    with rolled_back():
        own = TrainerAvailabilityFactory(trainer=trainer)
        # A window a booking relies on cannot be removed: the page says which booking.
        relied_on = TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=4, hour=8), end_time=local_time(days=4, hour=12)
        )
        PersonalTrainingSessionFactory(booking__trainer=trainer, booking__start_time=local_time(days=4, hour=9))
        others = TrainerAvailabilityFactory()
        window_id = data.draw(st.one_of(st.sampled_from([own.pk, relied_on.pk, others.pk]), st.integers(0, 10**18)))
        drawn = data.draw(form(extra=either(st.none())))
        url = reverse("trainers:availability-delete", args=[window_id])
        outcome = post(trainer_client, url, drawn, target_ok=window_id == own.pk)
    expected = {own.pk: "accepted", relied_on.pk: "refused"}.get(window_id, "not found")
    assert outcome == expected


@pytest.mark.django_db
@FORMS
@given(st.data())
def test_attendance(trainer, trainer_client, data):
    with rolled_back():
        started = GroupClassFactory(
            booking__trainer=trainer, booking__start_time=timezone.now() - datetime.timedelta(hours=2)
        )
        seated = [ClassRegistrationFactory(group_class=started).member_id for _ in range(2)]
        not_seated = MemberFactory().pk
        others = GroupClassFactory(booking__start_time=timezone.now() - datetime.timedelta(hours=2)).pk
        attended = data.draw(
            st.one_of(
                st.lists(st.sampled_from(seated), unique=True).map(lambda ids: (True, [str(i) for i in ids])),
                st.lists(st.one_of(st.sampled_from([*seated, not_seated]).map(str), huge_id()), max_size=4).map(
                    lambda ids: (False, [i for i in ids if i is not None])
                ),
            )
        )
        class_id = data.draw(st.one_of(st.sampled_from([started.pk, others]), st.integers(0, 10**18)))
        drawn = Drawn(sensible=attended[0], data={"attended": attended[1]})
        outcome = post(trainer_client, reverse("trainers:class-detail", args=[class_id]), drawn)
    assert (outcome == "not found") == (class_id != started.pk)


@pytest.mark.django_db
@FORMS
@given(st.data())
def test_equipment_issue(trainer_client, data):
    with rolled_back():
        equipment = EquipmentFactory()
        drawn = data.draw(
            form(
                equipment=either(st.just(str(equipment.pk)), huge_id()),
                issue_description=either(plain_text(300).filter(str.strip)),
            )
        )
        if post(trainer_client, reverse("trainers:equipment-issue"), drawn) == "accepted":
            equipment.refresh_from_db()
            assert equipment.status == Equipment.Status.BROKEN


# ---------------------------------------------------------------------------------------------
# The staff back office: the main add forms, posted by a manager
# ---------------------------------------------------------------------------------------------

ADMIN_FORMS = settings(FORMS, max_examples=15)
ADMIN_DAY = 5  # the day the trainer is available, 08:00-18:00


def junk_split(name: str) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries(
        {f"{name}_0": st.one_of(junk_date, st.sampled_from(["9999-12-31"])),
         f"{name}_1": st.one_of(junk, st.sampled_from(["25:00", "23:59:59", "1:30"]))}
    )


def span(name_start: str, name_end: str, starts: st.SearchStrategy, hours: tuple[int, int]) -> st.SearchStrategy:
    """Sensible start and end: ``starts`` and a length in whole hours within ``hours``."""
    return st.tuples(starts, st.integers(*hours)).map(
        lambda pair: {
            **split_datetime(pair[0], name_start),
            **split_datetime(pair[0] + datetime.timedelta(hours=pair[1]), name_end),
        }
    )


def junk_span(name_start: str, name_end: str) -> st.SearchStrategy[dict]:
    return st.tuples(junk_split(name_start), junk_split(name_end)).map(lambda pair: {**pair[0], **pair[1]})


def times_between(starts: st.SearchStrategy, hours: tuple[int, int]) -> st.SearchStrategy:
    """A sensible start and end (or a junk pair) for the admin's start_time and end_time."""
    return either(span("start_time", "end_time", starts, hours), junk_span("start_time", "end_time"))


def hours_of_day(day: int, first: int, last: int) -> st.SearchStrategy[datetime.datetime]:
    return st.integers(first, last).map(lambda hour: local_time(days=day, hour=hour))


@pytest.fixture
def office(db):
    """A manager signed in to the back office, and what the add forms name."""
    manager = staff_user(AdminStaff.Role.MANAGER)
    trainer = TrainerFactory()
    TrainerAvailabilityFactory(
        trainer=trainer, start_time=local_time(days=ADMIN_DAY, hour=8), end_time=local_time(days=ADMIN_DAY, hour=18)
    )
    issued = InvoiceFactory()
    InvoiceLineFactory(invoice=issued, unit_price=Decimal("30.00"))
    # Issued three days ago: a payment received in the last 48 hours (the sensible ones below) came after it.
    with time_machine.travel(timezone.now() - datetime.timedelta(days=3)):
        invoice_issue(invoice=issued)
    return {
        "client": signed_in(manager),
        "member": MemberFactory(date_of_birth=datetime.date(1990, 5, 1)),
        "trainer": trainer,
        "room": RoomFactory(name="Main hall", capacity=30),
        "plan": MembershipPlanFactory(name="Gold"),
        "equipment": EquipmentFactory(),
        "open_class": GroupClassFactory(booking__start_time=local_time(days=2, hour=19)),
        "draft": InvoiceFactory(),
        "issued": issued,
    }


def ids(*objects) -> st.SearchStrategy[str]:
    return st.sampled_from([str(obj.pk) for obj in objects])




def admin_post(office: dict, model: str, drawn: Drawn) -> str:
    app_label, model_name = model.split(".")
    with rolled_back():
        return post(office["client"], reverse(f"admin:{app_label}_{model_name}_add"), drawn)


money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("30.00"), places=2).map(str)


@pytest.mark.django_db
@ADMIN_FORMS
@given(st.data())
def test_admin_add_room(office, data):
    drawn = data.draw(
        form(
            name=either(
                plain_text(40).filter(str.strip).map(lambda name: f"Room {name}"),
                st.one_of(junk, st.just("Main hall")),  # a name taken
            ),
            location=either(plain_text(40)),
            capacity=either(st.integers(1, 200).map(str)),
        )
    )
    admin_post(office, "operations.room", drawn)


@pytest.mark.django_db
@ADMIN_FORMS
@given(st.data())
def test_admin_add_group_class(office, data):
    drawn = data.draw(
        form(
            name=either(st.sampled_from(["Spin", "Yoga Flow", "Boxfit"])),
            description=either(plain_text(100)),
            trainer=either(ids(office["trainer"]), huge_id()),
            room=either(ids(office["room"]), huge_id()),
            times=times_between(hours_of_day(ADMIN_DAY, 8, 15), (1, 2)),
            capacity=either(st.integers(1, 30).map(str)),
            price=either(st.sampled_from(["0", "8.00", "12.50"])),
            weeks=either(st.just("1")),
        )
    )
    admin_post(office, "operations.groupclass", drawn)


@pytest.mark.django_db
@ADMIN_FORMS
@given(st.data())
def test_admin_add_room_booking(office, data):
    drawn = data.draw(
        form(
            room=either(ids(office["room"]), huge_id()),
            kind=either(st.sampled_from(["event", "closure"]), st.one_of(junk, st.sampled_from(["class", "pt"]))),
            title=either(st.sampled_from(["Open day", "Deep clean"])),
            times=times_between(hours_of_day(9, 8, 15), (1, 4)),
        )
    )
    admin_post(office, "operations.booking", drawn)


@pytest.mark.django_db
@ADMIN_FORMS
@given(st.data())
def test_admin_add_pt_session(office, data):
    drawn = data.draw(
        form(
            member=either(ids(office["member"]), junk),
            trainer=either(ids(office["trainer"]), huge_id()),
            room=either(st.one_of(st.just(""), ids(office["room"])), huge_id()),
            times=times_between(hours_of_day(ADMIN_DAY, 8, 15), (1, 2)),
            notes=either(plain_text(100)),
        )
    )
    admin_post(office, "operations.personaltrainingsession", drawn)


@pytest.mark.django_db
@ADMIN_FORMS
@given(st.data())
def test_admin_add_class_registration(office, data):
    drawn = data.draw(
        form(
            member=either(ids(office["member"]), junk),
            group_class=either(ids(office["open_class"]), junk),
        )
    )
    admin_post(office, "operations.classregistration", drawn)


@pytest.mark.django_db
@ADMIN_FORMS
@given(st.data())
def test_admin_add_maintenance_record(office, data):
    drawn = data.draw(
        form(
            equipment=either(ids(office["equipment"]), junk),
            issue_description=either(plain_text(200).filter(str.strip)),
        )
    )
    admin_post(office, "operations.maintenancerecord", drawn)


@pytest.mark.django_db
@ADMIN_FORMS
@given(st.data())
def test_admin_add_trainer_availability(office, data):
    drawn = data.draw(
        form(
            trainer=either(ids(office["trainer"]), junk),
            times=times_between(hours_of_day(12, 6, 14), (1, 8)),
            weeks=either(st.sampled_from(["1", "2"]), st.one_of(junk, st.sampled_from(["52", "53"]))),
        )
    )
    admin_post(office, "trainers.traineravailability", drawn)


@pytest.mark.django_db
@ADMIN_FORMS
@given(st.data())
def test_admin_add_member(office, data):
    drawn = data.draw(
        form(
            email=either(
                st.from_regex(r"[a-z]{1,12}@[a-z]{1,12}\.test", fullmatch=True),
                st.one_of(junk, st.just(office["member"].user.email.upper())),
            ),
            first_name=either(names),
            last_name=either(names),
            date_of_birth=either(adult_birthdays, junk_date),
            gender=either(genders),
            phone=either(phones),
        )
    )
    admin_post(office, "members.member", drawn)


@pytest.mark.django_db
@ADMIN_FORMS
@given(st.data())
def test_admin_add_membership(office, data):
    drawn = data.draw(
        form(
            member=either(ids(office["member"]), junk),
            plan=either(ids(office["plan"]), junk),
            started_on=either(
                st.dates(min_value=TODAY - datetime.timedelta(days=60), max_value=TODAY + datetime.timedelta(days=60))
                .map(datetime.date.isoformat),
                junk_date,
            ),
        )
    )
    admin_post(office, "billing.membership", drawn)


@pytest.mark.django_db
@ADMIN_FORMS
@given(st.data())
def test_admin_add_invoice(office, data):
    start = st.dates(min_value=TODAY - datetime.timedelta(days=200), max_value=TODAY)
    drawn = data.draw(
        form(
            member=either(ids(office["member"]), junk),
            period=either(
                st.tuples(start, st.integers(0, 60)).map(
                    lambda pair: {
                        "period_start": pair[0].isoformat(),
                        "period_end": (pair[0] + datetime.timedelta(days=pair[1])).isoformat(),
                    }
                ),
                st.fixed_dictionaries({"period_start": junk_date, "period_end": junk_date}),
            ),
        )
    )
    admin_post(office, "billing.invoice", drawn)


@pytest.mark.django_db
@ADMIN_FORMS
@given(st.data())
def test_admin_add_invoice_line(office, data):
    drawn = data.draw(
        form(
            invoice=either(ids(office["draft"]), st.one_of(junk, ids(office["issued"]))),
            kind=either(st.just("manual"), st.one_of(junk, st.sampled_from(["plan", "pt", "credit"]))),
            description=either(st.sampled_from(["Towel hire", "Locker", "Guest pass"])),
            quantity=either(st.integers(1, 10).map(str)),
            unit_price=either(money),
        )
    )
    admin_post(office, "billing.invoiceline", drawn)


@pytest.mark.django_db
@ADMIN_FORMS
@given(st.data())
def test_admin_add_payment(office, data):
    drawn = data.draw(
        form(
            invoice=either(ids(office["issued"]), st.one_of(junk, ids(office["draft"]))),
            kind=either(st.just("payment"), st.one_of(junk, st.just("refund"))),
            amount=either(money, st.one_of(junk, st.sampled_from(["30.01", "1000", "0.001"]))),
            method=either(st.sampled_from(Payment.Method.values)),
            received=either(
                st.integers(1, 48).map(
                    lambda hours: split_datetime(timezone.now() - datetime.timedelta(hours=hours), "received_at")
                ),
                junk_split("received_at"),
            ),
            reference=either(st.sampled_from(["", "POS 1234"]), st.one_of(junk, st.just("r" * 81))),
        )
    )
    admin_post(office, "billing.payment", drawn)


@pytest.mark.django_db
def test_admin_autocomplete_field_with_a_value_that_is_not_a_number_is_refused_on_the_page(office):
    drawn = Drawn(sensible=False, data={"equipment": "abc", "issue_description": "Belt slipping"})

    assert admin_post(office, "operations.maintenancerecord", drawn) == "refused"


# ---------------------------------------------------------------------------------------------
# Query parameters: dates at the ends of the calendar, NUL bytes, paging and ordering
# ---------------------------------------------------------------------------------------------

# Year 1 and 9999 are Python's calendar's ends (a day before or after them cannot be written); 1899 and 3000
# are just outside the club's dates; the rest is not a date at all.
FAR_QUERY_DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01", "garbage", "2026-02-30"]


@pytest.fixture
def superuser_client(db):
    from clubsite.accounts.tests.factories import UserFactory

    return signed_in(UserFactory(is_staff=True, is_superuser=True))


def page_of(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


@pytest.mark.django_db
@pytest.mark.parametrize("value", FAR_QUERY_DATES)
def test_the_rooms_day_view_says_a_far_date_is_refused_and_shows_today(superuser_client, value):
    response = superuser_client.get(reverse("admin:operations_booking_day"), {"date": value})

    assert response.status_code == 200
    text = page_of(response)
    assert OUT_OF_RANGE in text or NOT_A_DATE in text
    assert f"Rooms on {club_today():%A %-d %B %Y}" in text


@pytest.mark.django_db
def test_the_rooms_day_view_opens_on_the_clubs_first_and_last_days(superuser_client):
    for day in (FIRST_CLUB_DAY, LAST_CLUB_DAY):
        response = superuser_client.get(reverse("admin:operations_booking_day"), {"date": day.isoformat()})

        assert response.status_code == 200
        assert f"Rooms on {day:%A %-d %B %Y}" in page_of(response)


def _dated_changelists() -> list[tuple[str, str, str]]:
    """(changelist URL name, date field, how it is filtered) for every registered ModelAdmin that filters on a
    date: its date hierarchy, and each DateFieldListFilter."""
    found = []
    for model, model_admin in django_admin.site._registry.items():
        url_name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        if model_admin.date_hierarchy:
            found.append((url_name, model_admin.date_hierarchy, "hierarchy"))
        for list_filter in model_admin.list_filter:
            if isinstance(list_filter, tuple) and issubclass(list_filter[1], django_admin.DateFieldListFilter):
                found.append((url_name, list_filter[0], "range"))
    return found


DATED_CHANGELISTS = _dated_changelists()


def test_the_back_office_has_date_filters_to_check():
    kinds = {kind for _url, _field, kind in DATED_CHANGELISTS}

    assert len(DATED_CHANGELISTS) > 10 and kinds == {"hierarchy", "range"}


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "field", "kind"), DATED_CHANGELISTS, ids=lambda part: str(part))
def test_every_date_filter_of_the_back_office_refuses_dates_outside_the_clubs(superuser_client, url_name, field, kind):
    url = reverse(url_name)
    if kind == "hierarchy":
        refused = [
            {f"{field}__year": "1"},
            {f"{field}__year": "9999"},
            {f"{field}__year": "9999", f"{field}__month": "12"},
            {f"{field}__year": "9999", f"{field}__month": "12", f"{field}__day": "31"},
            {f"{field}__year": "99999999999999999999"},
            {f"{field}__year": "x"},
            {f"{field}__year": "2026", f"{field}__month": "13"},
        ]
        accepted = {f"{field}__year": "2999", f"{field}__month": "12", f"{field}__day": "31"}
    else:
        refused = [{f"{field}__gte": value, f"{field}__lt": "2026-01-01"} for value in FAR_QUERY_DATES]
        accepted = {f"{field}__gte": "1900-01-01 00:00:00+00:00", f"{field}__lt": "2999-12-31 00:00:00+00:00"}

    for query in refused:
        response = superuser_client.get(url, {**query, "o": "1"})

        assert response.status_code == 302, (query, response.status_code)
        assert response["Location"] == f"{url}?o=1"  # the other parameters kept
        shown = page_of(superuser_client.get(response["Location"]))
        assert any(sentence in shown for sentence in (OUT_OF_RANGE, NOT_A_DATE, NOT_A_YEAR, "Enter a month")), query
    assert superuser_client.get(url, accepted).status_code == 200


@pytest.mark.django_db
def test_a_nul_byte_in_an_admin_autocomplete_term_is_the_designed_bad_request_page(superuser_client):
    # Was a 500: the term reached PostgreSQL, whose text cannot hold a NUL byte.
    query = {"term": "ann\x00", "app_label": "operations", "model_name": "classregistration", "field_name": "member"}

    response = superuser_client.get(reverse("admin:autocomplete"), query)

    assert response.status_code == 400
    assert UNREADABLE in page_of(response) and 'id="error-page"' in page_of(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    ["/admin/members/member/?q=ann%00", "/admin/operations/booking/day/?date=2026-11-24%00", "/admin/%00/"],
)
def test_a_nul_byte_anywhere_in_a_back_office_address_is_the_designed_bad_request_page(superuser_client, address):
    response = superuser_client.get(address)

    assert response.status_code == 400
    assert UNREADABLE in page_of(response)


@pytest.mark.django_db
def test_a_nul_byte_in_a_portal_address_or_form_is_the_designed_bad_request_page(member_client, trainer_client):
    searched = trainer_client.get(reverse("trainers:member-lookup"), {"q": "ann\x00"})
    posted = member_client.post(reverse("members:goal-create"), {"goal_type": "weight", "unit": "kg\x00"})

    for response in (searched, posted):
        assert response.status_code == 400
        assert UNREADABLE in page_of(response) and "Sign out" in page_of(response)  # the site's layout


@pytest.mark.django_db
def test_a_nul_byte_in_an_api_query_is_a_problem_document(member):
    from clubsite.testing.api import ApiClient

    response = ApiClient(member.user).get("/member/classes", name="spin\x00")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_character"


@pytest.mark.django_db
def test_a_nul_byte_in_an_api_body_is_a_problem_document_and_an_escaped_backslash_is_not_one():
    from clubsite.testing.api import ApiClient

    staff = ApiClient(staff_user("manager"))
    equipment = EquipmentFactory()

    # Was a 500: the JSON escape \u0000 is a NUL byte in the text handed to PostgreSQL.
    refused = staff.post("/staff/maintenance", {"equipment": equipment.pk, "issue_description": "Belt\x00 slipping"})
    kept = staff.post("/staff/maintenance", {"equipment": equipment.pk, "issue_description": "Path C:\\u0000"})

    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_character"
    assert kept.status_code == 201, kept.content
    assert MaintenanceRecord.objects.get().issue_description == "Path C:\\u0000"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/member/classes", {"from": "9999-12-31"}),  # was a 500: the window ran past the calendar's last day
        ("/member/classes", {"date": "0001-01-01"}),
        ("/member/metrics", {"to": "3000-01-01"}),
        ("/member/trainers/{trainer}/slots", {"date": "1899-12-31"}),
        ("/member/membership/freezes/preview", {"starts_on": "0001-01-01", "ends_on": "0001-01-31"}),
    ],
)
def test_a_member_api_date_outside_the_clubs_is_refused_with_its_field(member, trainer, path, query):
    from clubsite.testing.api import ApiClient

    response = ApiClient(member.user).get(path.format(trainer=trainer.pk), **query)

    assert response.status_code == 422, response.content
    entry = response.json()["errors"][0]
    assert (entry["code"], entry["message"]) == ("date_out_of_range", OUT_OF_RANGE)
    assert entry["field"] in {"from", "to", "date", "starts_on"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/trainer/schedule", {"week": "9999-12-31"}),
        ("/trainer/schedule", {"start": "0001-01-01", "end": "0001-01-07"}),
        ("/trainer/availability", {"from": "0001-01-01"}),
    ],
)
def test_a_trainer_api_date_outside_the_clubs_is_refused(trainer, path, query):
    from clubsite.testing.api import ApiClient

    response = ApiClient(trainer.user).get(path, **query)

    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["code"] == "date_out_of_range"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "name"),
    [("members:timetable", "date"), ("members:timetable-week", "start")],
)
@pytest.mark.parametrize("value", FAR_QUERY_DATES)
def test_portal_date_parameters_outside_the_clubs_never_break_the_page(member_client, url_name, name, value):
    assert member_client.get(reverse(url_name), {name: value}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("value", FAR_QUERY_DATES)
def test_the_trainers_week_outside_the_clubs_dates_shows_this_week(trainer_client, value):
    assert trainer_client.get(reverse("trainers:schedule"), {"week": value}).status_code == 200


CHANGELISTS = sorted(
    f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist" for model in django_admin.site._registry
)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", CHANGELISTS)
def test_paging_ordering_and_searching_with_junk_never_break_a_back_office_list(superuser_client, url_name):
    url = reverse(url_name)
    for query in (
        {"p": "99999999999999999999"},
        {"p": "-1"},
        {"p": "x"},
        {"o": "99.-x.0"},
        {"o": "1" * 500},
        {"q": "x" * 5000},
        {"all": "", "p": "2"},
    ):
        response = superuser_client.get(url, query)
        assert response.status_code in (200, 302), (query, response.status_code)
