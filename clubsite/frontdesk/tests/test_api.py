"""The front desk over the API: check-ins by card code, number and picked member, arrivals, search, the member
overview and notes, with their problem documents; and who may call each (every kind of caller)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from clubsite.frontdesk.models import StaffNote, Visit
from clubsite.testing.api import ApiClient
from clubsite.testing.api_roles import assert_each_caller_gets_what_its_role_allows, operations_of
from clubsite.testing.roles import staff_user
from members.tests.factories import MemberFactory
from operations.models import ClassRegistration

from .api_access import API_ACCESS
from .conftest import seat_at
from .factories import StaffNoteFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(desk_user) -> ApiClient:
    return ApiClient(desk_user)


def test_every_front_desk_endpoint_has_an_entry():
    ours = operations_of("/api/v1/staff/desk/") | {
        operation for operation in operations_of("/api/v1/staff/members/") if operation.startswith("staff_member_")
    } - {"staff_member_search"}
    assert ours == set(API_ACCESS)


class TestCheckIn:
    def test_a_card_code_checks_in_and_answers_the_desk_card(self, desk, gold_member, desk_user):
        seat = seat_at(gold_member, 20)

        response = desk.post("/staff/desk/checkins", {"query": gold_member.card_code})

        assert response.status_code == 201, response.content
        body = response.json()
        assert body["member"] == {
            "id": gold_member.pk,
            "number": gold_member.number,
            "name": "Ann Archer",
            "email": "ann@clubsite.test",
        }
        assert (body["membership"]["status"], body["membership"]["plan"]) == ("active", "Gold")
        assert body["balance"] == "0.00" or float(body["balance"]) == 0
        assert body["credits"] == 0
        [booked] = body["classes"]
        assert (booked["registration_id"], booked["status"], booked["marked_now"]) == (seat.pk, "attended", True)
        assert (body["visit"]["method"], body["visit"]["checked_in_by"]) == ("card", "Dee Desk")
        assert body["repeated"] is False

    def test_a_member_number_or_a_picked_member_checks_in(self, desk, gold_member, ended_member):
        by_number = desk.post("/staff/desk/checkins", {"query": gold_member.number})
        picked = desk.post("/staff/desk/checkins", {"member_id": ended_member.pk})

        assert (by_number.status_code, picked.status_code) == (201, 201)
        assert picked.json()["membership"]["status"] == "ended"
        assert sorted(Visit.objects.values_list("method", flat=True)) == ["name", "number"]

    def test_a_second_scan_answers_the_first_visit(self, desk, gold_member):
        first = desk.post("/staff/desk/checkins", {"query": gold_member.card_code})

        again = desk.post("/staff/desk/checkins", {"query": gold_member.card_code})

        assert again.status_code == 200
        assert again.json()["repeated"] is True
        assert again.json()["visit"]["id"] == first.json()["visit"]["id"]

    def test_a_frozen_member_is_checked_in_and_the_answer_says_frozen(self, desk, frozen_member):
        body = desk.post("/staff/desk/checkins", {"query": frozen_member.card_code}).json()

        assert body["membership"]["status"] == "frozen"
        assert body["membership"]["frozen_until"]

    def test_an_unknown_code_is_a_404_problem(self, desk, at_the_desk):
        response = desk.post("/staff/desk/checkins", {"query": "no-such-card"})

        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert (response.json()["code"], response.json()["field"]) == ("member_not_found", "query")

    def test_an_unknown_member_id_is_a_404_problem(self, desk, at_the_desk):
        response = desk.post("/staff/desk/checkins", {"member_id": 987654})

        assert (response.status_code, response.json()["field"]) == (404, "member_id")

    def test_an_empty_query_is_a_422_problem(self, desk, at_the_desk):
        response = desk.post("/staff/desk/checkins", {})

        assert (response.status_code, response.json()["code"]) == (422, "query_required")

    def test_a_member_token_is_refused(self, gold_member):
        response = ApiClient(gold_member.user).post("/staff/desk/checkins", {"query": gold_member.card_code})

        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
        assert not Visit.objects.exists()


class TestLists:
    def test_todays_arrivals(self, desk, gold_member):
        VisitFactory(member=gold_member)

        body = desk.get("/staff/desk/arrivals").json()

        assert body["count"] == 1
        assert body["items"][0]["member"]["name"] == "Ann Archer"

    def test_search_by_name_number_and_code(self, desk, gold_member):
        assert [m["id"] for m in desk.get("/staff/desk/search", q="ann arch").json()] == [gold_member.pk]
        assert [m["id"] for m in desk.get("/staff/desk/search", q=gold_member.number).json()] == [gold_member.pk]
        assert [m["id"] for m in desk.get("/staff/desk/search", q=gold_member.card_code).json()] == [gold_member.pk]
        assert desk.get("/staff/desk/search", q="zzqx").json() == []


class TestMemberOverview:
    def test_the_overview_holds_the_member_page(self, desk, gold_member):
        seat_at(gold_member, -60 * 24, status=ClassRegistration.Status.ATTENDED)
        seat_at(gold_member, -60 * 48, status=ClassRegistration.Status.NO_SHOW)
        VisitFactory(member=gold_member)
        StaffNoteFactory(member=gold_member, text="Knee injury.")

        response = desk.get(f"/staff/members/{gold_member.pk}/overview")

        assert response.status_code == 200
        body = response.json()
        assert (body["member"]["number"], body["membership"]["plan"]) == (gold_member.number, "Gold")
        assert (body["classes_attended"], body["classes_missed"], body["attendance_rate"]) == (1, 1, 50)
        assert body["visits_this_month"] == 1
        assert [note["text"] for note in body["notes"]] == ["Knee injury."]

    def test_an_unknown_member_is_a_404_problem(self, desk, at_the_desk):
        response = desk.get("/staff/members/987654/overview")

        assert (response.status_code, response.json()["code"]) == (404, "not_found")
        assert desk.get("/staff/members/987654/notes").status_code == 404
        assert desk.post("/staff/members/987654/notes", {"text": "Hi"}).status_code == 404

    def test_notes_are_added_and_listed(self, desk, gold_member):
        added = desk.post(f"/staff/members/{gold_member.pk}/notes", {"text": "Prefers mornings."})

        assert added.status_code == 201
        assert (added.json()["text"], added.json()["author"]) == ("Prefers mornings.", "Dee Desk")
        listed = desk.get(f"/staff/members/{gold_member.pk}/notes").json()
        assert [note["text"] for note in listed["items"]] == ["Prefers mornings."]

    def test_an_empty_note_is_a_422_problem(self, desk, gold_member):
        response = desk.post(f"/staff/members/{gold_member.pk}/notes", {"text": "  "})

        assert (response.status_code, response.json()["code"], response.json()["field"]) == (
            422,
            "note_required",
            "text",
        )
        assert not StaffNote.objects.exists()

    def test_a_member_token_cannot_read_staff_notes_even_their_own(self, gold_member):
        StaffNoteFactory(member=gold_member)

        response = ApiClient(gold_member.user).get(f"/staff/members/{gold_member.pk}/notes")

        assert response.status_code == 403


CALLS: dict[str, Callable[[dict[str, Any]], tuple[str, str, Any]]] = {
    "staff_desk_checkin": lambda s: ("POST", "/staff/desk/checkins", {"member_id": s["member"].pk}),
    "staff_desk_arrivals": lambda s: ("GET", "/staff/desk/arrivals", None),
    "staff_desk_search": lambda s: ("GET", "/staff/desk/search", {"q": "ann"}),
    "staff_member_overview": lambda s: ("GET", f"/staff/members/{s['member'].pk}/overview", None),
    "staff_member_note_list": lambda s: ("GET", f"/staff/members/{s['member'].pk}/notes", None),
    "staff_member_note_add": lambda s: ("POST", f"/staff/members/{s['member'].pk}/notes", {"text": "Hello"}),
}


def test_every_entry_has_a_call():
    assert set(CALLS) == set(API_ACCESS)


@pytest.mark.parametrize("operation_id", sorted(API_ACCESS))
def test_each_caller_may_do_exactly_what_its_role_allows(operation_id: str):
    staff_user("front_desk")  # the role groups exist before the callers are made
    method, path, body = CALLS[operation_id]({"member": MemberFactory(user__first_name="Ann")})
    assert_each_caller_gets_what_its_role_allows(method, path, body, API_ACCESS[operation_id])
