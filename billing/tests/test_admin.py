import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing import services
from billing.errors import BillingError
from billing.models import Invoice, InvoiceLine, Membership, Payment
from billing.tests.factories import (
    InvoiceFactory,
    InvoiceLineFactory,
    MembershipFactory,
    PaymentFactory,
)
from clubsite.core.clock import club_today

pytestmark = pytest.mark.django_db


def issued_invoice(price: str = "50.00") -> Invoice:
    """Issued three days ago: the payments recorded on it (yesterday, at the earliest) come after it."""
    invoice = InvoiceFactory()
    services.invoice_line_add(invoice=invoice, description="Locker hire", quantity=1, unit_price=Decimal(price))
    return services.invoice_issue(invoice=invoice, issued_at=timezone.now() - datetime.timedelta(days=3))


def url(model, view: str, *args) -> str:
    return reverse(f"admin:billing_{model._meta.model_name}_{view}", args=args)


def test_invoice_changelist_shows_annotated_total_and_balance(admin_client):
    invoice = issued_invoice("80.00")
    services.payment_record(invoice=invoice, amount=Decimal("30.00"), method=Payment.Method.CASH)

    response = admin_client.get(url(Invoice, "changelist"))

    rows = list(response.context["cl"].result_list)
    assert (rows[0].total_amount, rows[0].balance_amount) == (Decimal("80.00"), Decimal("50.00"))
    assert "50.00" in response.content.decode()


def test_payments_cannot_be_changed_or_deleted_in_the_admin(admin_client):
    invoice = issued_invoice()
    payment = services.payment_record(invoice=invoice, amount=Decimal("20.00"), method=Payment.Method.CARD)

    change = admin_client.post(
        url(Payment, "change", payment.pk),
        {
            "invoice": invoice.pk,
            "kind": "payment",
            "amount": "1.00",
            "method": "cash",
            "received_at_0": "2026-11-22",
            "received_at_1": "09:00",
            "reference": "edited",
        },
    )
    delete = admin_client.post(url(Payment, "delete", payment.pk), {"post": "yes"})
    bulk_delete = admin_client.post(
        url(Payment, "changelist"), {"action": "delete_selected", "_selected_action": [payment.pk], "post": "yes"}
    )

    assert change.status_code == 403
    assert delete.status_code == 403
    # Without the delete permission the changelist offers no bulk "delete selected" action at all.
    offered = dict(admin_client.get(url(Payment, "changelist")).context["action_form"].fields["action"].choices)
    assert "delete_selected" not in offered
    assert "export_csv" in offered
    assert bulk_delete.status_code in (200, 302)
    payment.refresh_from_db()
    assert (payment.amount, payment.method, payment.reference) == (Decimal("20.00"), Payment.Method.CARD, "")
    assert Payment.objects.count() == 1


def test_invoice_change_page_shows_payments_read_only(admin_client):
    invoice = issued_invoice()
    services.payment_record(invoice=invoice, amount=Decimal("20.00"), method=Payment.Method.CARD)

    response = admin_client.get(url(Invoice, "change", invoice.pk))

    payment_formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is Payment)
    assert not payment_formset.has_add_permission
    assert not payment_formset.has_change_permission
    assert not payment_formset.has_delete_permission


def _payment_post(invoice: Invoice, amount: str, kind: str = "payment") -> dict:
    return {
        "invoice": invoice.pk,
        "kind": kind,
        "amount": amount,
        "method": "card",
        # Yesterday morning: a payment is never received in the future, whatever day the tests run.
        "received_at_0": (club_today() - datetime.timedelta(days=1)).isoformat(),
        "received_at_1": "09:00:00",
        "reference": "desk",
    }


