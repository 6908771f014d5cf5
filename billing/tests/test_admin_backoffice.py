"""The staff back office for billing: generating, lines, issuing, payments, printing, exports, the dashboard,
and what cancelling a class or session does to its bills."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from billing import services
from billing.admin import NOTHING_TO_BILL
from billing.errors import BillingError
from billing.models import Invoice, InvoiceLine, Membership, Payment
from billing.tests.factories import InvoiceFactory, MembershipFactory, MembershipPlanFactory
from clubsite.core.clock import club_datetime, club_today
from clubsite.testing import messages_of
from clubsite.testing.admin import query_count
from clubsite.testing.jobs import run_jobs
from clubsite.testing.races import race
from clubsite.testing.roles import sign_in_as
from clubsite.testing.twofactor import sign_in
from members.tests.factories import MemberFactory
from operations import services as scheduling
from operations.errors import SchedulingError
from operations.models import Booking, ClassRegistration
from operations.tests.factories import (
    ClassRegistrationFactory,
    EquipmentFactory,
    GroupClassFactory,
    PersonalTrainingSessionFactory,
    local_time,
)

pytestmark = pytest.mark.django_db

# One of them is the second factor: the device that verified the session (manager, billing), or the staff role
# the two-factor rule reads (the other roles).
CHANGELIST_BUDGET = 13


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:billing_{model}_{view}", args=args)


def issued(price: str = "50.00", member=None) -> Invoice:
    """Issued an hour ago: the payments the desk records on it (minutes ago) come after it."""
    invoice = InvoiceFactory(**({"member": member} if member else {}))
    services.invoice_line_add(invoice=invoice, description="Locker hire", quantity=1, unit_price=Decimal(price))
    return services.invoice_issue(invoice=invoice, issued_at=timezone.now() - datetime.timedelta(hours=1))


def month() -> tuple[datetime.date, datetime.date]:
    first = timezone.localdate().replace(day=1)
    return first, (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def period_text(start, end) -> str:
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


# ---------------------------------------------------------------------------------------------
# Generating invoices
# ---------------------------------------------------------------------------------------------


class TestGenerate:
    def post(self, client, member=None, start=None, end=None):
        first, last = month()
        return client.post(
            url("invoice", "generate"),
            {
                "member": member.pk if member else "",
                "period_start": (start or first).isoformat(),
                "period_end": (end or last).isoformat(),
            },
            follow=True,
        )

    def test_the_page_opens_with_this_month(self, admin_client):
        response = admin_client.get(url("invoice", "generate"))

        assert response.status_code == 200
        first, last = month()
        # Written as ISO dates: a date picker shows nothing for the locale's 01/11/2026.
        assert f'name="period_start" value="{first.isoformat()}"' in response.content.decode()
        assert f'name="period_end" value="{last.isoformat()}"' in response.content.decode()

    def test_generating_for_everyone_then_again_adds_nothing(self, admin_client):
        first, last = month()
        memberships = [MembershipFactory(plan=MembershipPlanFactory(monthly_fee=Decimal("39.00"))) for _ in range(2)]

        once = self.post(admin_client)
        again = self.post(admin_client)

        invoices = list(Invoice.objects.order_by("member_id"))
        assert [invoice.member_id for invoice in invoices] == sorted(m.member_id for m in memberships)
        assert all(invoice.total == Decimal("39.00") for invoice in invoices)
        shown = ", ".join(str(invoice) for invoice in sorted(invoices, key=lambda i: i.member_id))
        period = period_text(first, last)
        assert messages_of(once) == [f"2 draft invoices now hold what was not billed yet for {period}: {shown}."]
        assert messages_of(again) == [NOTHING_TO_BILL.format(period=period_text(first, last))]
        assert InvoiceLine.objects.count() == 2

    def test_generating_for_one_member(self, admin_client):
        wanted, other = MembershipFactory(), MembershipFactory()

        self.post(admin_client, member=wanted.member)

        assert list(Invoice.objects.values_list("member_id", flat=True)) == [wanted.member_id]
        assert other.member.invoices.count() == 0

    def test_a_period_ending_before_it_starts_is_a_form_error(self, admin_client):
        first, last = month()

        response = self.post(admin_client, start=last, end=first)

        assert response.context["form"].errors == {"period_end": [BillingError("period_end_before_start").message]}
        assert not Invoice.objects.exists()

    def test_staff_who_cannot_add_invoices_cannot_generate(self, client):
        sign_in_as(client, "front_desk")

        assert client.get(url("invoice", "generate")).status_code == 403


# ---------------------------------------------------------------------------------------------
# Drafts, lines, issuing and voiding
# ---------------------------------------------------------------------------------------------


class TestInvoicePages:
    def test_adding_an_empty_draft_and_refusing_a_second_for_the_same_period(self, admin_client):
        member = MemberFactory()
        first, last = month()
        post = {"member": member.pk, "period_start": first.isoformat(), "period_end": last.isoformat()}

        added = admin_client.post(url("invoice", "add"), post)
        again = admin_client.post(url("invoice", "add"), post)

        assert added.status_code == 302
        draft = Invoice.objects.get()
        assert again.context["adminform"].form.non_field_errors() == [
            BillingError("invoice_draft_exists", invoice=draft).message
        ]

    def test_a_credit_entered_as_a_positive_amount_is_a_form_error(self, admin_client):
        draft = InvoiceFactory()

        response = admin_client.post(
            url("invoiceline", "add"),
            {"invoice": draft.pk, "kind": "credit", "description": "Goodwill", "quantity": 1, "unit_price": "5.00"},
        )

        assert response.context["adminform"].form.errors == {
            "unit_price": [BillingError("credit_not_negative").message]
        }
        assert not draft.lines.exists()

    def test_the_remove_action_takes_lines_off_drafts_only(self, admin_client):
        draft = InvoiceFactory()
        line = services.invoice_line_add(invoice=draft, description="Towel", quantity=1, unit_price=Decimal("2"))
        sent = issued().lines.get()

        response = admin_client.post(
            url("invoiceline", "changelist"),
            {"action": "remove_lines", "_selected_action": [line.pk, sent.pk]},
            follow=True,
        )

        removed = "One line was taken off its draft invoice; what it billed can be billed again."
        assert messages_of(response) == [f"{sent}: {BillingError('line_remove_not_draft')}", removed]
        assert list(InvoiceLine.objects.all()) == [sent]

    def test_the_change_page_shows_the_invoice_and_its_buttons(self, admin_client):
        draft = InvoiceFactory()
        services.invoice_line_add(invoice=draft, description="Towel", quantity=1, unit_price=Decimal("2"))

        draft_page = admin_client.get(url("invoice", "change", draft.pk)).content.decode()
        paid_on = issued()
        services.payment_record(invoice=paid_on, amount=Decimal("10.00"), method=Payment.Method.CARD)
        issued_page = admin_client.get(url("invoice", "change", paid_on.pk)).content.decode()

        assert url("invoice", "issue", draft.pk) in draft_page
        assert f"{url('invoiceline', 'add')}?invoice={draft.pk}" in draft_page
        assert url("invoice", "print", draft.pk) in draft_page
        assert 'name="_save"' not in draft_page
        assert url("invoice", "issue", paid_on.pk) not in issued_page
        assert f"{url('payment', 'add')}?invoice={paid_on.pk}&amp;kind=payment" in issued_page
        assert f"{url('payment', 'add')}?invoice={paid_on.pk}&amp;kind=refund" in issued_page

    def test_the_issue_and_void_buttons_call_the_services_and_show_refusals(self, admin_client):
        empty = InvoiceFactory()
        paid_on = issued()
        services.payment_record(invoice=paid_on, amount=Decimal("10.00"), method=Payment.Method.CARD)
        draft = InvoiceFactory()
        services.invoice_line_add(invoice=draft, description="Towel", quantity=1, unit_price=Decimal("2"))

        refused_issue = admin_client.post(url("invoice", "issue", empty.pk), follow=True)
        refused_void = admin_client.post(url("invoice", "void", paid_on.pk), follow=True)
        done = admin_client.post(url("invoice", "issue", draft.pk), follow=True)

        assert messages_of(refused_issue) == [f"{empty}: {BillingError('invoice_empty')}"]
        assert messages_of(refused_void) == [f"{paid_on.title}: {BillingError('void_has_payments')}"]
        draft.refresh_from_db()
        assert messages_of(done) == [f"Invoice {draft.number} is issued and due on {draft.due_date:%-d %B %Y}."]
        assert draft.status == Invoice.Status.ISSUED and draft.number
        assert admin_client.get(url("invoice", "issue", draft.pk)).status_code == 405

    def test_the_overdue_filter(self, admin_client):
        overdue = issued()
        Invoice.objects.filter(pk=overdue.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
        issued()  # not due yet
        settled = issued()
        services.payment_record(invoice=settled, amount=Decimal("50.00"), method=Payment.Method.CARD)
        Invoice.objects.filter(pk=settled.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))

        response = admin_client.get(url("invoice", "changelist"), {"due": "overdue"})

        assert list(response.context["cl"].result_list) == [overdue]

    def test_the_invoice_autocomplete_offers_drafts_to_lines(self, admin_client):
        draft = InvoiceFactory()
        issued()

        response = admin_client.get(
            reverse("admin:autocomplete"),
            {"app_label": "billing", "model_name": "invoiceline", "field_name": "invoice", "term": ""},
        )

        assert [row["id"] for row in response.json()["results"]] == [str(draft.pk)]


class TestPrintableInvoice:
    def test_it_shows_what_the_member_owes(self, admin_client):
        invoice = issued("80.00")
        services.payment_record(invoice=invoice, amount=Decimal("30.00"), method=Payment.Method.CASH, reference="r1")

        response = admin_client.get(url("invoice", "print", invoice.pk))

        content = response.content.decode()
        assert response.status_code == 200
        assert f"Invoice {invoice.number}" in content
        assert invoice.member.full_name in content
        assert "Locker hire" in content and "80.00" in content and "30.00" in content and "50.00" in content
        assert "billing/print.js" in content and "onclick" not in content

    def test_it_costs_the_same_queries_however_many_lines_and_payments(self, admin_client):
        few = issued("80.00")
        services.payment_record(invoice=few, amount=Decimal("1.00"), method=Payment.Method.CASH)
        many = InvoiceFactory()
        for number in range(5):
            services.invoice_line_add(invoice=many, description=f"Item {number}", quantity=1, unit_price=Decimal("9"))
        services.invoice_issue(invoice=many)
        for _ in range(4):
            services.payment_record(invoice=many, amount=Decimal("1.00"), method=Payment.Method.CASH)

        assert query_count(admin_client, url("invoice", "print", few.pk)) == query_count(
            admin_client, url("invoice", "print", many.pk)
        )

    def test_staff_who_cannot_see_invoices_cannot_print_them(self, client):
        sign_in_as(client, "maintenance")

        assert client.get(url("invoice", "print", issued().pk)).status_code == 403

    def test_a_missing_invoice_is_not_found(self, admin_client):
        assert admin_client.get(url("invoice", "print", 999999)).status_code == 404


# ---------------------------------------------------------------------------------------------
# Payments and refunds
# ---------------------------------------------------------------------------------------------


def payment_post(invoice: Invoice, amount: str, kind: str = "payment") -> dict:
    received = timezone.localtime() - datetime.timedelta(minutes=5)
    return {
        "invoice": invoice.pk,
        "kind": kind,
        "amount": amount,
        "method": "card",
        "received_at_0": received.strftime("%Y-%m-%d"),
        "received_at_1": received.strftime("%H:%M:%S"),
        "reference": "desk",
    }


class TestPayments:
    def test_a_partial_payment_leaves_the_invoice_issued_and_the_rest_pays_it(self, admin_client):
        invoice = issued("50.00")

        admin_client.post(url("payment", "add"), payment_post(invoice, "20.00"))
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.ISSUED
        admin_client.post(url("payment", "add"), payment_post(invoice, "30.00"))
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.PAID
        assert invoice.balance == Decimal("0.00")

    def test_a_payment_on_a_draft_is_a_form_error(self, admin_client):
        response = admin_client.post(url("payment", "add"), payment_post(InvoiceFactory(), "5.00"))

        assert response.context["adminform"].form.errors == {
            "invoice": [BillingError("payment_invoice_not_issued").message]
        }

    def test_the_add_page_takes_the_invoice_and_kind_from_the_link(self, admin_client):
        invoice = issued()

        response = admin_client.get(url("payment", "add"), {"invoice": invoice.pk, "kind": "refund"})

        form = response.context["adminform"].form
        assert (str(form["invoice"].value()), form["kind"].value()) == (str(invoice.pk), "refund")


@pytest.mark.django_db(transaction=True)
def test_two_desks_paying_the_same_balance_at_once_get_one_payment_and_one_form_error(admin_user):
    """The form's checks and the save used to be apart: a payment slipping in between was a 500."""
    invoice = issued("50.00")
    clients = [Client(), Client()]
    for client in clients:
        sign_in(client, admin_user)

    outcome = race(lambda i: clients[i].post(url("payment", "add"), payment_post(invoice, "50.00")), workers=2)

    assert outcome.errors == []
    statuses = sorted(response.status_code for response in outcome.results)
    assert statuses == [200, 302]
    refused = next(response for response in outcome.results if response.status_code == 200)
    assert refused.context["adminform"].form.errors == {
        "invoice": [BillingError("payment_invoice_already_paid").message]
    }
    assert Payment.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


