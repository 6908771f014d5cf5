"""Finding a member at the desk, and the visits the desk and the dashboard count."""

from __future__ import annotations

import datetime

import pytest

from clubsite.core.clock import club_datetime
from clubsite.frontdesk.models import Visit
from clubsite.frontdesk.selectors import find_exact, find_members, member_visits, todays_arrivals, visits_per_hour
from members.services import member_card_rotate
from members.tests.factories import MemberFactory

from .conftest import TODAY
from .factories import VisitFactory

pytestmark = pytest.mark.django_db


class TestFinding:
    def test_a_card_code_finds_its_member(self, gold_member):
        found = find_exact(gold_member.card_code)

        assert (found.member, found.method) == (gold_member, Visit.Method.CARD)

    def test_a_member_number_finds_its_member_with_or_without_the_zeros(self, gold_member):
        assert find_exact(gold_member.number).member == gold_member
        assert find_exact(str(gold_member.pk)).method == Visit.Method.NUMBER

    def test_a_rotated_card_code_finds_nobody(self, gold_member):
        old = gold_member.card_code

        member_card_rotate(member=gold_member)

        assert find_exact(old) is None
        gold_member.refresh_from_db()
        assert find_exact(gold_member.card_code).member == gold_member

    @pytest.mark.parametrize("term", ["", "   ", "nope", "99999999", "9" * 40])
    def test_nothing_exact_finds_nobody(self, gold_member, term):
        assert find_exact(term) is None

    def test_a_name_finds_up_to_ten_members_by_name(self, gold_member):
        for index in range(12):
            MemberFactory(user__first_name="Archibald", user__last_name=f"Smith{index}")
        MemberFactory(user__first_name="Bea", user__last_name="Baker")

        assert find_members("ann arch") == [gold_member]
        assert len(find_members("archibald")) == 10
        assert find_members("a") == []  # one letter is most of the club

    def test_an_exact_code_comes_before_names(self, gold_member):
        assert find_members(gold_member.card_code) == [gold_member]


class TestVisits:
    def test_todays_arrivals_are_todays_latest_first(self, at_the_desk):
        early = VisitFactory(checked_in_at=club_datetime(TODAY, datetime.time(7, 5)))
        later = VisitFactory(checked_in_at=club_datetime(TODAY, datetime.time(9, 0)))
        VisitFactory(checked_in_at=club_datetime(TODAY - datetime.timedelta(days=1), datetime.time(23, 59)))

        assert list(todays_arrivals(day=TODAY)) == [later, early]

    def test_a_members_visits_are_theirs_latest_first(self, gold_member):
        first = VisitFactory(member=gold_member, checked_in_at=club_datetime(TODAY, datetime.time(7, 0)))
        second = VisitFactory(member=gold_member, checked_in_at=club_datetime(TODAY, datetime.time(8, 0)))
        VisitFactory()

        assert list(member_visits(member=gold_member)) == [second, first]

    def test_visits_per_hour_count_each_hour_of_the_club_day(self, at_the_desk):
        for hour, minute in [(7, 0), (7, 59), (9, 30), (23, 10)]:
            VisitFactory(checked_in_at=club_datetime(TODAY, datetime.time(hour, minute)))
        VisitFactory(checked_in_at=club_datetime(TODAY + datetime.timedelta(days=1), datetime.time(7, 0)))

        hours = dict((moment.hour, count) for moment, count in visits_per_hour(day=TODAY))

        assert (hours[7], hours[8], hours[9], hours[23]) == (2, 0, 1, 1)
        assert min(hours) == 6 and max(hours) == 23
        assert sum(hours.values()) == 4
