"""Member portal: the member's invoices with lines, payments, balance and status."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Invoice
from billing.services import invoice_issue, payment_record, payment_refund
from billing.tests.factories import InvoiceFactory, InvoiceLineFactory


def _issued(member, month: int, *prices: str) -> Invoice:
    invoice = InvoiceFactory(
        member=member, period_start=datetime.date(2025, month, 1), period_end=datetime.date(2025, month, 28)
    )
    for price in prices:
        InvoiceLineFactory(invoice=invoice, description=f"Charge {price}", unit_price=Decimal(price))
    return invoice_issue(invoice=invoice)


@pytest.mark.django_db
def test_the_list_shows_issued_invoices_newest_first_with_totals_and_status(member_client, member):
    march = _issued(member, 3, "49.00")
    april = _issued(member, 4, "49.00", "8.00")
    payment_record(invoice=march, amount=Decimal("49.00"), method="card")
    InvoiceFactory(member=member)  # a draft stays hidden

    response = member_client.get(reverse("members:invoices"))

    rows = [(i.pk, i.status, i.total_amount, i.balance_amount) for i in response.context["page_obj"]]
    assert rows == [
        (april.pk, "issued", Decimal("57.00"), Decimal("57.00")),
        (march.pk, "paid", Decimal("49.00"), Decimal("0.00")),
    ]
    assert response.context["outstanding_balance"] == Decimal("57.00")
    content = response.content.decode()
    assert april.number in content and march.number in content
    assert ">Paid</span>" in content and ">Issued</span>" in content


@pytest.mark.django_db
def test_the_list_is_one_card_an_invoice_to_fit_a_phone_not_a_wide_table(member_client, member):
    _issued(member, 3, "49.00")

    content = member_client.get(reverse("members:invoices")).content.decode()

    assert "<table" not in content and "table-responsive" not in content
    assert content.count('class="list-group-item invoice-item"') == 1
    assert "Total</dt>" in content and "Balance</dt>" in content


@pytest.mark.django_db
def test_the_detail_shows_lines_payments_refunds_and_balance(member_client, member):
    invoice = _issued(member, 5, "49.00", "40.00")
    payment_record(invoice=invoice, amount=Decimal("60.00"), method="card", reference="POS 123")
    payment_refund(invoice=invoice, amount=Decimal("10.00"), method="card")

    response = member_client.get(reverse("members:invoice-detail", args=[invoice.pk]))

    assert response.status_code == 200
    shown = response.context["invoice"]
    assert (shown.total_amount, shown.paid_amount, shown.balance_amount) == (
        Decimal("89.00"),
        Decimal("50.00"),
        Decimal("39.00"),
    )
    content = response.content.decode()
    assert "Charge 49.00" in content and "Charge 40.00" in content
    assert "POS 123" in content and "Refund" in content and "−£10.00" in content
    assert '<td class="text-end fw-semibold" id="invoice-balance">£39.00</td>' in content


@pytest.mark.django_db
def test_an_unknown_invoice_is_404(member_client):
    assert member_client.get(reverse("members:invoice-detail", args=[999999])).status_code == 404
