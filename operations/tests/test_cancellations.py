"""The one cancellation path: every service that ends a class place or a PT session announces it.

Each case below is one way to cancel. Each sends ``places_cancelled`` with the registrations and sessions it
ended, inside its transaction and after its own writes, with the members locked first; what the receivers
return comes back as the outcome's effects; a receiver that raises undoes the whole cancellation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clubsite.testing import messages_of
from clubsite.testing.jobs import queued
from operations import services
from operations.events import Cancelled, places_cancelled
from operations.models import Booking, ClassRegistration, PersonalTrainingSession
from operations.tests.factories import (
    BookingFactory,
    ClassRegistrationFactory,
    GroupClassFactory,
    PersonalTrainingSessionFactory,
)

pytestmark = pytest.mark.django_db


@dataclasses.dataclass(frozen=True)
class Noted:
    """What the test receiver did: truthy, and worded as a settlement would be."""

    text: str = "noted by the test"

    def __str__(self) -> str:
        return self.text


@dataclasses.dataclass
class Announcement:
    sender: type
    registration_ids: tuple[int, ...]
    pt_session_ids: tuple[int, ...]
    in_transaction: bool
    # The statuses the receiver found: the service's writes are done before it announces.
    registration_statuses: dict[int, str]
    session_statuses: dict[int, str]


@pytest.fixture
def announcements() -> Iterator[list[Announcement]]:
    heard: list[Announcement] = []

    def receiver(sender: type, registration_ids: tuple[int, ...], pt_session_ids: tuple[int, ...], **kwargs: Any):
        heard.append(
            Announcement(
                sender=sender,
                registration_ids=registration_ids,
                pt_session_ids=pt_session_ids,
                in_transaction=connection.in_atomic_block,
                registration_statuses=dict(
                    ClassRegistration.objects.filter(pk__in=registration_ids).values_list("pk", "status")
                ),
                session_statuses=dict(
                    PersonalTrainingSession.objects.filter(pk__in=pt_session_ids).values_list("pk", "booking__status")
                ),
            )
        )
        return Noted()

    places_cancelled.connect(receiver, weak=False, dispatch_uid="operations.tests.record")
    try:
        yield heard
    finally:
        places_cancelled.disconnect(dispatch_uid="operations.tests.record")


@pytest.fixture
def refusing_receiver() -> Iterator[None]:
    def receiver(**kwargs: Any) -> None:
        raise RuntimeError("the bill could not be settled")

    places_cancelled.connect(receiver, weak=False, dispatch_uid="operations.tests.refuse")
    try:
        yield
    finally:
        places_cancelled.disconnect(dispatch_uid="operations.tests.refuse")


@dataclasses.dataclass
class Case:
    """One way to cancel, set up: the call, what it should announce, and the rows it changes."""

    cancel: Callable[[], Cancelled[Any]]
    registration_ids: tuple[int, ...] = ()
    pt_session_ids: tuple[int, ...] = ()
    booking_ids: tuple[int, ...] = ()

    def statuses(self) -> tuple[dict[int, str], dict[int, str]]:
        registrations = ClassRegistration.objects.filter(group_class__booking_id__in=self.booking_ids)
        return (
            dict(registrations.values_list("pk", "status")),
            dict(Booking.objects.filter(pk__in=self.booking_ids).values_list("pk", "status")),
        )


def a_class_with_places():
    group_class = GroupClassFactory(capacity=1)
    seated = ClassRegistrationFactory(group_class=group_class)
    waitlisted = ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)
    ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.CANCELLED)
    return group_class, seated, waitlisted


def class_cancel() -> Case:
    group_class, seated, waitlisted = a_class_with_places()
    return Case(
        lambda: services.class_cancel(group_class=group_class),
        registration_ids=(seated.pk, waitlisted.pk),
        booking_ids=(group_class.booking_id,),
    )


def class_registration_cancel() -> Case:
    group_class, seated, _waitlisted = a_class_with_places()
    return Case(
        lambda: services.class_registration_cancel(registration=seated),
        registration_ids=(seated.pk,),
        booking_ids=(group_class.booking_id,),
    )


def pt_session_cancel_by_member() -> Case:
    session = PersonalTrainingSessionFactory()
    return Case(
        lambda: services.pt_session_cancel(session=session, by_member=True),
        pt_session_ids=(session.pk,),
        booking_ids=(session.booking_id,),
    )


def pt_session_cancel_by_staff() -> Case:
    session = PersonalTrainingSessionFactory()
    return Case(
        lambda: services.pt_session_cancel(session=session, by_member=False),
        pt_session_ids=(session.pk,),
        booking_ids=(session.booking_id,),
    )


def booking_cancel_of_a_class() -> Case:
    group_class, seated, waitlisted = a_class_with_places()
    return Case(
        lambda: services.booking_cancel(booking=group_class.booking),
        registration_ids=(seated.pk, waitlisted.pk),
        booking_ids=(group_class.booking_id,),
    )


def booking_cancel_of_a_session() -> Case:
    session = PersonalTrainingSessionFactory()
    return Case(
        lambda: services.booking_cancel(booking=session.booking),
        pt_session_ids=(session.pk,),
        booking_ids=(session.booking_id,),
    )


def booking_cancel_of_an_event() -> Case:
    event = BookingFactory()
    return Case(lambda: services.booking_cancel(booking=event), booking_ids=(event.pk,))


CASES = [
    class_cancel,
    class_registration_cancel,
    pt_session_cancel_by_member,
    pt_session_cancel_by_staff,
    booking_cancel_of_a_class,
    booking_cancel_of_a_session,
    booking_cancel_of_an_event,
]


@pytest.mark.parametrize("setup", CASES, ids=[case.__name__ for case in CASES])
def test_every_cancellation_announces_what_it_ended_after_its_writes(setup, announcements):
    case = setup()

    outcome = case.cancel()

    assert len(announcements) == 1
    heard = announcements[0]
    assert sorted(heard.registration_ids) == sorted(case.registration_ids)
    assert heard.pt_session_ids == case.pt_session_ids
    assert heard.in_transaction
    assert set(heard.registration_statuses.values()) <= {ClassRegistration.Status.CANCELLED}
    assert set(heard.session_statuses.values()) <= {Booking.Status.CANCELLED}
    assert Noted() in outcome.effects
    assert outcome.effect(Noted) == Noted()


@pytest.mark.parametrize("setup", CASES, ids=[case.__name__ for case in CASES])
def test_a_receiver_that_raises_undoes_the_whole_cancellation(setup, refusing_receiver):
    case = setup()
    before = case.statuses()

    with pytest.raises(RuntimeError):
        case.cancel()

    assert case.statuses() == before
    assert queued() == []  # no member is mailed about a cancellation that did not happen


def test_a_registration_cancel_reports_who_moved_up(announcements):
    group_class, seated, waitlisted = a_class_with_places()

    outcome = services.class_registration_cancel(registration=seated)

    assert outcome.target.status == ClassRegistration.Status.CANCELLED
    assert outcome.promoted == (waitlisted,)
    assert outcome.promoted[0].status == ClassRegistration.Status.REGISTERED
    assert announcements[0].registration_ids == (seated.pk,)


def _lock_order(queries: list[dict[str, str]]) -> list[str]:
    """The tables locked FOR UPDATE, in the order the locks were taken."""
    tables = []
    for query in queries:
        sql = query["sql"]
        if "FOR UPDATE" in sql:
            table = sql.split(" FROM ", 1)[1].split()[0].strip('"')
            if table not in tables:
                tables.append(table)
    return tables


def test_a_class_cancel_locks_every_member_with_a_live_place_before_the_class():
    group_class, seated, waitlisted = a_class_with_places()

    with CaptureQueriesContext(connection) as captured:
        services.class_cancel(group_class=group_class)

    order = _lock_order(captured.captured_queries)
    assert order.index("members_member") < order.index("operations_groupclass")
    member_lock = next(
        q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"] and "members_member" in q["sql"]
    )
    assert str(seated.member_id) in member_lock and str(waitlisted.member_id) in member_lock


@pytest.mark.parametrize(
    ("setup", "after"),
    [
        (class_registration_cancel, "operations_groupclass"),
        (pt_session_cancel_by_staff, "operations_personaltrainingsession"),
    ],
    ids=["registration", "pt-session"],
)
def test_other_cancellations_lock_the_member_first(setup, after):
    case = setup()

    with CaptureQueriesContext(connection) as captured:
        case.cancel()

    order = _lock_order(captured.captured_queries)
    assert order[0] == "members_member"
    assert after in order


# ---------------------------------------------------------------------------------------------
# The admin's cancel actions go the same way, and say what the receivers did
# ---------------------------------------------------------------------------------------------


def _post_action(client, model: str, action: str, pk: int):
    return client.post(
        reverse(f"admin:operations_{model}_changelist"), {"action": action, "_selected_action": [pk]}, follow=True
    )


@pytest.mark.parametrize(
    ("model", "action", "make", "done"),
    [
        (
            "groupclass",
            "cancel_classes",
            lambda: a_class_with_places()[0],
            "1 class cancelled; its members were told.",
        ),
        (
            "classregistration",
            "cancel_registrations",
            lambda: a_class_with_places()[1],
            "1 registration cancelled.",
        ),
        ("personaltrainingsession", "cancel_sessions", PersonalTrainingSessionFactory, "1 session cancelled."),
        ("booking", "cancel_bookings", lambda: PersonalTrainingSessionFactory().booking, "1 booking cancelled."),
    ],
    ids=["class", "registration", "pt-session", "booking"],
)
def test_an_admin_cancel_action_settles_through_the_service_and_says_so(
    admin_client, announcements, model, action, make, done
):
    obj = make()

    response = _post_action(admin_client, model, action, obj.pk)

    assert len(announcements) == 1
    shown = messages_of(response)
    obj.refresh_from_db()  # a registration names its status: cancelled by now
    assert f"{obj}: {Noted()}." in shown
    assert done in shown


def test_an_admin_cancel_action_says_nothing_of_an_effect_that_did_nothing(admin_client):
    # Billing's receiver answers with a falsy settlement when nothing was billed: nothing more to say.
    session = PersonalTrainingSessionFactory()

    response = _post_action(admin_client, "personaltrainingsession", "cancel_sessions", session.pk)

    assert messages_of(response) == ["1 session cancelled."]


def test_a_class_cancel_takes_its_locks_again_when_someone_registered_meanwhile(monkeypatch, announcements):
    from operations.services import classes

    group_class, seated, waitlisted = a_class_with_places()
    real = classes._live_member_ids
    calls = []

    def stale_at_first(class_id: int) -> set[int]:
        calls.append(class_id)
        # The first read misses everyone, as if they had all registered between it and the class's lock.
        return set() if len(calls) == 1 else real(class_id)

    monkeypatch.setattr(classes, "_live_member_ids", stale_at_first)

    outcome = services.class_cancel(group_class=group_class)

    assert len(calls) == 4  # read, check (grown: the locks are given back), read again, check
    assert outcome.target.booking.status == Booking.Status.CANCELLED
    assert sorted(announcements[0].registration_ids) == sorted([seated.pk, waitlisted.pk])
