"""Fixtures shared by the billing tests: a member with a plan, a PT session and a class in November 2026."""

import datetime
from decimal import Decimal

import pytest

from billing.tests.factories import (
    MembershipFactory,
    MembershipPlanFactory,
    class_registration,
    club_time,
    pt_session,
)
from members.tests.factories import MemberFactory
from operations.models import ClassRegistration


@pytest.fixture
def member():
    return MemberFactory()


@pytest.fixture
def gold():
    return MembershipPlanFactory(name="Gold", monthly_fee=Decimal("49.00"))


@pytest.fixture
def november(member, gold):
    """Gold since September, one PT session and one attended paid class in November 2026: 49 + 40 + 8."""
    return {
        "membership": MembershipFactory(member=member, plan=gold, started_on=datetime.date(2026, 9, 15)),
        "pt": pt_session(member, club_time(2026, 11, 10, 14)),
        "registration": class_registration(
            member, club_time(2026, 11, 12, 18), status=ClassRegistration.Status.ATTENDED
        ),
    }
