"""An invoice as the member keeps it: the printable page and the PDF (admin, staff API, member portal and API) say
the same, with the currency, the club's address, contact and tax number and how to pay; a void invoice is titled
void everywhere and has neither; voiding asks first and says what it does."""

from __future__ import annotations

import html
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from billing import services
from billing.errors import BillingError
from billing.models import Invoice
from billing.tests.factories import InvoiceFactory, InvoiceLineFactory
from clubsite.core.money import money_text
from clubsite.testing import messages_of
from clubsite.testing.admin import query_count
from clubsite.testing.api import ApiClient
from clubsite.testing.roles import staff_user
from clubsite.testing.twofactor import sign_in
from members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

# The club's name stays the default one: the admin's title is read from it once, when the URLs are first loaded.
CLUB = {
    "CLUB_ADDRESS": "12 Quay Road, Bristol BS1 4DJ",
    "CLUB_PHONE": "0117 496 0000",
    "CLUB_CONTACT_EMAIL": "desk@riverside.test",
    "CLUB_TAX_NUMBER": "VAT GB 987 6543 21",
    "CLUB_PAYMENT_INSTRUCTIONS": "Transfer to Riverside Fitness Ltd, sort code 40-11-62, account 31926819.",
    "CLUB_CURRENCY_SYMBOL": "£",
}


@pytest.fixture(autouse=True)
def club(settings):
    for name, value in CLUB.items():
        setattr(settings, name, value)


def issued(member=None, *, lines=(("Gold membership, December", "49.00"), ("Spin drop-in", "8.50"))) -> Invoice:
    invoice = InvoiceFactory(**({"member": member} if member else {}))
    for description, price in lines:
        InvoiceLineFactory(invoice=invoice, description=description, unit_price=Decimal(price))
    return services.invoice_issue(invoice=invoice)


def voided(member=None) -> Invoice:
    return services.invoice_void(invoice=issued(member))


def pdf_text(response) -> str:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def assert_holds_the_invoice(text: str, invoice: Invoice) -> None:
    for expected in (
        invoice.number,
        "Gold membership, December",
        "Spin drop-in",
        "£49.00",
        "£8.50",
        "£57.50",  # the total, with its currency
        settings.CLUB_NAME,
        CLUB["CLUB_ADDRESS"],
        CLUB["CLUB_PHONE"],
        CLUB["CLUB_CONTACT_EMAIL"],
        CLUB["CLUB_TAX_NUMBER"],
        CLUB["CLUB_PAYMENT_INSTRUCTIONS"],
        f"quoting {invoice.number}",
    ):
        assert expected in text, f"{expected!r} missing from:\n{text}"


def billing_client() -> Client:
    client = Client()
    sign_in(client, staff_user("billing"))
    return client


# -- one money formatter -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1234.5"), "£1,234.50"),
        (Decimal("-5"), "−£5.00"),
        (0, "£0.00"),
        (Decimal("-0.004"), "£0.00"),
        ("12.345", "£12.35"),
        (None, ""),
        ("", ""),
        ("not money", ""),
        ("Infinity", ""),
    ],
)
def test_money_is_written_one_way(value, text):
    assert money_text(value) == text


def test_the_portal_money_filter_is_the_one_formatter(settings):
    from members.templatetags.member_tags import money

    settings.CLUB_CURRENCY_SYMBOL = "€"
    assert money(Decimal("-1234.5")) == money_text(Decimal("-1234.5")) == "−€1,234.50"


# -- the printable page ------------------------------------------------------------------------------------------


def test_the_printable_invoice_has_the_currency_the_club_and_how_to_pay():
    invoice = issued()
    client = billing_client()

    response = client.get(reverse("admin:billing_invoice_print", args=[invoice.pk]))

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert_holds_the_invoice(page, invoice)
    assert f"Invoice {invoice.number}" in page
    assert reverse("admin:billing_invoice_pdf", args=[invoice.pk]) in page


@pytest.mark.parametrize("name", ["admin:billing_invoice_print", "admin:billing_invoice_pdf"])
def test_a_document_costs_the_same_queries_however_long_the_invoice(name):
    short = issued()
    long = issued(lines=[(f"Class {n}", "5.00") for n in range(30)])
    for _ in range(5):
        services.payment_record(invoice=long, amount=Decimal("1.00"), method="cash")
    client = billing_client()
    client.get(reverse(name, args=[short.pk]))  # the session's first read is not the page's

    # The sign-in's own reads (session, user, the device that verified it, permissions), then the invoice, its
    # lines and its payments.
    assert query_count(client, reverse(name, args=[short.pk])) <= 10
    assert query_count(client, reverse(name, args=[long.pk])) == query_count(client, reverse(name, args=[short.pk]))


