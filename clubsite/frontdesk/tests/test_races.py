"""Two scans of one member at once (two desks, a scanner that beeps twice) make one visit and mark the class once."""

from __future__ import annotations

import pytest

from clubsite.frontdesk.models import Visit
from clubsite.frontdesk.services import visit_record
from clubsite.testing.races import race
from members.tests.factories import MemberFactory
from operations.models import ClassRegistration
from operations.tests.factories import ClassRegistrationFactory, local_time

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_check_ins_make_one_visit():
    member = MemberFactory()
    # A class under way for the whole test, whenever it runs.
    seat = ClassRegistrationFactory(
        member=member,
        group_class__booking__start_time=local_time(days=-1, hour=0),
        group_class__booking__end_time=local_time(days=1, hour=0),
    )

    outcome = race(lambda _index: visit_record(member=member, by=None, method=Visit.Method.CARD), workers=2)

    assert outcome.errors == []
    assert Visit.objects.filter(member=member).count() == 1
    assert sorted(result.repeated for result in outcome.results) == [False, True]
    assert len({result.visit.pk for result in outcome.results}) == 1
    seat.refresh_from_db()
    assert seat.status == ClassRegistration.Status.ATTENDED
    assert sum(len(result.marked) for result in outcome.results) == 1
