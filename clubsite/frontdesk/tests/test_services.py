"""Checking in at the desk: the visit, its membership snapshot, one visit per arrival, and class attendance."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings

from clubsite.frontdesk.errors import FrontDeskError
from clubsite.frontdesk.models import StaffNote, Visit
from clubsite.frontdesk.services import SAME_VISIT, note_add, visit_record
from clubsite.testing.errors import refused
from members.models import Member
from members.tests.factories import MemberFactory
from operations.events import attendance_marked
from operations.models import Booking, ClassRegistration
from operations.services.checkin import class_checkin

from .conftest import MORNING, seat_at

pytestmark = pytest.mark.django_db

Status = ClassRegistration.Status


def status_of(registration) -> str:
    registration.refresh_from_db()
    return registration.status


class TestVisitRecord:
    def test_a_check_in_records_the_visit_with_the_membership_at_the_door(self, gold_member, desk_user):
        outcome = visit_record(member=gold_member, by=desk_user, method=Visit.Method.CARD)

        visit = Visit.objects.get()
        assert outcome.visit == visit and not outcome.repeated
        assert (visit.member, visit.checked_in_by, visit.method) == (gold_member, desk_user, "card")
        assert (visit.checked_in_at, visit.membership_status) == (MORNING, "active")

    def test_a_frozen_member_is_checked_in_and_the_visit_says_frozen(self, frozen_member, desk_user):
        outcome = visit_record(member=frozen_member, by=desk_user, method=Visit.Method.NAME)

        assert outcome.visit.membership_status == "frozen"

    def test_an_ended_or_absent_membership_is_recorded_too(self, ended_member, desk_user):
        nobody = MemberFactory()

        ended = visit_record(member=ended_member, by=desk_user, method=Visit.Method.NUMBER)
        never = visit_record(member=nobody, by=None, method=Visit.Method.NUMBER)

        assert (ended.visit.membership_status, never.visit.membership_status) == ("ended", "none")
        assert Visit.objects.count() == 2

    def test_a_second_scan_within_two_minutes_is_the_same_visit(self, gold_member, desk_user, time_machine):
        first = visit_record(member=gold_member, by=desk_user, method=Visit.Method.CARD)
        time_machine.move_to(MORNING + SAME_VISIT - datetime.timedelta(seconds=1), tick=False)

        again = visit_record(member=gold_member, by=desk_user, method=Visit.Method.CARD)

        assert again.repeated and again.visit == first.visit
        assert Visit.objects.count() == 1

    def test_a_later_arrival_is_a_new_visit(self, gold_member, desk_user, time_machine):
        visit_record(member=gold_member, by=desk_user, method=Visit.Method.CARD)
        time_machine.move_to(MORNING + SAME_VISIT, tick=False)

        later = visit_record(member=gold_member, by=desk_user, method=Visit.Method.CARD)

        assert not later.repeated
        assert Visit.objects.count() == 2

    def test_how_the_member_was_found_must_be_one_of_the_methods(self, gold_member, desk_user):
        with refused("method_invalid", FrontDeskError):
            visit_record(member=gold_member, by=desk_user, method="telepathy")
        assert not Visit.objects.exists()

    def test_a_member_who_is_gone_is_refused(self, at_the_desk, desk_user):
        with refused("member_required", FrontDeskError):
            visit_record(member=None, by=desk_user, method=Visit.Method.CARD)
        with refused("member_not_found", FrontDeskError):
            visit_record(member=Member(pk=987654), by=desk_user, method=Visit.Method.CARD)


class TestClassAttendance:
    def test_checking_in_20_minutes_before_a_booked_class_marks_it_attended(self, gold_member, desk_user):
        seat = seat_at(gold_member, 20)

        outcome = visit_record(member=gold_member, by=desk_user, method=Visit.Method.CARD)

        assert status_of(seat) == Status.ATTENDED
        assert [registration.pk for registration in outcome.marked] == [seat.pk]

    def test_40_minutes_before_is_too_early(self, gold_member, desk_user):
        seat = seat_at(gold_member, 40)

        outcome = visit_record(member=gold_member, by=desk_user, method=Visit.Method.CARD)

        assert status_of(seat) == Status.REGISTERED
        assert outcome.marked == ()

    def test_exactly_the_window_counts(self, gold_member, desk_user):
        seat = seat_at(gold_member, 30)

        visit_record(member=gold_member, by=desk_user, method=Visit.Method.CARD)

        assert status_of(seat) == Status.ATTENDED

    @override_settings(CLUB_CHECKIN_EARLY_MINUTES=45)
    def test_the_window_is_a_setting(self, gold_member, desk_user):
        seat = seat_at(gold_member, 40)

        visit_record(member=gold_member, by=desk_user, method=Visit.Method.CARD)

        assert status_of(seat) == Status.ATTENDED

    def test_a_class_already_under_way_is_marked_and_one_over_is_not(self, gold_member, desk_user):
        under_way = seat_at(gold_member, -15)
        over = seat_at(gold_member, -90)

        visit_record(member=gold_member, by=desk_user, method=Visit.Method.CARD)

        assert (status_of(under_way), status_of(over)) == (Status.ATTENDED, Status.REGISTERED)

    def test_a_late_arrival_marked_no_show_becomes_attended(self, gold_member, desk_user):
        seat = seat_at(gold_member, -10, status=Status.NO_SHOW)

        visit_record(member=gold_member, by=desk_user, method=Visit.Method.CARD)

        assert status_of(seat) == Status.ATTENDED

    def test_waitlisted_offered_and_cancelled_places_are_not_marked(self, gold_member, desk_user):
        waiting = seat_at(gold_member, 10, status=Status.WAITLISTED)
        offered = seat_at(gold_member, 15, status=Status.OFFERED)
        given_up = seat_at(gold_member, 20, status=Status.CANCELLED)

        outcome = visit_record(member=gold_member, by=desk_user, method=Visit.Method.CARD)

        assert [status_of(r) for r in (waiting, offered, given_up)] == [
            Status.WAITLISTED,
            Status.OFFERED,
            Status.CANCELLED,
        ]
        assert outcome.marked == ()

    def test_a_cancelled_class_is_not_marked(self, gold_member, desk_user):
        seat = seat_at(gold_member, 10)
        Booking.objects.filter(pk=seat.group_class.booking_id).update(status=Booking.Status.CANCELLED)

        visit_record(member=gold_member, by=desk_user, method=Visit.Method.CARD)

        assert status_of(seat) == Status.REGISTERED

    def test_another_members_seat_is_not_marked(self, gold_member, desk_user):
        someone_else = seat_at(MemberFactory(), 10)

        visit_record(member=gold_member, by=desk_user, method=Visit.Method.CARD)

        assert status_of(someone_else) == Status.REGISTERED

    def test_a_frozen_member_still_has_their_class_marked(self, frozen_member, desk_user):
        seat = seat_at(frozen_member, 10)

        visit_record(member=frozen_member, by=desk_user, method=Visit.Method.CARD)

        assert status_of(seat) == Status.ATTENDED

    def test_billing_hears_which_places_were_marked(self, gold_member, at_the_desk):
        first, second = seat_at(gold_member, 5, minutes_long=30), seat_at(gold_member, 25)
        heard = []

        def receiver(sender, **kwargs):
            heard.append(kwargs)

        attendance_marked.connect(receiver, dispatch_uid="frontdesk-test")
        try:
            marked = class_checkin(member=gold_member, at=MORNING)
        finally:
            attendance_marked.disconnect(dispatch_uid="frontdesk-test")

        assert [r.pk for r in marked] == [first.pk, second.pk]
        assert len(heard) == 1
        assert sorted(heard[0]["attended_ids"]) == sorted([first.pk, second.pk])
        assert tuple(heard[0]["no_show_ids"]) == ()

    def test_nothing_to_mark_says_nothing(self, gold_member, at_the_desk):
        heard = []
        attendance_marked.connect(lambda sender, **kwargs: heard.append(kwargs), weak=False, dispatch_uid="quiet")
        try:
            assert class_checkin(member=gold_member, at=MORNING) == []
        finally:
            attendance_marked.disconnect(dispatch_uid="quiet")
        assert heard == []

    def test_a_repeated_scan_marks_nothing_more(self, gold_member, desk_user):
        visit_record(member=gold_member, by=desk_user, method=Visit.Method.CARD)
        seat = seat_at(gold_member, 10)  # booked at the desk a moment later

        again = visit_record(member=gold_member, by=desk_user, method=Visit.Method.CARD)

        assert again.repeated and again.marked == ()
        assert status_of(seat) == Status.REGISTERED


class TestNotes:
    def test_a_note_is_saved_with_its_author(self, gold_member, desk_user):
        note = note_add(member=gold_member, author=desk_user, text="  Asked about a freeze in May.  ")

        assert StaffNote.objects.get() == note
        assert (note.member, note.author, note.text) == (gold_member, desk_user, "Asked about a freeze in May.")

    @pytest.mark.parametrize("text", ["", "   ", None])
    def test_an_empty_note_is_refused(self, gold_member, desk_user, text):
        with refused("note_required", FrontDeskError):
            note_add(member=gold_member, author=desk_user, text=text)

    def test_a_note_too_long_is_refused(self, gold_member, desk_user):
        with refused("note_too_long", FrontDeskError) as caught:
            note_add(member=gold_member, author=desk_user, text="x" * 2001)
        assert caught.value.field == "text"
        assert not StaffNote.objects.exists()

    def test_a_note_needs_a_member(self, desk_user, db):
        with refused("member_required", FrontDeskError):
            note_add(member=None, author=desk_user, text="Hello")