def test_a_paid_invoice_asks_for_nothing():
    invoice = issued()
    services.payment_record(invoice=invoice, amount=Decimal("57.50"), method="card")

    page = billing_client().get(reverse("admin:billing_invoice_print", args=[invoice.pk])).content.decode()

    assert "Please pay" not in page
    assert CLUB["CLUB_PAYMENT_INSTRUCTIONS"] not in page
    assert "£57.50" in page


# -- the PDF, from every door ------------------------------------------------------------------------------------


def test_staff_download_the_pdf_from_the_admin():
    invoice = issued()

    response = billing_client().get(reverse("admin:billing_invoice_pdf", args=[invoice.pk]))

    assert_holds_the_invoice(pdf_text(response), invoice)
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'


def test_the_invoice_page_offers_printing_and_the_pdf():
    invoice = issued()

    page = billing_client().get(reverse("admin:billing_invoice_change", args=[invoice.pk])).content.decode()

    assert reverse("admin:billing_invoice_print", args=[invoice.pk]) in page
    assert reverse("admin:billing_invoice_pdf", args=[invoice.pk]) in page


def test_the_staff_api_gives_the_pdf():
    invoice = issued()

    response = ApiClient(staff_user("front_desk")).get(f"/staff/billing/invoices/{invoice.pk}/pdf")

    assert_holds_the_invoice(pdf_text(response), invoice)


def test_a_member_downloads_their_own_invoice_from_the_portal(member_client, member, other_member):
    mine, theirs = issued(member), issued(other_member)

    detail = member_client.get(reverse("members:invoice-detail", args=[mine.pk])).content.decode()
    response = member_client.get(reverse("members:invoice-pdf", args=[mine.pk]))

    assert reverse("members:invoice-pdf", args=[mine.pk]) in detail
    assert_holds_the_invoice(pdf_text(response), mine)
    assert member_client.get(reverse("members:invoice-pdf", args=[theirs.pk])).status_code == 404


def test_a_member_never_gets_a_draft_as_pdf(member_client, member):
    draft = InvoiceFactory(member=member)
    InvoiceLineFactory(invoice=draft)

    assert member_client.get(reverse("members:invoice-pdf", args=[draft.pk])).status_code == 404


def test_the_member_api_gives_their_own_pdf_only(member, other_member):
    mine, theirs = issued(member), issued(other_member)
    api = ApiClient(member.user)

    assert_holds_the_invoice(pdf_text(api.get(f"/member/invoices/{mine.pk}/pdf")), mine)
    refused = api.get(f"/member/invoices/{theirs.pk}/pdf")
    assert refused.status_code == 404
    assert refused["Content-Type"] == "application/problem+json"


def test_a_draft_pdf_says_it_is_a_draft():
    draft = InvoiceFactory()
    InvoiceLineFactory(invoice=draft, description="Towel hire", unit_price=Decimal("2.00"))

    text = pdf_text(billing_client().get(reverse("admin:billing_invoice_pdf", args=[draft.pk])))

    assert f"Draft invoice #{draft.pk}" in text
    assert "£2.00" in text


# -- a void invoice ----------------------------------------------------------------------------------------------


def test_a_voided_draft_is_titled_void_not_draft():
    draft = InvoiceFactory()
    InvoiceLineFactory(invoice=draft)

    services.invoice_void(invoice=draft)
    draft.refresh_from_db()

    assert str(draft) == f"Void invoice #{draft.pk}"
    assert draft.title == f"Void invoice #{draft.pk}"


def test_a_void_invoice_page_is_titled_void_and_offers_no_printing():
    invoice = voided()
    client = billing_client()

    page = client.get(reverse("admin:billing_invoice_change", args=[invoice.pk])).content.decode()

    assert f"Void invoice {invoice.number}" in page
    assert reverse("admin:billing_invoice_print", args=[invoice.pk]) not in page
    assert reverse("admin:billing_invoice_pdf", args=[invoice.pk]) not in page


