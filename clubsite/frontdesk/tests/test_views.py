"""The front desk's pages: who may open them, the box (card code, number, name), the status panel and its
warnings, today's arrivals, a member's visits, the staff member page and its notes, and the dashboard's chart."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from billing.services import invoice_issue
from billing.tests.factories import InvoiceFactory, InvoiceLineFactory
from clubsite.core.clock import club_datetime
from clubsite.frontdesk.errors import FrontDeskError
from clubsite.frontdesk.models import StaffNote, Visit
from clubsite.testing.roles import staff_user
from clubsite.testing.twofactor import sign_in
from members.tests.factories import MemberFactory
from operations.models import ClassRegistration

from .conftest import TODAY, seat_at
from .factories import StaffNoteFactory, VisitFactory

pytestmark = pytest.mark.django_db

DESK = reverse("frontdesk:desk")


def said(code: str, **params) -> str:
    return FrontDeskError(code, **params).message


def member_page(member) -> str:
    return reverse("frontdesk:member", args=[member.pk])


def signed_in(role: str) -> Client:
    client = Client()
    sign_in(client, staff_user(role))
    return client


class TestWhoMayOpen:
    @pytest.mark.parametrize("url", ["desk", "member", "visits"])
    def test_front_desk_and_managers_may_and_other_roles_may_not(self, gold_member, url):
        address = {
            "desk": DESK,
            "member": member_page(gold_member),
            "visits": reverse("frontdesk:member-visits", args=[gold_member.pk]),
        }[url]

        for role in ("front_desk", "manager"):
            assert signed_in(role).get(address).status_code == 200, role
        for role in ("maintenance", "billing"):
            assert signed_in(role).get(address).status_code == 403, role

    def test_members_and_visitors_are_sent_to_the_staff_sign_in(self, client, gold_member):
        assert client.get(DESK).status_code == 302
        client.force_login(gold_member.user)
        response = client.get(member_page(gold_member))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    def test_a_member_who_does_not_exist_is_a_404(self, desk_client, at_the_desk):
        assert desk_client.get(reverse("frontdesk:member", args=[987654])).status_code == 404
        assert desk_client.get(reverse("frontdesk:member-visits", args=[987654])).status_code == 404


class TestTheBox:
    def test_a_scanned_card_checks_in_at_once_and_shows_the_status(self, desk_client, gold_member, desk_user):
        response = desk_client.post(DESK, {"query": gold_member.card_code})

        assert response.status_code == 200
        visit = Visit.objects.get()
        assert (visit.member, visit.method, visit.checked_in_by) == (gold_member, "card", desk_user)
        page = response.content.decode()
        assert 'data-status="active"' in page
        assert "Active: Gold" in page
        assert "Ann Archer" in page
        assert response.context["form"]["query"].value() in (None, "")  # ready for the next person

    def test_a_member_number_checks_in_at_once(self, desk_client, gold_member):
        desk_client.post(DESK, {"query": gold_member.number})

        assert Visit.objects.get().method == "number"

    def test_a_name_lists_the_matches_and_picking_one_checks_in(self, desk_client, gold_member):
        MemberFactory(user__first_name="Annabel", user__last_name="Archer")

        listed = desk_client.post(DESK, {"query": "archer"})
        assert not Visit.objects.exists()
        assert {m.pk for m in listed.context["matches"]} >= {gold_member.pk}
        assert "Ann Archer" in listed.content.decode()

        desk_client.post(DESK, {"member": gold_member.pk})
        visit = Visit.objects.get()
        assert (visit.member, visit.method) == (gold_member, "name")

    def test_an_empty_box_says_what_to_type(self, desk_client, at_the_desk):
        response = desk_client.post(DESK, {"query": "  "})

        assert response.context["form"].errors["query"] == [said("query_required")]
        assert not Visit.objects.exists()

    def test_nothing_found_says_so_under_the_box(self, desk_client, gold_member):
        response = desk_client.post(DESK, {"query": "zzqx"})

        assert response.context["form"].errors["query"] == [said("no_match", query="zzqx")]
        assert escape(said("no_match", query="zzqx")) in response.content.decode()

    def test_a_picked_member_who_is_gone_is_refused(self, desk_client, at_the_desk):
        response = desk_client.post(DESK, {"member": 987654})

        assert response.context["form"].errors["query"] == [said("member_not_found")]

    def test_a_word_for_a_member_id_is_a_form_error_not_a_crash(self, desk_client, at_the_desk):
        response = desk_client.post(DESK, {"member": "abc"})

        assert response.status_code == 200
        assert response.context["form"].errors["member"]

    def test_roles_that_may_only_look_cannot_check_in(self, gold_member):
        manager_without = signed_in("billing")
        assert manager_without.post(DESK, {"query": gold_member.card_code}).status_code == 403
        assert not Visit.objects.exists()

    def test_a_frozen_member_is_checked_in_with_an_amber_warning(self, desk_client, frozen_member):
        response = desk_client.post(DESK, {"query": frozen_member.number})

        page = response.content.decode()
        assert Visit.objects.get().membership_status == "frozen"
        assert "desk-status-frozen" in page
        assert f"Frozen until {(TODAY + datetime.timedelta(days=11)):%-d %b %Y}" in page

    def test_an_ended_member_is_checked_in_with_a_red_warning(self, desk_client, ended_member):
        response = desk_client.post(DESK, {"query": ended_member.number})

        page = response.content.decode()
        assert Visit.objects.get().membership_status == "ended"
        assert "desk-status-ended" in page
        assert f"Membership ended {(TODAY - datetime.timedelta(days=5)):%-d %b %Y}" in page

    def test_no_membership_says_so(self, desk_client, at_the_desk):
        nobody = MemberFactory()

        page = desk_client.post(DESK, {"query": nobody.number}).content.decode()

        assert "No membership" in page and "desk-status-none" in page

    def test_the_panel_shows_the_balance_credits_and_the_class_marked_present(self, desk_client, gold_member):
        invoice = InvoiceFactory(member=gold_member)
        InvoiceLineFactory(invoice=invoice, unit_price=Decimal("12.50"))
        invoice_issue(invoice=invoice)
        seat = seat_at(gold_member, 20)
        later = seat_at(gold_member, 240)

        response = desk_client.post(DESK, {"query": gold_member.card_code})

        page = response.content.decode()
        assert "Owes £12.50" in page
        assert "0 class credits" in page
        assert page.count("marked present") == 1
        seat.refresh_from_db()
        assert seat.status == ClassRegistration.Status.ATTENDED
        assert f'id="desk-class-{later.pk}"' in page

    def test_a_second_scan_says_it_is_the_same_visit(self, desk_client, gold_member):
        desk_client.post(DESK, {"query": gold_member.card_code})

        again = desk_client.post(DESK, {"query": gold_member.card_code})

        assert Visit.objects.count() == 1
        assert "Already checked in at 09:40" in again.content.decode()


class TestArrivalsAndVisits:
    def test_the_desk_lists_todays_arrivals(self, desk_client, gold_member, ended_member):
        VisitFactory(member=gold_member, checked_in_at=club_datetime(TODAY, datetime.time(8, 0)))
        VisitFactory(
            member=ended_member, checked_in_at=club_datetime(TODAY - datetime.timedelta(days=1), datetime.time(8, 0))
        )

        response = desk_client.get(DESK)

        assert [visit.member for visit in response.context["arrivals"]] == [gold_member]
        assert "Today's arrivals (1)" in response.content.decode()

    def test_a_members_visit_history(self, desk_client, gold_member):
        for days in range(3):
            VisitFactory(
                member=gold_member,
                checked_in_at=club_datetime(TODAY - datetime.timedelta(days=days), datetime.time(8, 0)),
            )
        VisitFactory()

        response = desk_client.get(reverse("frontdesk:member-visits", args=[gold_member.pk]))

        assert len(response.context["visits"]) == 3


class TestMemberPage:
    def test_it_shows_the_member_at_a_glance(self, desk_client, gold_member):
        seat_at(gold_member, -60 * 24, status=ClassRegistration.Status.ATTENDED)
        seat_at(gold_member, -60 * 48, status=ClassRegistration.Status.ATTENDED)
        seat_at(gold_member, -60 * 72, status=ClassRegistration.Status.ATTENDED)
        seat_at(gold_member, -60 * 96, status=ClassRegistration.Status.NO_SHOW)
        seat_at(gold_member, 60 * 24)
        VisitFactory(member=gold_member)
        StaffNoteFactory(member=gold_member, text="Knee injury: no jumping.")

        response = desk_client.get(member_page(gold_member))

        page = response.content.decode()
        assert gold_member.number in page and gold_member.user.email in page
        assert "Gold" in page
        assert "75% (3 attended, 1 missed)" in page
        assert "Knee injury: no jumping." in page
        assert response.context["overview"].visits_this_month == 1
        assert len(response.context["overview"].upcoming_classes) == 1

    def test_a_note_is_added_and_shown(self, desk_client, gold_member, desk_user):
        response = desk_client.post(member_page(gold_member), {"text": "Wants to try Pilates."}, follow=True)

        note = StaffNote.objects.get()
        assert (note.member, note.author) == (gold_member, desk_user)
        assert "Wants to try Pilates." in response.content.decode()

    def test_an_empty_note_is_refused_on_the_form(self, desk_client, gold_member):
        response = desk_client.post(member_page(gold_member), {"text": "   "})

        assert response.status_code == 200
        assert response.context["note_form"].errors["text"]
        assert not StaffNote.objects.exists()

    def test_the_member_admin_links_to_the_member_page(self, desk_client, gold_member):
        response = desk_client.get(reverse("admin:members_member_change", args=[gold_member.pk]))

        assert member_page(gold_member) in response.content.decode()


class TestDashboard:
    def test_the_dashboard_charts_visits_per_hour_for_the_desk(self, desk_client, at_the_desk):
        for minute in (0, 10, 20):
            VisitFactory(checked_in_at=club_datetime(TODAY, datetime.time(7, minute)))
        VisitFactory(checked_in_at=club_datetime(TODAY, datetime.time(9, 5)))

        page = desk_client.get(reverse("admin:index")).content.decode()

        assert "Visits today (4)" in page
        assert "Visits per hour today" in page
        assert "07:00: 3 visits" in page

    def test_roles_that_do_not_see_visits_get_no_chart(self, at_the_desk):
        page = signed_in("maintenance").get(reverse("admin:index")).content.decode()

        assert "Visits per hour today" not in page
