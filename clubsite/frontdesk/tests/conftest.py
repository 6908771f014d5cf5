"""The front desk's scene: a fixed morning at the club (so "today" and "in 20 minutes" are the same day), the
desk's staff, and members with an active, a frozen and an ended membership."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from billing.models import MembershipFreeze
from billing.tests.factories import MembershipFactory, MembershipPlanFactory
from clubsite.core.clock import club_datetime
from clubsite.testing.roles import staff_user
from members.tests.factories import MemberFactory
from operations.models import ClassRegistration
from operations.tests.factories import ClassRegistrationFactory

#: A Wednesday morning at the club.
MORNING = club_datetime(datetime.date(2027, 3, 10), datetime.time(9, 40))
TODAY = MORNING.date()


@pytest.fixture
def at_the_desk(time_machine):
    """The clock stopped at 09:40 on 10 March 2027 (club time)."""
    time_machine.move_to(MORNING, tick=False)
    return MORNING


@pytest.fixture
def desk_user(at_the_desk):
    return staff_user("front_desk", first_name="Dee", last_name="Desk", email="dee@clubsite.test")


@pytest.fixture
def desk_client(desk_user) -> Client:
    client = Client()
    client.force_login(desk_user)
    return client


@pytest.fixture
def gold_member(at_the_desk):
    """Ann Archer, on Gold since last year."""
    member = MemberFactory(user__first_name="Ann", user__last_name="Archer", user__email="ann@clubsite.test")
    MembershipFactory(
        member=member,
        plan=MembershipPlanFactory(name="Gold", monthly_fee=Decimal("49.00")),
        started_on=TODAY - datetime.timedelta(days=200),
    )
    return member


@pytest.fixture
def frozen_member(at_the_desk):
    member = MemberFactory(user__first_name="Fran", user__last_name="Frost")
    membership = MembershipFactory(member=member, started_on=TODAY - datetime.timedelta(days=100))
    MembershipFreeze.objects.create(
        membership=membership, starts_on=TODAY - datetime.timedelta(days=3), ends_on=TODAY + datetime.timedelta(days=11)
    )
    return member


@pytest.fixture
def ended_member(at_the_desk):
    member = MemberFactory(user__first_name="Ed", user__last_name="Ended")
    MembershipFactory(
        member=member, started_on=TODAY - datetime.timedelta(days=100), ended_on=TODAY - datetime.timedelta(days=5)
    )
    return member


def seat_at(member, minutes_from_now: int, *, status=ClassRegistration.Status.REGISTERED, minutes_long: int = 60):
    """A seat of ``member`` in a class of its own starting ``minutes_from_now`` after MORNING."""
    start = MORNING + datetime.timedelta(minutes=minutes_from_now)
    return ClassRegistrationFactory(
        member=member,
        group_class__booking__start_time=start,
        group_class__booking__end_time=start + datetime.timedelta(minutes=minutes_long),
        status=status,
        **({"offer_expires_at": start} if status == ClassRegistration.Status.OFFERED else {}),
    )