# ---------------------------------------------------------------------------------------------
# Memberships
# ---------------------------------------------------------------------------------------------


class TestMemberships:
    def test_starting_a_plan_ends_the_current_one(self, admin_client):
        current = MembershipFactory()
        new_plan = MembershipPlanFactory()
        today = timezone.localdate()

        response = admin_client.post(
            url("membership", "add"),
            {"member": current.member_id, "plan": new_plan.pk, "started_on": today.isoformat()},
        )

        assert response.status_code == 302
        current.refresh_from_db()
        assert current.ended_on == today - datetime.timedelta(days=1)
        assert Membership.objects.get(ended_on__isnull=True).plan == new_plan

    def test_a_start_before_the_current_one_is_a_form_error(self, admin_client):
        current = MembershipFactory()

        response = admin_client.post(
            url("membership", "add"),
            {"member": current.member_id, "plan": MembershipPlanFactory().pk, "started_on": "2000-01-01"},
        )

        assert response.context["adminform"].form.errors == {
            "started_on": [BillingError("membership_start_not_after_current").message]
        }

    def test_ending_a_membership(self, admin_client):
        membership = MembershipFactory()
        end = timezone.localdate()

        # The page lists the membership's freezes (read only): its formset's management form comes along.
        freezes = {"freezes-TOTAL_FORMS": "0", "freezes-INITIAL_FORMS": "0"}

        response = admin_client.post(
            url("membership", "change", membership.pk), {"ended_on": end.isoformat(), **freezes}
        )

        assert response.status_code == 302
        membership.refresh_from_db()
        assert membership.ended_on == end


