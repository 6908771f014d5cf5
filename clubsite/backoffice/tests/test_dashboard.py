"""The dashboard of each staff role on the admin index: what each role sees, that every link on it opens for
them, and that each costs the same queries for a quiet club as for a busy one."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from billing.models import Invoice, InvoiceLine
from billing.tests.factories import (
    BillingRunFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    MembershipFactory,
    MembershipPlanFactory,
    PaymentFactory,
)
from clubsite.backoffice.dashboard import staff_dashboard
from clubsite.backoffice.reports import NO_PLAN
from clubsite.core.clock import club_datetime
from clubsite.frontdesk.tests.factories import VisitFactory
from clubsite.testing.admin import query_count
from clubsite.testing.roles import sign_in_as, staff_user
from clubsite.testing.twofactor import sign_in
from members.tests.factories import MemberFactory
from operations.models import ClassRegistration, MaintenanceRecord
from operations.tests.factories import (
    ClassRegistrationFactory,
    EquipmentFactory,
    GroupClassFactory,
    MaintenanceRecordFactory,
    RoomFactory,
)

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
#: A Wednesday at noon on the club's clock.
TODAY = datetime.date(2026, 12, 9)
Status = ClassRegistration.Status


@pytest.fixture(autouse=True)
def wednesday_noon(time_machine):
    time_machine.move_to(club_datetime(TODAY, datetime.time(12)), tick=False)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return club_datetime(day, datetime.time(hour, minute))


def a_class(*, start: datetime.datetime, capacity: int = 4, seats: tuple[str, ...] = (), **fields):
    group_class = GroupClassFactory(
        capacity=capacity,
        booking__room=fields.pop("room", None) or RoomFactory(),
        booking__start_time=start,
        booking__end_time=start + datetime.timedelta(minutes=45),
        **fields,
    )
    for status in seats:
        ClassRegistrationFactory(group_class=group_class, status=status)
    return group_class


def club_day(scale: int) -> None:
    """``scale`` times over: a class this morning (one of two checked in), a full class tomorrow with one
    waiting, a visitor this morning owing £20 on an overdue invoice paid £10 this month, an open repair,
    a member who left last month, and a class last week (two came, one did not)."""
    gold = MembershipPlanFactory(name=f"Gold {scale}")
    for index in range(scale):
        room = RoomFactory(name=f"Studio {scale}-{index}")
        a_class(start=at(TODAY, 9, index), room=room, name="Morning Spin", seats=(Status.ATTENDED, Status.REGISTERED))
        a_class(
            start=at(TODAY + datetime.timedelta(days=1), 18, index),
            room=room,
            capacity=1,
            name="Sold-out HIIT",
            seats=(Status.REGISTERED, Status.WAITLISTED),
        )
        a_class(
            start=at(TODAY - datetime.timedelta(days=7), 10, index),
            room=room,
            seats=(Status.ATTENDED, Status.ATTENDED, Status.NO_SHOW),
        )
        visitor = MemberFactory(user__first_name="Vic", user__last_name=f"Visitor{index}")
        membership = MembershipFactory(member=visitor, plan=gold, started_on=datetime.date(2026, 10, 1))
        VisitFactory(member=visitor, checked_in_at=at(TODAY, 8, index))
        invoice = InvoiceFactory(
            member=visitor,
            status=Invoice.Status.ISSUED,
            number=f"INV-{scale}-{index}",
            issued_at=at(TODAY - datetime.timedelta(days=20), 9),
            due_date=TODAY - datetime.timedelta(days=6),
            period_start=datetime.date(2026, 11, 1),
            period_end=datetime.date(2026, 11, 30),
        )
        InvoiceLineFactory(
            invoice=invoice,
            kind=InvoiceLine.Kind.PLAN_MONTH,
            membership=membership,
            period_start=datetime.date(2026, 11, 1),
            unit_price=Decimal("30.00"),
        )
        PaymentFactory(invoice=invoice, amount=Decimal("10.00"), received_at=at(TODAY - datetime.timedelta(days=2), 9))
        MaintenanceRecordFactory(
            equipment=EquipmentFactory(room=room),
            issue_description="Pedal loose",
            reported_at=at(TODAY - datetime.timedelta(days=3), 9),
        )
        MembershipFactory(started_on=datetime.date(2026, 6, 1), ended_on=datetime.date(2026, 11, 30))
    BillingRunFactory(period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2026, 11, 30), failures=0)


def page_of(client: Client) -> str:
    return unescape(client.get(INDEX).content.decode())


# -- what each role sees -----------------------------------------------------------------------------------------


def test_the_front_desk_sees_todays_classes_with_check_ins_the_waitlists_and_what_visitors_owe(client):
    club_day(1)
    sign_in_as(client, "front_desk")

    response = client.get(INDEX)
    page = unescape(response.content.decode())

    assert "The front desk today" in page
    [today] = response.context["dashboard"].classes
    assert (today.name, today.seated_count, today.checked_in_count) == ("Morning Spin", 2, 1)
    assert "1 of 2" in page
    assert [c.name for c in response.context["dashboard"].waitlists] == ["Sold-out HIIT"]
    assert "Vic Visitor0" in page and "£20.00" in page
    # Not the desk's work: the books and the repairs.
    assert "Overdue invoices" not in page and "Open maintenance" not in page and "Revenue this month" not in page


def test_billing_sees_the_overdue_this_months_run_and_revenue_by_day_and_plan(client):
    club_day(1)
    sign_in_as(client, "billing")

    response = client.get(INDEX)
    page = unescape(response.content.decode())
    dashboard = response.context["dashboard"]

    assert "Overdue invoices (1)" in page and "INV-1-0" in page
    assert dashboard.billing_run.run is not None and "Finished" in page and "November 2026" in page
    assert dashboard.revenue_month == Decimal("10.00")
    assert dashboard.revenue_plans == [("Gold 1", Decimal("10.00"))]
    assert '<svg class="named-bar-chart ' in page and "Gold 1 £10.00" in page
    assert "Today's classes" not in page and "Open maintenance" not in page and 'id="members-trend"' not in page


def test_a_payment_on_an_invoice_without_a_plan_month_counts_as_no_plan(client):
    PaymentFactory(invoice__status=Invoice.Status.DRAFT, amount=Decimal("8.00"), received_at=at(TODAY, 9))
    sign_in_as(client, "billing")

    dashboard = client.get(INDEX).context["dashboard"]

    assert dashboard.revenue_plans == [(NO_PLAN, Decimal("8.00"))]


def test_before_the_run_the_billing_dashboard_says_when_it_bills(client):
    sign_in_as(client, "billing")
    assert "November 2026 has not been billed yet" in page_of(client)


def test_maintenance_sees_open_issues_by_room_and_age(client):
    room = RoomFactory(name="Weights room")
    for days in (0, 3, 3, 40):
        MaintenanceRecordFactory(equipment__room=room, reported_at=at(TODAY, 11) - datetime.timedelta(days=days))
    MaintenanceRecordFactory(
        equipment__room=room,
        status=MaintenanceRecord.Status.RESOLVED,
        resolved_at=at(TODAY, 11),
        reported_at=at(TODAY, 10),
    )
    sign_in_as(client, "maintenance")

    response = client.get(INDEX)
    dashboard = response.context["dashboard"]

    [weights] = dashboard.rooms_with_issues
    assert (weights.name, weights.open_issues, weights.by_age) == ("Weights room", 4, (1, 2, 0, 1))
    assert dashboard.maintenance_count == 4
    page = unescape(response.content.decode())
    assert "Open issues by room and age" in page and "over 4 weeks" in page
    assert "Overdue invoices" not in page and "Today's classes" not in page


@pytest.mark.parametrize("role", ["manager", "superuser"])
def test_the_manager_sees_everything_and_the_trends_as_charts(client, admin_user, role):
    club_day(2)
    if role == "manager":
        sign_in_as(client, role)
    else:
        sign_in(client, admin_user)

    response = client.get(INDEX)
    dashboard = response.context["dashboard"]
    page = unescape(response.content.decode())

    assert "The club at a glance" in page
    assert dashboard.active_members == 2
    november = next(month for month in dashboard.months if month.month == datetime.date(2026, 11, 1))
    october = next(month for month in dashboard.months if month.month == datetime.date(2026, 10, 1))
    assert (october.joined, november.left) == (2, 2)
    last_week = dashboard.weeks[-2]
    assert (last_week.classes, last_week.attendance_percent, last_week.fill_percent) == (2, 67, 75)
    for chart in ("grouped-bar-chart", "series-chart", "bar-chart", "named-bar-chart"):
        assert f'<svg class="{chart} ' in page
    for section in ("Today's classes", "Overdue invoices (2)", "Open maintenance (2)", "This month's billing run"):
        assert section in page


def test_a_plan_change_is_neither_a_join_nor_a_leaver(client):
    member = MemberFactory()
    MembershipFactory(member=member, started_on=datetime.date(2026, 3, 1), ended_on=datetime.date(2026, 10, 31))
    MembershipFactory(member=member, started_on=datetime.date(2026, 11, 1))
    sign_in_as(client, "manager")

    months = client.get(INDEX).context["dashboard"].months

    assert [(m.joined, m.left) for m in months] == [(0, 0)] * 6


def test_chart_text_stays_legible_on_a_phone(client):
    """Drawn 400 units wide with 14-unit text, a chart filling a 390 px screen (about 360 px of chart) shows its
    labels at 12 px or more; the 640-wide charts showed 7 px."""
    club_day(1)
    sign_in_as(client, "manager")
    page = client.get(INDEX).content.decode()

    for width, font in re.findall(r'viewBox="0 0 (\d+) \d+".*?font-size="(\d+)"', page):
        assert 360 / int(width) * int(font) >= 12


# -- links -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["front_desk", "billing", "maintenance", "manager"])
def test_every_link_on_a_roles_dashboard_opens_for_that_role(client, role):
    club_day(1)
    sign_in_as(client, role)
    page = client.get(INDEX).content.decode()
    dashboard = page[page.index('id="staff-dashboard"') : page.index("</section>", page.index('id="staff-dashboard"'))]

    links = {unescape(address) for address in re.findall(r'href="([^"#]+)"', dashboard)}

    assert links
    for address in sorted(links):
        response = client.get(address)
        assert response.status_code == 200, address
        assert "?e=1" not in response.get("Location", ""), address


# -- queries -----------------------------------------------------------------------------------------------------

#: Each role's dashboard in queries, whatever the club holds: its role (1), then each section's reads. The desk:
#: visits per hour 1, today's classes 2, waitlists 2, visitors owing 1. Billing: overdue 2, the run 1, revenue
#: by day and by plan 2. Maintenance: the oldest, their count, by room and age 3. The manager: all of those,
#: with active members, joins and leavers 3, the weeks of classes 2, and privacy (inactive members, pending
#: erasure requests) 2.
QUERIES = {"front_desk": 7, "billing": 6, "maintenance": 4, "manager": 22}


@pytest.mark.parametrize("role", list(QUERIES))
def test_each_roles_dashboard_reads_in_a_fixed_number_of_queries(role, django_assert_num_queries):
    user = staff_user(role)
    user.get_all_permissions()  # the permissions are the admin's, read once per request before the index
    for scale in (1, 4):
        club_day(scale)
        user = type(user).objects.get(pk=user.pk)
        user.get_all_permissions()
        with django_assert_num_queries(QUERIES[role]):
            dashboard = staff_dashboard(user=user, today=TODAY)
        assert dashboard.sections


@pytest.mark.parametrize("role", list(QUERIES))
def test_the_index_page_costs_the_same_queries_however_busy_the_club(client, role):
    sign_in_as(client, role)
    club_day(1)
    quiet = query_count(client, INDEX)

    club_day(4)

    assert query_count(client, INDEX) == quiet