def test_recording_a_payment_in_the_admin_goes_through_the_service(admin_client, admin_user):
    invoice = issued_invoice("50.00")

    response = admin_client.post(url(Payment, "add"), _payment_post(invoice, "50.00"))

    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.recorded_by, payment.reference) == (Decimal("50.00"), admin_user, "desk")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_a_payment_above_the_balance_shows_as_a_form_error(admin_client):
    invoice = issued_invoice("50.00")

    response = admin_client.post(url(Payment, "add"), _payment_post(invoice, "50.01"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["amount"] == [BillingError("payment_above_balance").message]
    assert not Payment.objects.exists()


def test_a_refund_in_the_admin_reopens_a_paid_invoice(admin_client):
    invoice = issued_invoice("50.00")
    services.payment_record(invoice=invoice, amount=Decimal("50.00"), method=Payment.Method.CARD)

    too_much = admin_client.post(url(Payment, "add"), _payment_post(invoice, "60.00", kind="refund"))
    response = admin_client.post(url(Payment, "add"), _payment_post(invoice, "20.00", kind="refund"))

    assert too_much.context["adminform"].form.errors["amount"] == [BillingError("refund_above_paid").message]
    assert response.status_code == 302
    assert Payment.objects.filter(kind=Payment.Kind.REFUND).get().amount == Decimal("20.00")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED


def test_issue_and_void_actions_call_the_services(admin_client):
    draft = InvoiceFactory()
    InvoiceLineFactory(invoice=draft)
    empty = InvoiceFactory()

    response = admin_client.post(
        url(Invoice, "changelist"),
        {"action": "issue_invoices", "_selected_action": [draft.pk, empty.pk]},
        follow=True,
    )

    messages = [str(message) for message in response.context["messages"]]
    assert f"{empty}: {BillingError('invoice_empty')}" in messages
    assert "One invoice was issued: it has its number and due date." in messages
    draft.refresh_from_db()
    assert draft.status == Invoice.Status.ISSUED

    PaymentFactory(invoice=draft, amount=Decimal("1.00"))
    response = admin_client.post(
        url(Invoice, "changelist"),
        {"action": "void_invoices", "_selected_action": [draft.pk, empty.pk], "apply": "Void the 2 invoices"},
        follow=True,
    )

    messages = [str(message) for message in response.context["messages"]]
    assert f"{draft}: {BillingError('void_has_payments')}" in messages
    empty.refresh_from_db()
    assert empty.status == Invoice.Status.VOID


def test_membership_changelist_filters_current_memberships(admin_client):
    MembershipFactory(started_on=datetime.date(2026, 1, 1), ended_on=datetime.date(2026, 6, 30))
    current = MembershipFactory()

    response = admin_client.get(url(Membership, "changelist") + "?ended_on__isempty=1")

    assert list(response.context["cl"].result_list) == [current]


def test_lines_of_an_issued_invoice_cannot_be_added_changed_or_deleted(admin_client):
    invoice = issued_invoice("50.00")
    line = invoice.lines.get()
    post = {"invoice": invoice.pk, "kind": "manual", "description": "Late fee", "quantity": 1, "unit_price": "5.00"}

    add = admin_client.post(url(InvoiceLine, "add"), post)
    change = admin_client.post(url(InvoiceLine, "change", line.pk), post)
    delete = admin_client.post(url(InvoiceLine, "delete", line.pk), {"post": "yes"})

    assert add.context["adminform"].form.errors["invoice"] == [BillingError("invoice_not_draft").message]
    assert (change.status_code, delete.status_code) == (403, 403)
    assert list(invoice.lines.values_list("description", "unit_price")) == [("Locker hire", Decimal("50.00"))]


def test_a_draft_line_can_be_added_in_the_admin(admin_client):
    draft = InvoiceFactory()
    post = {"invoice": draft.pk, "kind": "manual", "description": "Late fee", "quantity": 2, "unit_price": "5.00"}

    response = admin_client.post(url(InvoiceLine, "add"), post)

    assert response.status_code == 302
    assert draft.total == Decimal("10.00")