@pytest.mark.parametrize("name", ["admin:billing_invoice_print", "admin:billing_invoice_pdf"])
def test_a_void_invoice_is_not_printed_by_its_address(name):
    invoice = voided()

    response = billing_client().get(reverse(name, args=[invoice.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:billing_invoice_change", args=[invoice.pk])
    message = BillingError("invoice_void_no_document").message
    assert messages_of(response) == [f"Void invoice {invoice.number}: {message}"]


def test_a_void_invoice_has_no_pdf_over_the_api(member):
    invoice = voided(member)

    for api, path in (
        (ApiClient(staff_user("billing")), f"/staff/billing/invoices/{invoice.pk}/pdf"),
        (ApiClient(member.user), f"/member/invoices/{invoice.pk}/pdf"),
    ):
        response = api.get(path)
        assert response.status_code == 409
        assert response.json()["code"] == "invoice_void_no_document"


def test_the_member_sees_a_void_invoice_titled_void_without_a_pdf(member_client, member):
    invoice = voided(member)

    listed = member_client.get(reverse("members:invoices")).content.decode()
    detail = member_client.get(reverse("members:invoice-detail", args=[invoice.pk])).content.decode()

    assert f"Void invoice {invoice.number}" in listed
    assert f"Void invoice {invoice.number}" in detail
    assert reverse("members:invoice-pdf", args=[invoice.pk]) not in detail
    assert member_client.get(reverse("members:invoice-pdf", args=[invoice.pk])).status_code == 404


# -- voiding asks first ------------------------------------------------------------------------------------------


def test_the_void_button_opens_a_page_saying_what_voiding_does():
    invoice = issued()
    client = billing_client()

    page = client.get(reverse("admin:billing_invoice_change", args=[invoice.pk])).content.decode()
    confirm = client.get(reverse("admin:billing_invoice_void", args=[invoice.pk]))

    assert f'href="{reverse("admin:billing_invoice_void", args=[invoice.pk])}"' in page
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Void this invoice?" in text
    assert "can be billed again" in text and "cannot be undone" in text
    assert invoice.number in text and "£57.50" in text
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED  # opening the page changed nothing


def test_confirming_voids_and_says_so():
    invoice = issued()

    response = billing_client().post(reverse("admin:billing_invoice_void", args=[invoice.pk]), follow=True)

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VOID
    assert messages_of(response) == [
        f"Void invoice {invoice.number}: it bills nothing now, and what it billed can be billed again."
    ]


def test_staff_who_may_only_look_cannot_open_the_void_page():
    invoice = issued()
    client = Client()
    client.force_login(staff_user("front_desk"))

    assert client.get(reverse("admin:billing_invoice_void", args=[invoice.pk])).status_code == 403


def test_the_void_action_asks_first_then_voids_with_a_sentence():
    first, second = issued(), issued()
    client = billing_client()
    changelist = reverse("admin:billing_invoice_changelist")
    selection = {"action": "void_invoices", "_selected_action": [first.pk, second.pk]}

    asked = client.post(changelist, selection)

    assert asked.status_code == 200
    assert "Void these 2 invoices?" in asked.content.decode()
    assert "cannot be undone" in asked.content.decode()
    assert Invoice.objects.filter(status=Invoice.Status.VOID).count() == 0

    done = client.post(changelist, {**selection, "apply": "Void the 2 invoices"}, follow=True)

    assert Invoice.objects.filter(status=Invoice.Status.VOID).count() == 2
    said = "2 invoices are now void: they bill nothing, and what they billed can be billed again."
    assert messages_of(done) == [said]


def test_issuing_from_the_list_says_so_in_a_sentence():
    draft = InvoiceFactory()
    InvoiceLineFactory(invoice=draft)

    response = billing_client().post(
        reverse("admin:billing_invoice_changelist"),
        {"action": "issue_invoices", "_selected_action": [draft.pk]},
        follow=True,
    )

    assert messages_of(response) == ["One invoice was issued: it has its number and due date."]


# -- money with its currency in the admin ------------------------------------------------------------------------


def test_the_billing_admin_lists_show_the_currency():
    invoice = issued(MemberFactory())
    services.payment_record(invoice=invoice, amount=Decimal("12.34"), method="cash")
    client = billing_client()

    invoices = client.get(reverse("admin:billing_invoice_changelist")).content.decode()
    payments = client.get(reverse("admin:billing_payment_changelist")).content.decode()
    lines = client.get(reverse("admin:billing_invoiceline_changelist")).content.decode()
    detail = client.get(reverse("admin:billing_invoice_change", args=[invoice.pk])).content.decode()

    assert "£57.50" in invoices and "£45.16" in invoices  # the total and the balance
    assert "£12.34" in payments
    assert "£49.00" in lines and "£8.50" in lines
    assert "£57.50" in detail and "£45.16" in detail and "£49.00" in detail and "£12.34" in detail
