"""Fixtures shared by every app's tests: the people of a test and, for billing, a member's November.

One name, one meaning: ``member`` is always Ann Archer, the signed-in member of the portal tests; a test
that needs another member makes one with MemberFactory (or asks for ``other_member``, whose data must stay
hidden from Ann). ``trainer`` is always Tara Mendes, the signed-in trainer of the trainer portal tests.
Browser-only fixtures are in clubsite/tests/e2e/conftest.py; factories in <app>/tests/factories.py; helpers
in clubsite.testing.

CLUBSITE_TEST_NOW="2028-02-29 23:30" runs the whole session from that moment on the club's clock (the clock
ticks on from there), before any test module is imported, so module constants such as TODAY see it too:
the suite must pass on any day of the year (`make test-dates` runs it on the awkward ones). A test about one
date travels itself, with time-machine's ``time_machine`` fixture (``time_machine.move_to(moment)``) or
``@time_machine.travel(moment)``.
"""

from __future__ import annotations

import datetime
import os
import zoneinfo
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from billing.models import MembershipPlan
from billing.tests.factories import (
    MembershipFactory,
    MembershipPlanFactory,
    class_registration,
    club_time,
    pt_session,
)
from members.models import Member
from members.tests.factories import MemberFactory
from operations.models import ClassRegistration
from trainers.models import Trainer
from trainers.tests.factories import TrainerFactory

# -- the job queue ----------------------------------------------------------------------------------

#: procrastinate's tables are not Django's to flush (its models are unmanaged), so the jobs a transactional test
#: committed would wait for the next test's worker.
PROCRASTINATE_TABLES = "procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers, procrastinate_workers"


@pytest.fixture(autouse=True)
def _forget_committed_jobs(request: pytest.FixtureRequest, django_db_blocker: Any) -> Iterator[None]:
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        from django.db import connection

        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {PROCRASTINATE_TABLES} RESTART IDENTITY CASCADE")


# -- the clock ----------------------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    moment = os.environ.get("CLUBSITE_TEST_NOW", "").strip()
    if moment:
        when = datetime.datetime.fromisoformat(moment)
        if when.tzinfo is None:
            when = when.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
        traveller = time_machine.travel(when, tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def pytest_report_header(config: pytest.Config) -> str | None:
    moment = os.environ.get("CLUBSITE_TEST_NOW", "").strip()
    return f"club clock travelled to {moment} (CLUBSITE_TEST_NOW)" if moment else None


# -- members ------------------------------------------------------------------------------------


@pytest.fixture
def member() -> Member:
    """Ann Archer, born 1 May 1990 (a fixed birthday: no test depends on a drawn age)."""
    return MemberFactory(user__first_name="Ann", user__last_name="Archer", date_of_birth=datetime.date(1990, 5, 1))


@pytest.fixture
def member_client(client: Client, member: Member) -> Client:
    """A browser signed in as ``member``."""
    client.force_login(member.user)
    return client


@pytest.fixture
def other_member() -> Member:
    """Bob Baker, a second member whose data Ann must never see."""
    return MemberFactory(user__first_name="Bob", user__last_name="Baker")


# -- trainers -----------------------------------------------------------------------------------


@pytest.fixture
def trainer(db: None) -> Trainer:
    """Tara Mendes, the signed-in trainer of the trainer portal tests."""
    return TrainerFactory(user__first_name="Tara", user__last_name="Mendes")


@pytest.fixture
def other_trainer(db: None) -> Trainer:
    """Sam Okafor, a second trainer whose classes and sessions Tara must never see."""
    return TrainerFactory(user__first_name="Sam", user__last_name="Okafor")


@pytest.fixture
def trainer_client(trainer: Trainer) -> Client:
    """A browser signed in as ``trainer`` (a client of its own, beside any ``client`` the test uses)."""
    client = Client()
    client.force_login(trainer.user)
    return client


# -- billing ------------------------------------------------------------------------------------


@pytest.fixture
def gold() -> MembershipPlan:
    return MembershipPlanFactory(name="Gold", monthly_fee=Decimal("49.00"))


@pytest.fixture
def november(member: Member, gold: MembershipPlan) -> dict[str, object]:
    """Gold since September, one PT session and one attended paid class in November 2026: 49 + 40 + 8."""
    return {
        "membership": MembershipFactory(member=member, plan=gold, started_on=datetime.date(2026, 9, 15)),
        "pt": pt_session(member, club_time(2026, 11, 10, 14)),
        "registration": class_registration(
            member, club_time(2026, 11, 12, 18), status=ClassRegistration.Status.ATTENDED
        ),
    }


# -- staff who must use two-factor sign-in ----------------------------------------------------------


@pytest.fixture
def admin_client(db: None, admin_user: Any) -> Client:
    """pytest-django's signed-in superuser, as a finished sign-in leaves a superuser: with a confirmed
    authenticator and the session verified by it (clubsite.testing.twofactor), so the back office opens."""
    from clubsite.testing.twofactor import sign_in

    return sign_in(Client(), admin_user)