# ---------------------------------------------------------------------------------------------
# CSV exports
# ---------------------------------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


class TestExports:
    def test_invoices_export_with_their_totals(self, admin_client):
        invoice = issued("80.00")
        services.payment_record(invoice=invoice, amount=Decimal("30.00"), method=Payment.Method.CASH)

        response = admin_client.post(
            url("invoice", "changelist"), {"action": "export_csv", "_selected_action": [invoice.pk]}
        )

        rows = csv_rows(response)
        assert rows[0][:3] == ["number", "status", "member"]
        assert rows[1][0] == invoice.number
        assert rows[1][-3:] == ["80.00", "30.00", "50.00"]
        assert "attachment" in response["Content-Disposition"]

    def test_payments_export_refunds_as_negative_and_defuses_formulas(self, admin_client):
        invoice = issued("80.00")
        services.payment_record(
            invoice=invoice, amount=Decimal("30.00"), method=Payment.Method.CASH, reference="=HYPERLINK(1)"
        )
        services.payment_refund(invoice=invoice, amount=Decimal("5.00"), method=Payment.Method.CASH)

        response = admin_client.post(
            url("payment", "changelist"),
            {"action": "export_csv", "_selected_action": list(Payment.objects.values_list("pk", flat=True))},
        )

        rows = csv_rows(response)
        assert [(row[1], row[2], row[4]) for row in rows[1:]] == [
            ("Payment", "30.00", "'=HYPERLINK(1)"),
            ("Refund", "-5.00", ""),
        ]

    def test_an_export_costs_the_same_queries_however_many_rows(self, admin_client):
        def export() -> int:
            ids = list(Invoice.objects.values_list("pk", flat=True))
            with CaptureQueriesContext(connection) as context:
                admin_client.post(url("invoice", "changelist"), {"action": "export_csv", "_selected_action": ids})
            return len(context)

        issued()
        few = export()
        for _ in range(4):
            issued()

        assert export() == few


