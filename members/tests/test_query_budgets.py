"""Query budgets of the member portal: each page and the dashboard selector cost the same whatever the data."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.services import invoice_issue, payment_record
from billing.tests.factories import InvoiceFactory, InvoiceLineFactory
from members.portal.selectors import member_dashboard
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory
from operations.models import ClassRegistration
from operations.tests.factories import (
    ClassRegistrationFactory,
    GroupClassFactory,
    PersonalTrainingSessionFactory,
    local_time,
)
from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory

# Every page: the session, the user, the member profile and the header's trainer check.
BASE = 4


def grow(member, size: int, *, offset: int = 0) -> None:
    """Give the member (and the club) ``size`` more of everything a portal page lists."""
    now = timezone.now()
    for index in range(offset, offset + size):
        HealthMetricFactory(member=member, recorded_at=now - datetime.timedelta(days=index, hours=1))
        goal_type = ["lose_weight", "reduce_body_fat", "lower_resting_hr", "other"][index % 4]
        unit = {"lose_weight": "kg", "reduce_body_fat": "%", "lower_resting_hr": "bpm", "other": "km"}[goal_type]
        FitnessGoalFactory(member=member, goal_type=goal_type, unit=unit, target_value=Decimal("20"))
        # Upcoming classes in the next 14 days: one seat, one waitlist place; and one attended in the past.
        ClassRegistrationFactory(
            member=member, group_class__booking__start_time=local_time(days=1 + index % 10, hour=6 + index // 10)
        )
        full = GroupClassFactory(capacity=1, booking__start_time=local_time(days=1 + index % 10, hour=20))
        ClassRegistrationFactory(group_class=full)
        ClassRegistrationFactory(member=member, group_class=full, status=ClassRegistration.Status.WAITLISTED)
        ClassRegistrationFactory(
            member=member,
            group_class__booking__start_time=local_time(days=-1 - index, hour=9),
            status=ClassRegistration.Status.ATTENDED,
        )
        PersonalTrainingSessionFactory(member=member, booking__start_time=local_time(days=1 + index % 10, hour=16))
        invoice = InvoiceFactory(
            member=member,
            period_start=datetime.date(2020 + index // 12, 1 + index % 12, 1),
            period_end=datetime.date(2020 + index // 12, 1 + index % 12, 28),
        )
        InvoiceLineFactory(invoice=invoice)
        InvoiceLineFactory(invoice=invoice)
        invoice_issue(invoice=invoice)
        payment_record(invoice=invoice, amount=Decimal("1.00"), method="card")


def _budget(django_assert_num_queries, client, url: str, expected: int, params=None):
    with django_assert_num_queries(expected):
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response


PAGES = [
    # (url name, extra queries beyond BASE)
    ("members:dashboard", 6),  # the six of member_dashboard
    ("members:metrics", 4),  # count, page, chart entries, the consent in force
    ("members:timetable", 4),  # class bookings, count, page, own registrations
    ("members:goals", 2),  # count, page (progress annotated in the page query)
    ("members:training", 3),  # count, page, trainers
    ("members:invoices", 3),  # count, page, outstanding balance
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "extra"), PAGES)
def test_page_query_count_does_not_grow_with_the_data(member_client, member, django_assert_num_queries, name, extra):
    url = reverse(name)
    grow(member, 1)
    small = _budget(django_assert_num_queries, member_client, url, BASE + extra)

    grow(member, 10, offset=1)
    large = _budget(django_assert_num_queries, member_client, url, BASE + extra)

    if "page_obj" in large.context:
        assert len(large.context["page_obj"]) > len(small.context["page_obj"])


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "extra"), [("members:metric-create", 1), ("members:goal-create", 0)])
def test_form_pages_read_nothing_beyond_the_member(member_client, django_assert_num_queries, name, extra):
    # The measurement form reads the consent in force (without it the page says why instead of the form).
    _budget(django_assert_num_queries, member_client, reverse(name), BASE + extra)


@pytest.mark.django_db
def test_the_profile_reads_the_calendar_feed_beyond_the_member(member_client, django_assert_num_queries):
    # The feed's address is shown on the profile: one query, also on the first visit that makes it.
    for _visit in range(2):
        _budget(django_assert_num_queries, member_client, reverse("members:profile"), BASE + 1)


@pytest.mark.django_db
def test_the_dashboard_selector_costs_six_queries_whatever_the_history(member, django_assert_num_queries):
    grow(member, 1)
    with django_assert_num_queries(6):
        small = member_dashboard(member=member)
    grow(member, 12, offset=1)
    with django_assert_num_queries(6):
        large = member_dashboard(member=member)

    assert (len(small.goals), len(large.goals)) == (1, 13)
    assert (small.classes_attended, large.classes_attended) == (1, 13)
    assert len(large.upcoming_classes) == 26 and len(large.upcoming_sessions) == 13
    # Reading what the dashboard template reads costs nothing more.
    with django_assert_num_queries(0):
        for registration in large.upcoming_classes:
            str(registration.group_class.booking.room), str(registration.group_class.booking.trainer)
            registration.waitlist_position  # noqa: B018 - reading it is the point: it must cost no query
        for session in large.upcoming_sessions:
            str(session.booking.room), str(session.booking.trainer)
        [goal.percent for goal in large.goals]


@pytest.mark.django_db
def test_the_invoice_page_costs_the_same_with_more_lines_and_payments(member_client, member, django_assert_num_queries):
    grow(member, 1)
    invoice = member.invoices.get()
    url = reverse("members:invoice-detail", args=[invoice.pk])
    _budget(django_assert_num_queries, member_client, url, BASE + 3)

    more = InvoiceFactory(member=member)
    for _ in range(6):
        InvoiceLineFactory(invoice=more)
    invoice_issue(invoice=more)
    for _ in range(4):
        payment_record(invoice=more, amount=Decimal("1.00"), method="cash")
    _budget(django_assert_num_queries, member_client, reverse("members:invoice-detail", args=[more.pk]), BASE + 3)


@pytest.mark.django_db
def test_the_slot_pages_cost_the_same_with_more_bookings(member_client, member, django_assert_num_queries):
    trainer = TrainerFactory()
    TrainerAvailabilityFactory(
        trainer=trainer, start_time=local_time(days=2, hour=6), end_time=local_time(days=2, hour=21)
    )
    url = reverse("members:pt-book", args=[trainer.pk])
    day = {"date": local_time(days=2, hour=0).date().isoformat()}
    confirm = {"start_time": local_time(days=2, hour=20).isoformat(), "duration": 60}

    # trainer, availability windows, trainer's bookings | trainer, the usual free room, the free rooms listed
    _budget(django_assert_num_queries, member_client, url, BASE + 3, day)
    _budget(django_assert_num_queries, member_client, url, BASE + 3, confirm)
    for hour in range(7, 15):
        PersonalTrainingSessionFactory(booking__trainer=trainer, booking__start_time=local_time(days=2, hour=hour))
    slots = _budget(django_assert_num_queries, member_client, url, BASE + 3, day)
    _budget(django_assert_num_queries, member_client, url, BASE + 3, confirm)

    assert slots.context["slots"][0].start == local_time(days=2, hour=6)
    assert slots.context["slots"][1].start == local_time(days=2, hour=15)


@pytest.mark.django_db
def test_finding_the_first_free_day_costs_two_queries_a_day_looked_at_and_has_a_ceiling(
    member_client, member, django_assert_num_queries, django_assert_max_num_queries
):
    trainer = TrainerFactory()
    url = reverse("members:pt-book", args=[trainer.pk])
    for days in range(1, 40):
        TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=days, hour=8), end_time=local_time(days=days, hour=9)
        )
        PersonalTrainingSessionFactory(booking__trainer=trainer, booking__start_time=local_time(days=days, hour=8))

    # trainer, days with availability, two for each of the 14 days looked at (none free), then today's windows
    # (none: the page falls back to today)
    _budget(django_assert_num_queries, member_client, url, BASE + 2 + 2 * 14 + 1)

    TrainerAvailabilityFactory(
        trainer=trainer, start_time=local_time(days=1, hour=12), end_time=local_time(days=1, hour=13)
    )
    # The first day looked at has a free hour: the search stops there.
    with django_assert_max_num_queries(BASE + 2 + 2 + 2):
        response = member_client.get(url)
    assert response.context["day"] == local_time(days=1, hour=0).date()
