"""Plans, memberships and invoices over the staff billing API: the billing admin's services and refusals, the
rows they leave, and the queries each list and detail costs."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from billing import services
from billing.errors import BillingError
from billing.models import Invoice, InvoiceLine, Membership, MembershipPlan, Payment
from billing.services._base import PLAN_CONSTRAINTS
from billing.tests.factories import (
    InvoiceFactory,
    InvoiceLineFactory,
    MembershipFactory,
    MembershipPlanFactory,
    PaymentFactory,
)
from clubsite.core.clock import club_today
from clubsite.testing.api import ApiClient
from clubsite.testing.roles import staff_user
from members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def staff_api(role: str, **kwargs) -> ApiClient:
    return ApiClient(staff_user(role), **kwargs)


def problem_of(response) -> tuple[int, str, str | None]:
    assert response["Content-Type"] == "application/problem+json", response.content
    body = response.json()
    return response.status_code, body["code"], body["field"]


def warmed(api: ApiClient, path: str) -> ApiClient:
    """A token's first use also records when it was used; later calls (within a minute) do not."""
    assert api.get(path).status_code == 200
    return api


def issued(amount: str = "50.00", **fields) -> Invoice:
    invoice = InvoiceFactory(**fields)
    InvoiceLineFactory(invoice=invoice, unit_price=Decimal(amount))
    return services.invoice_issue(invoice=invoice)


def this_month() -> dict[str, datetime.date]:
    first = club_today().replace(day=1)
    return {
        "period_start": first,
        "period_end": (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1),
    }


# ---------------------------------------------------------------------------------------------
# Plans and memberships
# ---------------------------------------------------------------------------------------------


class TestPlans:
    @pytest.mark.parametrize("session", [False, True], ids=["token", "session"])
    def test_billing_offers_a_plan(self, session):
        response = staff_api("billing", session=session).post(
            "/staff/billing/plans", {"name": " Silver ", "monthly_fee": "29.50", "description": "Off-peak"}
        )

        assert response.status_code == 201, response.content
        plan = MembershipPlan.objects.get()
        assert (plan.name, plan.monthly_fee, plan.is_active) == ("Silver", Decimal("29.50"), True)
        assert response.json()["monthly_fee"] == "29.50"

    def test_a_name_in_use_is_a_conflict_and_a_negative_fee_invalid(self):
        MembershipPlanFactory(name="Gold")
        api = staff_api("billing")

        assert problem_of(api.post("/staff/billing/plans", {"name": "gold", "monthly_fee": "1.00"})) == (
            409,
            "plan_name_taken",
            "name",
        )
        assert problem_of(api.post("/staff/billing/plans", {"name": "Tin", "monthly_fee": "-1.00"})) == (
            422,
            "fee_negative",
            "monthly_fee",
        )
        assert problem_of(api.post("/staff/billing/plans", {"name": "Tin", "monthly_fee": "1.001"})) == (
            422,
            "amount_invalid",
            "monthly_fee",
        )
        assert MembershipPlan.objects.count() == 1

    def test_a_plan_is_withdrawn_and_no_longer_started(self):
        plan = MembershipPlanFactory(name="Gold")
        api = staff_api("billing")

        response = api.put(
            f"/staff/billing/plans/{plan.pk}", {"name": "Gold", "monthly_fee": "49.00", "is_active": False}
        )

        assert response.status_code == 200
        plan.refresh_from_db()
        assert (plan.monthly_fee, plan.is_active) == (Decimal("49.00"), False)
        started = api.post(
            "/staff/billing/memberships",
            {"member": MemberFactory().pk, "plan": plan.pk, "started_on": club_today().isoformat()},
        )
        assert problem_of(started) == (409, "plan_inactive", "plan")
        assert [item["id"] for item in api.get("/staff/billing/plans", is_active=False).json()["items"]] == [plan.pk]

    def test_the_list_costs_a_fixed_number_of_queries(self, django_assert_num_queries):
        api = warmed(staff_api("billing"), "/staff/billing/plans")
        MembershipPlanFactory()
        with django_assert_num_queries(5):  # token, permissions (2), count, page
            api.get("/staff/billing/plans")
        for _ in range(3):
            MembershipPlanFactory()

        with django_assert_num_queries(5):
            assert api.get("/staff/billing/plans").json()["count"] == 4