# ---------------------------------------------------------------------------------------------
# Query budgets of the busy lists
# ---------------------------------------------------------------------------------------------


def some_billing(count: int) -> None:
    for _ in range(count):
        invoice = issued()
        services.payment_record(invoice=invoice, amount=Decimal("10.00"), method=Payment.Method.CARD)
        services.payment_refund(invoice=invoice, amount=Decimal("1.00"), method=Payment.Method.CARD)


@pytest.mark.parametrize(
    ("role", "model"),
    [
        *((role, model) for role in ("manager", "billing") for model in ("invoice", "payment", "invoiceline")),
        ("front_desk", "invoice"),
        ("front_desk", "payment"),
    ],
)
def test_busy_billing_lists_stay_within_their_query_budget(client, role, model):
    sign_in_as(client, role)
    some_billing(1)
    few = query_count(client, url(model, "changelist"))

    some_billing(4)

    assert query_count(client, url(model, "changelist")) == few <= CHANGELIST_BUDGET


# ---------------------------------------------------------------------------------------------
# Cancelling a class or session settles what was billed for it
# ---------------------------------------------------------------------------------------------


def billed_class(members: int = 2):
    """A priced class tomorrow with ``members`` registrations billed on drafts of this month."""
    group_class = GroupClassFactory(price=Decimal("8.00"))
    for _ in range(members):
        ClassRegistrationFactory(group_class=group_class)
    first, last = month()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    services.invoice_generate_all(period_start=min(first, tomorrow), period_end=max(last, tomorrow))
    return group_class


