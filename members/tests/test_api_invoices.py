"""Invoices over the API: the member's issued invoices with totals, lines, payments and balance; never drafts."""

import datetime
from decimal import Decimal

import pytest

from billing.models import Invoice
from billing.services import invoice_issue, invoice_void, payment_record, payment_refund
from billing.tests.factories import InvoiceFactory, InvoiceLineFactory
from clubsite.testing.api import ApiClient


def _issued(member, month: int, *prices: str) -> Invoice:
    invoice = InvoiceFactory(
        member=member, period_start=datetime.date(2025, month, 1), period_end=datetime.date(2025, month, 28)
    )
    for price in prices:
        InvoiceLineFactory(invoice=invoice, description=f"Charge {price}", unit_price=Decimal(price))
    return invoice_issue(invoice=invoice)


def _warm(member):
    api = ApiClient(member.user)
    api.get("/member/profile")
    return api


@pytest.mark.django_db
def test_the_list_is_newest_first_with_totals_and_the_outstanding_balance_in_a_fixed_number_of_queries(
    member, other_member, django_assert_max_num_queries
):
    march = _issued(member, 3, "49.00")
    april = _issued(member, 4, "49.00", "8.00")
    may = _issued(member, 5, "10.00")
    payment_record(invoice=march, amount=Decimal("49.00"), method="card")
    InvoiceFactory(member=member)  # a draft stays hidden
    _issued(other_member, 4, "99.00")
    api = _warm(member)

    with django_assert_max_num_queries(5):  # token, member, count, page, outstanding balance
        response = api.get("/member/invoices", limit=2)

    assert response.status_code == 200, response.content
    page = response.json()
    assert page["count"] == 3
    assert Decimal(page["outstanding_balance"]) == Decimal("67.00")
    rows = [(item["id"], item["status"], Decimal(item["total"]), Decimal(item["balance"])) for item in page["items"]]
    assert rows == [
        (may.pk, "issued", Decimal("10.00"), Decimal("10.00")),
        (april.pk, "issued", Decimal("57.00"), Decimal("57.00")),
    ]
    rest = api.get("/member/invoices", limit=2, offset=2).json()["items"]
    assert [(item["id"], item["status"], Decimal(item["paid"])) for item in rest] == [
        (march.pk, "paid", Decimal("49.00"))
    ]
    assert api.get("/member/invoices", limit=101).status_code == 422


@pytest.mark.django_db
def test_the_detail_has_lines_payments_refunds_and_balance(member, django_assert_max_num_queries):
    invoice = _issued(member, 5, "49.00", "40.00")
    payment_record(invoice=invoice, amount=Decimal("60.00"), method="card", reference="POS 123")
    payment_refund(invoice=invoice, amount=Decimal("10.00"), method="card")
    api = _warm(member)

    with django_assert_max_num_queries(5):  # token, member, the invoice with totals, its lines, its payments
        response = api.get(f"/member/invoices/{invoice.pk}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == invoice.number
    assert (Decimal(body["total"]), Decimal(body["paid"]), Decimal(body["balance"])) == (
        Decimal("89.00"),
        Decimal("50.00"),
        Decimal("39.00"),
    )
    assert [(line["description"], Decimal(line["amount"]), line["voided"]) for line in body["lines"]] == [
        ("Charge 49.00", Decimal("49.00"), False),
        ("Charge 40.00", Decimal("40.00"), False),
    ]
    assert [(payment["kind"], Decimal(payment["amount"]), payment["reference"]) for payment in body["payments"]] == [
        ("payment", Decimal("60.00"), "POS 123"),
        ("refund", Decimal("-10.00"), ""),
    ]
    assert "recorded_by" not in body["payments"][0]


@pytest.mark.django_db
def test_a_void_invoice_owes_nothing(member):
    invoice = invoice_void(invoice=_issued(member, 6, "20.00"))

    body = ApiClient(member.user).get(f"/member/invoices/{invoice.pk}").json()

    assert (body["status"], Decimal(body["balance"])) == ("void", Decimal("0"))


@pytest.mark.django_db
def test_a_draft_or_another_members_invoice_is_404(member, other_member):
    draft = InvoiceFactory(member=member)
    theirs = _issued(other_member, 3, "49.00")
    api = ApiClient(member.user)

    assert api.get(f"/member/invoices/{draft.pk}").status_code == 404
    assert api.get(f"/member/invoices/{theirs.pk}").status_code == 404
    assert api.get("/member/invoices").json()["count"] == 0
