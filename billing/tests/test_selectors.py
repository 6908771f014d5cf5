import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from billing import selectors, services
from billing.models import Invoice, InvoiceLine, Payment
from billing.tests.factories import InvoiceFactory, InvoiceLineFactory, PaymentFactory, RefundFactory
from members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
NOV_22 = datetime.date(2026, 11, 22)


def invoice_with(
    member,
    status=Invoice.Status.ISSUED,
    lines=("60.00", "30.00", "10.00"),
    payments=(),
    refunds=(),
    due_date=NOV_22 + datetime.timedelta(days=14),
    period_start=datetime.date(2026, 11, 1),
):
    """An invoice written straight to the tables: selectors read whatever is there."""
    invoice = InvoiceFactory(member=member, period_start=period_start, due_date=due_date)
    for price in lines:
        InvoiceLineFactory(invoice=invoice, unit_price=Decimal(price))
    if status != Invoice.Status.DRAFT:
        Invoice.objects.filter(pk=invoice.pk).update(
            status=status, number=f"INV-2026-{invoice.pk:06d}", issued_at=timezone.now()
        )
    for amount in payments:
        PaymentFactory(invoice=invoice, amount=Decimal(amount))
    for amount in refunds:
        RefundFactory(invoice=invoice, amount=Decimal(amount))
    return invoice


def test_list_for_member_annotates_totals_without_multiplying_lines_by_payments(django_assert_num_queries):
    member = MemberFactory()
    invoice = invoice_with(member, payments=("20.00", "15.00"), refunds=("5.00",))
    InvoiceLineFactory(invoice=invoice, unit_price=Decimal("99.00"), voided=True)

    with django_assert_num_queries(1):
        [row] = list(selectors.invoice_list_for_member(member=member))

    assert row == invoice
    assert (row.total_amount, row.paid_amount, row.balance_amount) == (
        Decimal("100.00"),
        Decimal("30.00"),
        Decimal("70.00"),
    )
    assert row.balance_amount == row.balance


def test_list_for_member_shows_only_their_sent_invoices_newest_first_in_one_query(django_assert_num_queries):
    member = MemberFactory()
    old = invoice_with(member, period_start=datetime.date(2026, 9, 1), payments=("100.00",), status=Invoice.Status.PAID)
    void = invoice_with(member, period_start=datetime.date(2026, 10, 1), status=Invoice.Status.VOID)
    new = invoice_with(member, period_start=datetime.date(2026, 11, 1), lines=("5.00",))
    invoice_with(member, status=Invoice.Status.DRAFT)
    invoice_with(MemberFactory())
    for _ in range(3):
        invoice_with(member, period_start=datetime.date(2026, 8, 1), payments=("1.00", "2.00"))

    with django_assert_num_queries(1):
        rows = list(selectors.invoice_list_for_member(member=member))

    assert rows[:3] == [new, void, old]
    assert len(rows) == 6
    assert [row.balance_amount for row in rows[:3]] == [Decimal("5.00"), Decimal("0.00"), Decimal("0.00")]
    assert rows[-1].paid_amount == Decimal("3.00")


def test_outstanding_balance_sums_what_is_owed_on_issued_invoices_in_one_query(django_assert_num_queries):
    member = MemberFactory()
    invoice_with(member, payments=("40.00",))  # owes 60
    invoice_with(member, lines=("25.00",), payments=("30.00",), refunds=("10.00",))  # owes 5
    invoice_with(member, status=Invoice.Status.PAID, payments=("100.00",))
    invoice_with(member, status=Invoice.Status.VOID)
    invoice_with(member, status=Invoice.Status.DRAFT)
    invoice_with(MemberFactory())

    with django_assert_num_queries(1):
        outstanding = selectors.member_outstanding_balance(member=member)

    assert outstanding == Decimal("65.00")


def test_outstanding_balance_of_a_member_without_invoices_is_zero():
    assert selectors.member_outstanding_balance(member=MemberFactory()) == Decimal("0.00")


def test_invoice_detail_loads_lines_and_payments_in_three_queries(django_assert_num_queries):
    member = MemberFactory()
    invoice = invoice_with(member, payments=("10.00", "20.00"))
    InvoiceLineFactory.create_batch(3, invoice=invoice)

    with django_assert_num_queries(3):
        detail = selectors.invoice_detail(member=member, invoice_id=invoice.pk)
        lines, payments = list(detail.lines.all()), list(detail.payments.all())

    assert detail == invoice
    assert len(lines) == 6
    assert [payment.amount for payment in payments] == [Decimal("10.00"), Decimal("20.00")]
    assert detail.balance_amount == Decimal("85.00")


@pytest.mark.parametrize("invoice_id", ["nonsense", None, 0])
def test_invoice_detail_of_a_bad_id_is_none(invoice_id):
    assert selectors.invoice_detail(member=MemberFactory(), invoice_id=invoice_id) is None


def test_invoice_detail_of_another_members_or_a_draft_invoice_is_none():
    member = MemberFactory()
    theirs = invoice_with(MemberFactory())
    draft = invoice_with(member, status=Invoice.Status.DRAFT)

    assert selectors.invoice_detail(member=member, invoice_id=theirs.pk) is None
    assert selectors.invoice_detail(member=member, invoice_id=draft.pk) is None


def test_overdue_invoices_lists_issued_invoices_past_due_with_money_owed(django_assert_num_queries):
    due_yesterday = NOV_22 - datetime.timedelta(days=1)
    late = [invoice_with(MemberFactory(), due_date=due_yesterday - datetime.timedelta(days=n)) for n in range(3)]
    part_paid = invoice_with(MemberFactory(), due_date=due_yesterday, payments=("50.00",))
    invoice_with(MemberFactory(), due_date=NOV_22)  # due today: not late yet
    settled = invoice_with(MemberFactory(), due_date=due_yesterday, lines=("10.00",))
    services.payment_record(invoice=settled, amount=Decimal("10.00"), method=Payment.Method.CARD)
    invoice_with(MemberFactory(), due_date=due_yesterday, status=Invoice.Status.VOID)
    credited = invoice_with(MemberFactory(), due_date=due_yesterday, lines=())
    InvoiceLineFactory(invoice=credited, kind=InvoiceLine.Kind.CREDIT, unit_price=Decimal("-5.00"))

    with django_assert_num_queries(1):
        rows = list(selectors.overdue_invoices(today=NOV_22))
        names = [str(row.member) for row in rows]

    assert rows == [*reversed(late), part_paid]
    assert rows[-1].balance_amount == Decimal("50.00")
    assert names[0] == late[2].member.user.get_full_name()