class TestCancelSettles:
    def test_cancelling_a_class_removes_draft_lines_and_credits_sent_ones(self, admin_client, mailoutbox):
        group_class = billed_class(members=2)
        draft_line, sent_line = InvoiceLine.objects.filter(kind="class").order_by("pk")
        services.invoice_issue(invoice=sent_line.invoice)

        response = admin_client.post(
            reverse("admin:operations_groupclass_changelist"),
            {"action": "cancel_classes", "_selected_action": [group_class.pk]},
            follow=True,
        )
        run_jobs()

        settlement = services.Settlement(removed=1, credited=1)
        assert messages_of(response) == [f"{group_class}: {settlement}.", "1 class cancelled; its members were told."]
        assert not InvoiceLine.objects.filter(pk=draft_line.pk).exists()
        credit = InvoiceLine.objects.get(kind=InvoiceLine.Kind.CREDIT)
        assert (credit.unit_price, credit.invoice.member_id) == (Decimal("-8.00"), sent_line.invoice.member_id)
        assert credit.invoice.status == Invoice.Status.DRAFT
        assert set(ClassRegistration.objects.values_list("status", flat=True)) == {"cancelled"}
        cancelled = [mail for mail in mailoutbox if mail.subject == f"{group_class.name} has been cancelled"]
        assert len(cancelled) == 2

    def test_cancelling_one_registration_at_the_front_desk_settles_only_that_members_line(self, admin_client):
        group_class = billed_class(members=2)
        leaving, staying = ClassRegistration.objects.filter(group_class=group_class).order_by("pk")

        response = admin_client.post(
            reverse("admin:operations_classregistration_changelist"),
            {"action": "cancel_registrations", "_selected_action": [leaving.pk]},
            follow=True,
        )

        leaving.refresh_from_db()
        assert leaving.status == ClassRegistration.Status.CANCELLED
        assert messages_of(response) == [f"{leaving}: {services.Settlement(removed=1)}.", "1 registration cancelled."]
        assert [line.class_registration_id for line in InvoiceLine.objects.all()] == [staying.pk]

    def test_cancelling_a_session_through_its_booking_settles_it_too(self, admin_client):
        session = PersonalTrainingSessionFactory()
        first, last = month()
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        services.invoice_generate(
            member=session.member, period_start=min(first, tomorrow), period_end=max(last, tomorrow)
        )

        response = admin_client.post(
            reverse("admin:operations_booking_changelist"),
            {"action": "cancel_bookings", "_selected_action": [session.booking_id]},
            follow=True,
        )

        assert "1 booking cancelled." in messages_of(response)
        assert Booking.objects.get().status == Booking.Status.CANCELLED
        assert not InvoiceLine.objects.exists()

    def test_a_class_that_started_is_refused_and_its_bills_stay(self, admin_client):
        group_class = billed_class(members=1)
        Booking.objects.filter(pk=group_class.booking_id).update(
            start_time=timezone.now() - datetime.timedelta(minutes=5),
            end_time=timezone.now() + datetime.timedelta(minutes=55),
        )

        response = admin_client.post(
            reverse("admin:operations_groupclass_changelist"),
            {"action": "cancel_classes", "_selected_action": [group_class.pk]},
            follow=True,
        )

        group_class.booking.refresh_from_db()
        assert messages_of(response) == [f"{group_class}: {SchedulingError('class_started')}"]
        assert InvoiceLine.objects.filter(kind="class").count() == 1


