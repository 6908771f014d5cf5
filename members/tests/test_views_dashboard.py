"""Member portal: the dashboard shows the member's own stats, goals, bookings and balance."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.services import invoice_issue, payment_record
from billing.tests.factories import InvoiceFactory, InvoiceLineFactory
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory
from operations.models import ClassRegistration
from operations.tests.factories import (
    ClassRegistrationFactory,
    GroupClassFactory,
    PersonalTrainingSessionFactory,
    local_time,
)


@pytest.mark.django_db
def test_a_new_member_sees_an_empty_dashboard_with_invitations(member_client):
    response = member_client.get(reverse("members:dashboard"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Hello, Ann" in content
    assert "No measurements yet." in content
    assert "No active goals." in content
    assert "£0.00" in content


@pytest.mark.django_db
def test_the_dashboard_shows_latest_stats_with_the_change_since_the_previous_entry(member_client, member):
    now = timezone.now()
    week_ago = now - datetime.timedelta(days=7)
    HealthMetricFactory(member=member, weight=Decimal("80.0"), heart_rate=70, body_fat=None, recorded_at=week_ago)
    HealthMetricFactory(member=member, weight=Decimal("78.5"), heart_rate=72, body_fat=Decimal("20.0"), recorded_at=now)

    response = member_client.get(reverse("members:dashboard"))

    stats = {stat["label"]: (stat["value"], stat["change"]) for stat in response.context["stats"]}
    assert stats == {
        "Weight": (Decimal("78.5"), Decimal("-1.5")),
        "Resting heart rate": (72, 2),
        "Body fat": (Decimal("20.0"), None),
    }
    content = response.content.decode()
    assert "−1.5 kg since the previous entry" in content
    assert "+2 bpm since the previous entry" in content


@pytest.mark.django_db
def test_the_dashboard_shows_active_goals_with_progress(member_client, member):
    created = timezone.now() - datetime.timedelta(days=20)
    HealthMetricFactory(member=member, body_fat=Decimal("30.0"), recorded_at=created - datetime.timedelta(hours=1))
    HealthMetricFactory(member=member, body_fat=Decimal("27.0"), recorded_at=timezone.now())
    active = FitnessGoalFactory(
        member=member, goal_type="reduce_body_fat", target_value=Decimal("20"), unit="%", created_at=created
    )
    FitnessGoalFactory(member=member, is_active=False)

    response = member_client.get(reverse("members:dashboard"))

    [progress] = response.context["dashboard"].goals
    assert (progress.goal, progress.percent) == (active, 30)
    assert 'aria-valuenow="30"' in response.content.decode()


@pytest.mark.django_db
def test_the_dashboard_counts_attended_classes(member_client, member):
    for days, status in ((3, "attended"), (5, "attended"), (7, "cancelled"), (9, "registered")):
        ClassRegistrationFactory(
            member=member, group_class__booking__start_time=local_time(days=-days, hour=9), status=status
        )
    ClassRegistrationFactory(status=ClassRegistration.Status.ATTENDED)  # someone else's

    response = member_client.get(reverse("members:dashboard"))

    assert response.context["dashboard"].classes_attended == 2
    assert '<div class="fs-4" id="classes-attended">2</div>' in response.content.decode()


@pytest.mark.django_db
def test_the_dashboard_lists_the_next_14_days_with_cancel_links_and_waitlist_positions(member_client, member):
    seat = ClassRegistrationFactory(
        member=member, group_class__name="Spin", group_class__booking__start_time=local_time(days=2, hour=9)
    )
    full = GroupClassFactory(name="Yoga", capacity=1, booking__start_time=local_time(days=3, hour=9))
    ClassRegistrationFactory(group_class=full)
    ClassRegistrationFactory(group_class=full, status=ClassRegistration.Status.WAITLISTED)
    waiting = ClassRegistrationFactory(member=member, group_class=full, status=ClassRegistration.Status.WAITLISTED)
    ClassRegistrationFactory(member=member, group_class__booking__start_time=local_time(days=20, hour=9))
    ClassRegistrationFactory(
        member=member,
        group_class__booking__start_time=local_time(days=4, hour=9),
        status=ClassRegistration.Status.CANCELLED,
    )
    session = PersonalTrainingSessionFactory(member=member, booking__start_time=local_time(days=5, hour=15))
    PersonalTrainingSessionFactory(member=member, booking__start_time=local_time(days=16, hour=15))

    response = member_client.get(reverse("members:dashboard"))

    dashboard = response.context["dashboard"]
    assert [(r, r.waitlist_position) for r in dashboard.upcoming_classes] == [(seat, None), (waiting, 2)]
    assert dashboard.upcoming_sessions == [session]
    content = response.content.decode()
    assert reverse("members:registration-cancel", args=[seat.pk]) in content
    assert reverse("members:registration-cancel", args=[waiting.pk]) in content
    assert "Waitlist: number 2" in content
    assert reverse("members:pt-cancel", args=[session.pk]) in content
    assert reverse("members:pt-reschedule", args=[session.pk]) in content


@pytest.mark.django_db
def test_the_dashboard_shows_the_outstanding_balance_of_issued_invoices(member_client, member):
    owing = InvoiceFactory(member=member)
    InvoiceLineFactory(invoice=owing, unit_price=Decimal("49.00"))
    invoice_issue(invoice=owing)
    payment_record(invoice=owing, amount=Decimal("9.00"), method="card")
    draft = InvoiceFactory(member=member, period_start=datetime.date(2020, 1, 1), period_end=datetime.date(2020, 1, 31))
    InvoiceLineFactory(invoice=draft, unit_price=Decimal("100.00"))

    response = member_client.get(reverse("members:dashboard"))

    assert response.context["dashboard"].outstanding_balance == Decimal("40.00")
    assert "£40.00" in response.content.decode()
