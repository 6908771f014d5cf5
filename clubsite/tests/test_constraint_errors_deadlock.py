"""Two writers that wait for each other: PostgreSQL picks one as the deadlock's victim, and that writer gets the
app's coded clash (as an exclusion constraint's two simultaneous inserts can), never a raw database error."""

from __future__ import annotations

import threading

import pytest
from django.db import transaction

from clubsite.core.db import constraint_errors
from clubsite.testing.races import race
from operations.errors import SchedulingError
from operations.models import Room
from operations.tests.factories import RoomFactory


@pytest.mark.django_db(transaction=True)
def test_the_deadlocks_victim_gets_the_apps_conflict_and_the_other_writer_goes_on():
    rooms = [RoomFactory(), RoomFactory()]
    both_hold_one = threading.Barrier(2)

    def lock_both(index: int) -> str:
        with transaction.atomic():
            Room.objects.select_for_update().get(pk=rooms[index].pk)
            both_hold_one.wait(timeout=30)
            with constraint_errors({}, SchedulingError):
                Room.objects.select_for_update().get(pk=rooms[1 - index].pk)
        return "done"

    outcome = race(lock_both, workers=2)

    assert outcome.results == ["done"]
    assert [(type(error), error.code) for error in outcome.errors] == [(SchedulingError, "conflict")]