# ---------------------------------------------------------------------------------------------
# The staff dashboard on the admin index
# ---------------------------------------------------------------------------------------------


def busy_club(classes: int) -> None:
    for index in range(classes):
        # Early today: the dashboard shows the whole of today, what has started included.
        group_class = GroupClassFactory(capacity=4, booking__start_time=local_time(days=0, hour=0, minute=1 + index))
        ClassRegistrationFactory.create_batch(3, group_class=group_class)
        scheduling.maintenance_record_create(equipment=EquipmentFactory(), issue_description="Broken")
        overdue = issued("40.00")
        services.payment_record(invoice=overdue, amount=Decimal("15.00"), method=Payment.Method.CARD)
        Invoice.objects.filter(pk=overdue.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=3))


class TestDashboard:
    def test_the_back_office_carries_the_clubs_name_and_calls_a_class_without_a_room_online(self, admin_client):
        # Mid-morning: "midnight + 1 hour" is wall-clock arithmetic, and 01:00-02:00 is no hour on a DST day.
        GroupClassFactory(
            name="Stream Spin",
            booking__room=None,
            booking__start_time=club_datetime(club_today(), datetime.time(10)),
            booking__end_time=club_datetime(club_today(), datetime.time(11)),
        )

        content = admin_client.get(reverse("admin:index")).content.decode()

        assert escape(f"{settings.CLUB_NAME} · back office") in content
        assert "Django administration" not in content
        assert "<td>Online</td>" in content

    def test_the_index_shows_todays_classes_maintenance_overdue_invoices_and_revenue(self, admin_client):
        busy_club(1)

        response = admin_client.get(reverse("admin:index"))

        dashboard = response.context["dashboard"]
        assert [(c.seated_count, c.capacity, c.fill_percent) for c in dashboard.classes] == [(3, 4, 75)]
        assert dashboard.maintenance_count == 1
        assert [room.open_issues for room in dashboard.rooms_with_issues] == [1]
        assert dashboard.overdue_count == 1
        assert [invoice.balance_amount for invoice in dashboard.overdue] == [Decimal("25.00")]
        assert dashboard.revenue_month == Decimal("15.00")
        content = response.content.decode()
        assert "Overdue invoices (1)" in content
        assert "3/4 (75%)" in content
        assert "Broken" in content
        assert "Revenue this month" in content
        assert '<div class="figure" id="revenue-month">£15.00</div>' in content
        assert '<svg class="bar-chart ' in content and "Received each day this month (£)" in content

    @pytest.mark.parametrize(
        ("role", "sections"),
        [
            ("manager", {"classes", "maintenance", "overdue", "revenue_month"}),
            # The desk sees what today's visitors owe, not the overdue list (clubsite/backoffice/dashboard.py).
            ("front_desk", {"classes"}),
            ("maintenance", {"maintenance"}),
            ("billing", {"overdue", "revenue_month"}),
        ],
    )
    def test_each_role_sees_the_sections_of_its_work(self, client, role, sections):
        sign_in_as(client, role)

        dashboard = client.get(reverse("admin:index")).context["dashboard"]

        shown = {
            name
            for name in ("classes", "maintenance", "overdue", "revenue_month")
            if getattr(dashboard, name) is not None
        }
        assert shown == sections

    def test_the_index_costs_the_same_queries_however_busy_the_club(self, admin_client):
        busy_club(1)
        few = query_count(admin_client, reverse("admin:index"))

        busy_club(3)

        assert query_count(admin_client, reverse("admin:index")) == few

    def test_a_today_class_starting_later_is_on_the_dashboard_and_tomorrows_is_not(self, admin_client):
        GroupClassFactory(booking__start_time=local_time(days=1, hour=9))

        dashboard = admin_client.get(reverse("admin:index")).context["dashboard"]

        assert dashboard.classes == []
