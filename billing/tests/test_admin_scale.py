"""Billing's back office at scale: the overdue invoices on the dashboard, the invoice and payment lists' order and
date hierarchy, all read along indexes rather than across every invoice."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing import services
from billing.models import Invoice, Payment
from billing.tests.factories import InvoiceFactory
from clubsite.adminkit import EstimatedCountPaginator, IndexedDatesQuerySet
from clubsite.backoffice.dashboard import SHOWN

pytestmark = pytest.mark.django_db


def issued(price: str = "40.00", **invoice) -> Invoice:
    draft = InvoiceFactory(**invoice)
    services.invoice_line_add(invoice=draft, description="Locker hire", quantity=1, unit_price=Decimal(price))
    # Issued days ago: the payments recorded on it (two days ago, at the earliest) come after it.
    return services.invoice_issue(invoice=draft, issued_at=timezone.now() - datetime.timedelta(days=3))


def due(invoice: Invoice, days_ago: int) -> Invoice:
    Invoice.objects.filter(pk=invoice.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=days_ago))
    return invoice


class TestOverdueInvoices:
    def test_the_dashboard_lists_the_oldest_overdue_and_counts_them_all(self, admin_client):
        overdue = [due(issued(), days_ago=days) for days in range(30, 18, -1)]  # twelve, oldest first
        settled = due(issued(), days_ago=40)
        services.payment_record(invoice=settled, amount=Decimal("40.00"), method=Payment.Method.CARD)
        issued()  # not due yet
        part_paid = due(issued(), days_ago=50)
        services.payment_record(invoice=part_paid, amount=Decimal("15.00"), method=Payment.Method.CARD)

        dashboard = admin_client.get(reverse("admin:index")).context["dashboard"]

        assert dashboard.overdue == [part_paid, *overdue[: SHOWN - 1]]
        assert [invoice.balance_amount for invoice in dashboard.overdue[:2]] == [Decimal("25.00"), Decimal("40.00")]
        assert dashboard.overdue_count == 13

    def test_counting_the_overdue_invoices_sums_no_invoice(self, admin_client):
        due(issued(), days_ago=3)

        with CaptureQueriesContext(connection) as index:
            admin_client.get(reverse("admin:index"))
        with CaptureQueriesContext(connection) as listed:
            response = admin_client.get(reverse("admin:billing_invoice_changelist"), {"due": "overdue"})

        counts = [q["sql"] for q in [*index.captured_queries, *listed.captured_queries] if "COUNT(" in q["sql"]]
        assert counts and not any("billing_invoiceline" in sql or "billing_payment" in sql for sql in counts)
        assert response.context["cl"].result_count == 1


class TestInvoiceAndPaymentLists:
    def test_invoice_periods_are_found_as_django_finds_them(self):
        for start in (datetime.date(2025, 12, 1), datetime.date(2026, 1, 1), datetime.date(2026, 3, 1)):
            InvoiceFactory(period_start=start, period_end=start + datetime.timedelta(days=27))
        probed, plain = IndexedDatesQuerySet(Invoice), Invoice.objects.all()

        for kind in ("year", "month", "day"):
            assert list(probed.dates("period_start", kind)) == list(plain.dates("period_start", kind)), kind

    def test_the_invoice_list_drills_down_by_period(self, admin_client):
        for start in (datetime.date(2026, 1, 1), datetime.date(2026, 3, 1)):
            InvoiceFactory(period_start=start, period_end=start + datetime.timedelta(days=27))

        cl = admin_client.get(reverse("admin:billing_invoice_changelist")).context["cl"]

        # Both in one year: the hierarchy opens on its months, as Django's does.
        assert [choice["title"] for choice in date_hierarchy(cl)["choices"]] == ["January 2026", "March 2026"]

    def test_payments_are_listed_newest_first(self, admin_client):
        invoice = issued("30.00")
        first = services.payment_record(
            invoice=invoice,
            amount=Decimal("10.00"),
            method=Payment.Method.CARD,
            received_at=timezone.now() - datetime.timedelta(days=2),
        )
        second = services.payment_record(invoice=invoice, amount=Decimal("10.00"), method=Payment.Method.CASH)

        rows = list(admin_client.get(reverse("admin:billing_payment_changelist")).context["cl"].result_list)

        assert rows == [second, first]

    def test_an_estimated_count_is_rounded_for_people(self):
        paginator = EstimatedCountPaginator([], 50)
        paginator.__dict__["count"] = 1_000_336
        paginator.estimated = True

        assert paginator.approximate_count == 1_000_000
