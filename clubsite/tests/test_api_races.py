"""Races over the API: fifty apps, each with its own member's personal access token, call at the same moment.

As in test_http_races.py, the live server answers each request in a thread of its own with its own database
connection, so the calls overlap inside PostgreSQL; ``clubsite.testing.races.race`` releases them together.
Exactly one wins; the others get the API's answer for the case (a waitlist place, a 409); nobody sees a 500.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import requests

from clubsite.accounts.services import token_create
from clubsite.testing.races import race
from members.tests.factories import MemberFactory
from operations.models import ClassRegistration, PersonalTrainingSession
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory, local_time
from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory

CALLERS = 50
TIMEOUT = 60  # seconds; a request queued behind the others on a busy 2-core machine still answers well within it

pytestmark = pytest.mark.django_db(transaction=True)


def member_tokens(count: int) -> list[str]:
    members = [MemberFactory(user__email=f"app{number:02d}@clubsite.test") for number in range(count)]
    return [token_create(user=member.user, name="race")[1] for member in members]


def call_together(live_server, tokens: list[str], path: str, body: dict | None = None) -> list[requests.Response]:
    """Every app POSTs ``body`` to ``path`` at once, each on a connection it opened before (as an app that has
    been talking to the API would): fifty new connections at one instant would overflow the test server's
    listen queue, which is not what is being tested."""
    sessions = []
    for token in tokens:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        assert session.get(f"{live_server.url}/api/v1/member/profile", timeout=TIMEOUT).status_code == 200
        sessions.append(session)
    url = f"{live_server.url}/api/v1{path}"

    def call(index: int) -> requests.Response:
        return sessions[index].post(url, json=body or {}, timeout=TIMEOUT)

    outcome = race(call, workers=len(tokens), timeout=TIMEOUT * 2)
    assert outcome.errors == []
    return outcome.results


def test_fifty_apps_register_for_the_last_seat_and_exactly_one_is_seated(live_server):
    group_class = GroupClassFactory(name="Last Seat Spin", capacity=2, booking__start_time=local_time(days=2, hour=18))
    ClassRegistrationFactory(group_class=group_class)  # one seat left
    tokens = member_tokens(CALLERS)

    responses = call_together(live_server, tokens, f"/member/classes/{group_class.pk}/registration")

    assert sorted({response.status_code for response in responses}) == [201], [r.text for r in responses][:3]
    statuses = sorted(response.json()["status"] for response in responses)
    assert statuses == ["registered"] + ["waitlisted"] * (CALLERS - 1)
    # Each of the others is told which place in the queue they hold: 1 to 49, each once.
    places = sorted(
        response.json()["waitlist_position"] for response in responses if response.json()["status"] == "waitlisted"
    )
    assert places == list(range(1, CALLERS))
    live = ClassRegistration.objects.filter(group_class=group_class)
    assert live.filter(status=ClassRegistration.Status.REGISTERED).count() == 2
    assert live.filter(status=ClassRegistration.Status.WAITLISTED).count() == CALLERS - 1


def test_fifty_apps_book_one_personal_training_slot_and_exactly_one_gets_it(live_server):
    trainer = TrainerFactory(user__first_name="Tara", user__last_name="Mendes", hourly_rate=Decimal("40.00"))
    start = local_time(days=2, hour=9)
    TrainerAvailabilityFactory(trainer=trainer, start_time=start, end_time=start + datetime.timedelta(hours=4))
    tokens = member_tokens(CALLERS)
    slot = {"trainer": trainer.pk, "start_time": start.isoformat(), "duration": 60}

    responses = call_together(live_server, tokens, "/member/pt-sessions", slot)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * (CALLERS - 1), statuses
    refusals = [response.json() for response in responses if response.status_code == 409]
    assert {response.headers["Content-Type"] for response in responses if response.status_code == 409} == {
        "application/problem+json"
    }
    # Each of the others is told the time was just taken (the code the portal's message comes from).
    assert {problem["code"] for problem in refusals} == {"trainer_booked_by"}, refusals[:3]
    session = PersonalTrainingSession.objects.select_related("booking").get()
    assert (session.booking.trainer_id, session.booking.start_time) == (trainer.pk, start)
    winner = next(response.json() for response in responses if response.status_code == 201)
    assert winner["id"] == session.pk
    assert Decimal(str(winner["price"])) == Decimal("40.00")
