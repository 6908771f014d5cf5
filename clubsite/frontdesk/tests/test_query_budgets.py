"""The desk page, the desk card and the staff member page cost a fixed number of queries however much a member
(and the club) has: more visits, bookings, invoices, packs and notes add no query."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.services import invoice_issue
from billing.tests.factories import InvoiceFactory, InvoiceLineFactory
from clubsite.core.clock import club_datetime
from clubsite.frontdesk.selectors import desk_card, member_overview
from members.tests.factories import MemberFactory
from operations.models import ClassRegistration
from operations.tests.factories import PersonalTrainingSessionFactory

from .conftest import MORNING, TODAY, seat_at
from .factories import StaffNoteFactory, VisitFactory

pytestmark = pytest.mark.django_db

#: desk_card: memberships, freezes, balance, credits, today's classes, today's PT sessions.
DESK_CARD = 6
#: member_overview: memberships, today's freeze, the freezes list, balance, invoices, packs, credits, upcoming and
#: past classes, upcoming and past sessions, attendance counts, visits, visits this month and notes.
OVERVIEW = 15

_invoice_months = iter(range(1000))


def grow(member, size: int) -> None:
    """``size`` more of everything the pages list, for ``member`` and for the club."""
    for index in range(size):
        seat_at(member, 60 + 30 * index, minutes_long=20)  # later today
        seat_at(member, -60 * 24 * (index + 1), status=ClassRegistration.Status.ATTENDED)
        seat_at(member, 60 * 24 * (index + 1))
        seat_at(member, -60 * 24 * (index + 30), status=ClassRegistration.Status.NO_SHOW)
        PersonalTrainingSessionFactory(
            member=member, booking__start_time=MORNING + datetime.timedelta(hours=3, minutes=index * 70)
        )
        PersonalTrainingSessionFactory(member=member, booking__start_time=MORNING - datetime.timedelta(days=index + 1))
        month = next(_invoice_months)
        invoice = InvoiceFactory(
            member=member,
            period_start=datetime.date(2010 + month // 12, 1 + month % 12, 1),
            period_end=datetime.date(2010 + month // 12, 1 + month % 12, 28),
        )
        InvoiceLineFactory(invoice=invoice, unit_price=Decimal("3.00"))
        invoice_issue(invoice=invoice)
        VisitFactory(
            member=member, checked_in_at=club_datetime(TODAY - datetime.timedelta(days=index), datetime.time(7))
        )
        VisitFactory(checked_in_at=club_datetime(TODAY, datetime.time(6, index % 60)))  # someone else, today
        StaffNoteFactory(member=member)


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_the_desk_card_costs_the_same_with_more_data(gold_member, django_assert_num_queries):
    grow(gold_member, 1)
    with django_assert_num_queries(DESK_CARD):
        desk_card(member=gold_member, today=TODAY)
    grow(gold_member, 5)
    with django_assert_num_queries(DESK_CARD):
        card = desk_card(member=gold_member, today=TODAY)
    assert len(card.classes) == 6 and len(card.sessions) == 6


def test_the_staff_member_overview_costs_the_same_with_more_data(gold_member, django_assert_num_queries):
    grow(gold_member, 1)
    with django_assert_num_queries(OVERVIEW):
        member_overview(member=gold_member, today=TODAY)
    grow(gold_member, 12)
    with django_assert_num_queries(OVERVIEW):
        overview = member_overview(member=gold_member, today=TODAY)
    assert len(overview.past_classes) == 10 and overview.attendance.attended == 13


def test_the_desk_page_and_a_check_in_cost_the_same_with_more_data(desk_client, gold_member):
    seat_at(gold_member, 20)
    grow(gold_member, 1)
    other = MemberFactory()
    small_page = queries(lambda: desk_client.get(reverse("frontdesk:desk")))
    small_checkin = queries(lambda: desk_client.post(reverse("frontdesk:desk"), {"query": other.card_code}))

    grow(gold_member, 8)
    another = MemberFactory()
    assert queries(lambda: desk_client.get(reverse("frontdesk:desk"))) == small_page
    assert queries(lambda: desk_client.post(reverse("frontdesk:desk"), {"query": another.card_code})) == small_checkin
    # A check-in that marks a class present costs a few more (the class's lock and the marking), still fixed.
    assert (
        queries(lambda: desk_client.post(reverse("frontdesk:desk"), {"query": gold_member.card_code}))
        <= small_checkin + 6
    )


def test_the_staff_member_page_costs_the_same_with_more_data(desk_client, gold_member):
    address = reverse("frontdesk:member", args=[gold_member.pk])
    grow(gold_member, 1)
    small = queries(lambda: desk_client.get(address))

    grow(gold_member, 12)

    assert queries(lambda: desk_client.get(address)) == small
    # The session, the user, the member, the admin's own reads, and the staff role the second-factor rule reads.
    assert small <= OVERVIEW + 9
