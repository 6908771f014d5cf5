"""A payment is received between its invoice's issue and now: one dated before the invoice was issued (year 1
included) or in the future is refused by the service with a code on ``received_at``, which the admin shows under
the field and the API as a problem document."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from billing import services
from billing.errors import BillingError
from billing.models import Invoice, Payment
from billing.tests.factories import InvoiceFactory, InvoiceLineFactory
from clubsite.testing.admin import split_datetime
from clubsite.testing.api import ApiClient
from clubsite.testing.roles import staff_user
from clubsite.testing.twofactor import sign_in

pytestmark = pytest.mark.django_db

YEAR_ONE = datetime.datetime(1, 1, 1, 12, 0, tzinfo=datetime.UTC)


def issued(hours_ago: int = 2) -> Invoice:
    invoice = InvoiceFactory()
    InvoiceLineFactory(invoice=invoice, unit_price=Decimal("40.00"))
    return services.invoice_issue(invoice=invoice, issued_at=timezone.now() - datetime.timedelta(hours=hours_ago))


def record(invoice: Invoice, received_at: datetime.datetime) -> Payment:
    return services.payment_record(invoice=invoice, amount=Decimal("10.00"), method="cash", received_at=received_at)


@pytest.mark.parametrize(
    "before",
    [YEAR_ONE, datetime.timedelta(days=400), datetime.timedelta(minutes=1)],
    ids=["year 1", "a year before", "a minute before"],
)
def test_a_payment_before_its_invoice_was_issued_is_refused(before):
    invoice = issued()
    received_at = before if isinstance(before, datetime.datetime) else invoice.issued_at - before

    with pytest.raises(BillingError) as refused:
        record(invoice, received_at)

    assert (refused.value.code, refused.value.field) == ("payment_before_issue", "received_at")
    assert "before its invoice was issued" in refused.value.message
    assert not Payment.objects.exists()


def test_a_payment_typed_in_the_minute_of_issue_is_taken():
    # The admin's form takes (and defaults to) a time to the second; the page shows the issue time to the minute.
    invoice = issued()
    start_of_minute = invoice.issued_at.replace(second=0, microsecond=0)

    assert record(invoice, start_of_minute).received_at == start_of_minute


def test_a_payment_at_the_moment_of_issue_or_after_is_taken():
    invoice = issued()

    at_issue = record(invoice, invoice.issued_at)
    later = record(invoice, invoice.issued_at + datetime.timedelta(minutes=30))

    assert [at_issue.received_at, later.received_at] == [
        invoice.issued_at,
        invoice.issued_at + datetime.timedelta(minutes=30),
    ]


def test_a_payment_in_the_future_is_refused():
    invoice = issued()

    with pytest.raises(BillingError) as refused:
        record(invoice, timezone.now() + datetime.timedelta(minutes=5))

    assert (refused.value.code, refused.value.field) == ("payment_in_future", "received_at")


@pytest.mark.parametrize(
    "received",
    [
        {"received_at_0": "0001-01-01", "received_at_1": "09:00:00"},
        None,  # a day before the invoice was issued, filled in below
    ],
    ids=["year 1", "the day before"],
)
def test_the_admin_shows_the_refusal_under_received_at(received):
    invoice = issued(hours_ago=1)
    received = received or split_datetime(invoice.issued_at - datetime.timedelta(days=1), "received_at")
    client = Client()
    sign_in(client, staff_user("billing"))

    response = client.post(
        reverse("admin:billing_payment_add"),
        {"invoice": invoice.pk, "kind": "payment", "amount": "10.00", "method": "cash", "reference": "", **received},
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["received_at"]
    assert errors["received_at"][0].startswith("A payment cannot be received before its invoice was issued (")
    assert not Payment.objects.exists()


@pytest.mark.parametrize("received_at", ["0001-01-01T00:00:00Z", "2020-01-01T09:00:00+00:00"])
def test_the_api_answers_a_problem_document_on_received_at(received_at):
    invoice = issued()

    response = ApiClient(staff_user("billing")).post(
        f"/staff/billing/invoices/{invoice.pk}/payments",
        {"amount": "10.00", "method": "cash", "received_at": received_at},
    )

    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["code"], body["field"]) == ("payment_before_issue", "received_at")
    assert not Payment.objects.exists()