class TestPlansBothDoors:
    """The admin saves plans through the same services, so it refuses the same things in the same words."""

    def test_the_admin_adds_and_changes_a_plan_through_the_service(self, admin_client):
        MembershipPlanFactory(name="Gold")
        add = reverse("admin:billing_membershipplan_add")

        terms = {"joining_fee": "0.00", "classes": "none", "minimum_term_months": "0", "notice_months": "1"}
        refused = admin_client.post(add, {"name": "GOLD", "monthly_fee": "10.00", "is_active": "on", **terms})
        added = admin_client.post(add, {"name": "Silver", "monthly_fee": "10.00", "is_active": "on", **terms})

        assert BillingError("plan_name_taken").message in refused.content.decode()
        assert added.status_code == 302
        silver = MembershipPlan.objects.get(name="Silver")
        changed = admin_client.post(
            reverse("admin:billing_membershipplan_change", args=[silver.pk]),
            {"name": "Silver", "monthly_fee": "12.00", **terms},
        )
        assert changed.status_code == 302
        silver.refresh_from_db()
        assert (silver.monthly_fee, silver.is_active) == (Decimal("12.00"), False)

    def test_the_database_guards_are_the_ones_mapped_to_their_codes(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_constraint WHERE conname = ANY(%s)", [list(PLAN_CONSTRAINTS)])
            assert cursor.fetchone() == (len(PLAN_CONSTRAINTS),)


class TestMemberships:
    def test_starting_a_plan_ends_the_current_one_the_day_before(self):
        current = MembershipFactory()
        silver = MembershipPlanFactory(name="Silver")
        today = club_today()

        response = staff_api("billing").post(
            "/staff/billing/memberships", {"member": current.member.pk, "plan": silver.pk, "started_on": today}
        )

        assert response.status_code == 201, response.content
        current.refresh_from_db()
        assert current.ended_on == today - datetime.timedelta(days=1)
        new = Membership.objects.get(ended_on__isnull=True)
        assert (new.member, new.plan, new.started_on) == (current.member, silver, today)
        assert response.json()["plan"] == {"id": silver.pk, "name": "Silver"}

    def test_a_start_before_the_current_one_is_a_conflict(self):
        current = MembershipFactory()

        response = staff_api("billing").post(
            "/staff/billing/memberships",
            {"member": current.member.pk, "plan": current.plan.pk, "started_on": current.started_on},
        )

        assert problem_of(response) == (409, "membership_start_not_after_current", "started_on")

    def test_ending_a_membership_and_ending_it_again(self):
        membership = MembershipFactory()
        api = staff_api("billing")
        today = club_today()

        ended = api.post(f"/staff/billing/memberships/{membership.pk}/end", {"ended_on": today})
        again = api.post(f"/staff/billing/memberships/{membership.pk}/end", {"ended_on": today})

        assert ended.status_code == 200
        membership.refresh_from_db()
        assert membership.ended_on == today
        assert problem_of(again) == (409, "membership_already_ended", "membership")

    def test_the_list_filters_in_a_fixed_number_of_queries(self, django_assert_num_queries):
        api = warmed(staff_api("billing"), "/staff/billing/memberships")
        ended = MembershipFactory(ended_on=club_today())
        with django_assert_num_queries(5):  # token, permissions (2), count, page
            api.get("/staff/billing/memberships")
        current = [MembershipFactory() for _ in range(3)]

        with django_assert_num_queries(5):
            assert api.get("/staff/billing/memberships").json()["count"] == 4

        assert [m["id"] for m in api.get("/staff/billing/memberships", current=False).json()["items"]] == [ended.pk]
        mine = api.get("/staff/billing/memberships", member=current[0].member.pk).json()["items"]
        assert [m["id"] for m in mine] == [current[0].pk]


# ---------------------------------------------------------------------------------------------
# Generating, drafting, issuing, voiding
# ---------------------------------------------------------------------------------------------


class TestGenerate:
    def test_one_member_is_billed_once(self, november):
        api = staff_api("billing")
        period = {"period_start": "2026-11-01", "period_end": "2026-11-30"}
        member = november["membership"].member

        first = api.post("/staff/billing/invoices/generate", {"member": member.pk, **period})
        second = api.post("/staff/billing/invoices/generate", {"member": member.pk, **period})

        assert first.status_code == 200, first.content
        [invoice] = first.json()["invoices"]
        assert (invoice["member"]["id"], invoice["status"], invoice["total"]) == (member.pk, "draft", "97.00")
        assert second.json() == {"invoices": []}
        assert InvoiceLine.objects.count() == 3

    def test_every_member_is_billed_when_no_member_is_named(self, november):
        other = MembershipFactory(plan=november["membership"].plan, started_on=datetime.date(2026, 10, 1))

        response = staff_api("manager").post(
            "/staff/billing/invoices/generate", {"period_start": "2026-11-01", "period_end": "2026-11-30"}
        )

        assert response.status_code == 200
        assert {invoice["member"]["id"] for invoice in response.json()["invoices"]} == {
            november["membership"].member.pk,
            other.member.pk,
        }

    def test_a_period_ending_before_it_starts_is_refused_on_its_end(self):
        response = staff_api("billing").post(
            "/staff/billing/invoices/generate", {"period_start": "2026-11-30", "period_end": "2026-11-01"}
        )

        assert problem_of(response) == (422, "period_end_before_start", "period_end")


class TestInvoices:
    def test_a_draft_by_hand_takes_lines_is_issued_and_is_paid(self):
        member = MemberFactory()
        api = staff_api("billing")

        created = api.post("/staff/billing/invoices", {"member": member.pk, **this_month()})
        assert created.status_code == 201, created.content
        invoice_id = created.json()["id"]
        line = api.post(
            f"/staff/billing/invoices/{invoice_id}/lines",
            {"description": "Locker", "quantity": 2, "unit_price": "3.00"},
        )
        credit = api.post(
            f"/staff/billing/invoices/{invoice_id}/lines",
            {"kind": "credit", "description": "Goodwill", "unit_price": "-1.00"},
        )
        assert (line.status_code, line.json()["amount"], credit.status_code) == (201, "6.00", 201)

        issued_now = api.post(f"/staff/billing/invoices/{invoice_id}/issue")

        assert issued_now.status_code == 200, issued_now.content
        invoice = Invoice.objects.get(pk=invoice_id)
        assert (invoice.status, invoice.number is not None) == ("issued", True)
        body = issued_now.json()
        assert (body["total"], body["balance"], len(body["lines"])) == ("5.00", "5.00", 2)
        late_line = api.post(f"/staff/billing/invoices/{invoice_id}/lines", {"description": "X", "unit_price": "1.00"})
        assert problem_of(late_line) == (409, "invoice_not_draft", "invoice")

    def test_one_draft_per_member_and_period(self):
        draft = InvoiceFactory()

        response = staff_api("billing").post(
            "/staff/billing/invoices",
            {"member": draft.member.pk, "period_start": draft.period_start, "period_end": draft.period_end},
        )

        assert problem_of(response) == (409, "invoice_draft_exists", None)

    def test_an_empty_draft_is_not_issued(self):
        draft = InvoiceFactory()

        response = staff_api("billing").post(f"/staff/billing/invoices/{draft.pk}/issue")

        assert problem_of(response) == (409, "invoice_empty", "invoice")

    def test_a_line_comes_off_a_draft_but_not_off_an_issued_invoice(self):
        line = InvoiceLineFactory()
        sent_line = issued().lines.get()
        api = staff_api("billing")

        removed = api.delete(f"/staff/billing/lines/{line.pk}")
        kept = api.delete(f"/staff/billing/lines/{sent_line.pk}")

        assert removed.status_code == 204
        assert not InvoiceLine.objects.filter(pk=line.pk).exists()
        assert problem_of(kept) == (409, "line_remove_not_draft", "line")
        assert InvoiceLine.objects.filter(pk=sent_line.pk).exists()

    def test_voiding_an_invoice_with_money_received_is_refused(self):
        invoice = issued()
        PaymentFactory(invoice=invoice)
        empty = issued()
        api = staff_api("billing")

        assert problem_of(api.post(f"/staff/billing/invoices/{invoice.pk}/void")) == (
            409,
            "void_has_payments",
            "invoice",
        )
        voided = api.post(f"/staff/billing/invoices/{empty.pk}/void")
        assert (voided.status_code, voided.json()["status"], voided.json()["balance"]) == (200, "void", "0.00")
        assert voided.json()["lines"][0]["voided"] is True

    def test_the_detail_shows_lines_payments_and_balance_in_a_fixed_number_of_queries(self, django_assert_num_queries):
        invoice = issued("50.00")
        api = warmed(staff_api("front_desk"), f"/staff/billing/invoices/{invoice.pk}")
        PaymentFactory(invoice=invoice, amount=Decimal("10.00"), recorded_by=staff_user("billing"))
        with django_assert_num_queries(6):  # token, permissions (2), invoice, lines, payments
            api.get(f"/staff/billing/invoices/{invoice.pk}")
        for _ in range(3):
            PaymentFactory(invoice=invoice, amount=Decimal("5.00"), recorded_by=staff_user("billing"))

        with django_assert_num_queries(6):
            body = api.get(f"/staff/billing/invoices/{invoice.pk}").json()

        assert (body["total"], body["paid"], body["balance"]) == ("50.00", "25.00", "25.00")
        assert len(body["payments"]) == 4
        assert api.get("/staff/billing/invoices/999999").status_code == 404

    def test_the_list_filters_by_status_member_and_overdue_in_a_fixed_number_of_queries(
        self, django_assert_num_queries, time_machine
    ):
        api = warmed(staff_api("front_desk"), "/staff/billing/invoices")
        draft = InvoiceFactory()
        with django_assert_num_queries(5):  # token, permissions (2), count, page
            api.get("/staff/billing/invoices")
        late = issued()
        paid = issued()
        services.payment_record(invoice=paid, amount=Decimal("50.00"), method="cash")
        with django_assert_num_queries(5):
            assert api.get("/staff/billing/invoices").json()["count"] == 3

        assert [i["id"] for i in api.get("/staff/billing/invoices", status="draft").json()["items"]] == [draft.pk]
        assert [i["id"] for i in api.get("/staff/billing/invoices", member=paid.member.pk).json()["items"]] == [paid.pk]
        assert api.get("/staff/billing/invoices", overdue=True).json()["items"] == []

        time_machine.move_to(datetime.datetime.combine(late.due_date + datetime.timedelta(days=2), datetime.time(12)))
        overdue = api.get("/staff/billing/invoices", overdue=True).json()["items"]
        assert [(i["id"], i["overdue"]) for i in overdue] == [(late.pk, True)]


# ---------------------------------------------------------------------------------------------
# Payments and refunds
# ---------------------------------------------------------------------------------------------


class TestPayments:
    @pytest.mark.parametrize("role", ["billing", "front_desk"])
    def test_billing_and_the_front_desk_record_a_payment(self, role):
        invoice = issued("50.00")
        user = staff_user(role, first_name="Pat", last_name="Till")

        response = ApiClient(user).post(
            f"/staff/billing/invoices/{invoice.pk}/payments", {"amount": "50.00", "method": "card", "reference": "R1"}
        )

        assert response.status_code == 201, response.content
        payment = Payment.objects.get()
        assert (payment.amount, payment.method, payment.recorded_by) == (Decimal("50.00"), "card", user)
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.PAID
        assert response.json()["recorded_by"] == "Pat Till"

    def test_maintenance_may_not_record_a_payment(self):
        invoice = issued()

        response = staff_api("maintenance").post(
            f"/staff/billing/invoices/{invoice.pk}/payments", {"amount": "5.00", "method": "card"}
        )

        assert problem_of(response) == (403, "forbidden", None)
        assert not Payment.objects.exists()

    def test_a_payment_above_the_balance_is_a_conflict_on_the_amount(self):
        invoice = issued("50.00")

        response = staff_api("billing").post(
            f"/staff/billing/invoices/{invoice.pk}/payments", {"amount": "50.01", "method": "card"}
        )

        assert problem_of(response) == (409, "payment_above_balance", "amount")
        assert not Payment.objects.exists()

    def test_a_payment_on_a_draft_and_an_unknown_method_are_refused(self):
        api = staff_api("billing")

        on_draft = api.post(
            f"/staff/billing/invoices/{InvoiceFactory().pk}/payments", {"amount": "1.00", "method": "card"}
        )
        by_cheque = api.post(f"/staff/billing/invoices/{issued().pk}/payments", {"amount": "1.00", "method": "cheque"})

        assert problem_of(on_draft) == (409, "payment_invoice_not_issued", "invoice")
        assert problem_of(by_cheque) == (422, "method_invalid", "method")

    def test_a_refund_reopens_a_paid_invoice_and_is_never_more_than_paid(self):
        invoice = issued("50.00")
        services.payment_record(invoice=invoice, amount=Decimal("50.00"), method="cash")
        api = staff_api("billing")

        too_much = api.post(f"/staff/billing/invoices/{invoice.pk}/refunds", {"amount": "60.00", "method": "cash"})
        refunded = api.post(f"/staff/billing/invoices/{invoice.pk}/refunds", {"amount": "20.00", "method": "cash"})

        assert problem_of(too_much) == (409, "refund_above_paid", "amount")
        assert (refunded.status_code, refunded.json()["kind"]) == (201, "refund")
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.ISSUED
        assert api.get(f"/staff/billing/invoices/{invoice.pk}").json()["balance"] == "20.00"
