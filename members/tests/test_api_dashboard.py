"""The dashboard over the API: the member_dashboard selector the portal's home page reads."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.services import invoice_issue
from billing.tests.factories import InvoiceFactory, InvoiceLineFactory
from clubsite.testing.api import ApiClient
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory
from operations.models import ClassRegistration
from operations.tests.factories import (
    ClassRegistrationFactory,
    GroupClassFactory,
    PersonalTrainingSessionFactory,
    local_time,
)


@pytest.mark.django_db
def test_the_dashboard_shows_what_the_home_page_shows_in_a_fixed_number_of_queries(
    member, other_member, django_assert_max_num_queries
):
    now = timezone.now()
    HealthMetricFactory(member=member, weight=Decimal("82.0"), recorded_at=now - datetime.timedelta(days=7))
    HealthMetricFactory(member=member, weight=Decimal("80.5"), recorded_at=now - datetime.timedelta(days=1))
    goal = FitnessGoalFactory(member=member)
    FitnessGoalFactory(member=member, is_active=False)
    seat = ClassRegistrationFactory(
        member=member, group_class=GroupClassFactory(booking__start_time=local_time(days=2, hour=9))
    )
    full = GroupClassFactory(capacity=1, booking__start_time=local_time(days=3, hour=9))
    ClassRegistrationFactory(group_class=full)
    waiting = ClassRegistrationFactory(member=member, group_class=full, status=ClassRegistration.Status.WAITLISTED)
    ClassRegistrationFactory(
        member=member,
        status=ClassRegistration.Status.ATTENDED,
        group_class__booking__start_time=local_time(days=-3, hour=9),
    )
    session = PersonalTrainingSessionFactory(member=member, booking__start_time=local_time(days=4, hour=14))
    PersonalTrainingSessionFactory(member=other_member)
    invoice = InvoiceFactory(member=member)
    InvoiceLineFactory(invoice=invoice, unit_price=Decimal("12.50"))
    invoice_issue(invoice=invoice)
    api = ApiClient(member.user)
    api.get("/member/profile")

    # the token, the member, the six of member_dashboard, and the covers of the upcoming seats
    with django_assert_max_num_queries(9):
        response = api.get("/member/dashboard")

    assert response.status_code == 200, response.content
    board = response.json()
    assert Decimal(board["latest_metric"]["weight"]) == Decimal("80.5")
    assert Decimal(board["previous_metric"]["weight"]) == Decimal("82.0")
    assert Decimal(board["changes"]["weight"]) == Decimal("-1.5")
    assert [item["id"] for item in board["goals"]] == [goal.pk]
    assert board["classes_attended"] == 1
    assert [(item["id"], item["status"], item["waitlist_position"]) for item in board["upcoming_classes"]] == [
        (seat.pk, "registered", None),
        (waiting.pk, "waitlisted", 1),
    ]
    assert [item["id"] for item in board["upcoming_sessions"]] == [session.pk]
    assert Decimal(board["outstanding_balance"]) == Decimal("12.50")
    assert board["days"] == 14


@pytest.mark.django_db
def test_a_new_members_dashboard_is_empty_not_an_error(member):
    board = ApiClient(member.user).get("/member/dashboard").json()

    assert board["latest_metric"] is None
    assert board["changes"] == {"weight": None, "heart_rate": None, "body_fat": None}
    assert (board["goals"], board["upcoming_classes"], board["upcoming_sessions"]) == ([], [], [])
    assert Decimal(board["outstanding_balance"]) == 0
