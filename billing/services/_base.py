"""What every billing service shares: the input checks, the locks (in the lock order) and the constraint maps."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import dateformat, timezone

from clubsite.core.clock import club_time
from members.models import Member

from ..errors import BillingError
from ..models import Invoice, InvoiceLine, Payment

MAX_QUANTITY = 1000
MAX_MONEY = Decimal("100000000")  # NUMERIC(10,2)
CENT = Decimal("0.01")
DESCRIPTION_MAX: int = InvoiceLine._meta.get_field("description").max_length  # type: ignore[assignment]
REFERENCE_MAX: int = Payment._meta.get_field("reference").max_length  # type: ignore[assignment]

# Constraint (and trigger) name -> the code of the rule it enforces.
MEMBERSHIP_CONSTRAINTS = {
    "billing_membership_one_current": "membership_already_current",
    "billing_membership_end_after_start": "membership_end_before_start",
    "billing_membership_no_overlap": "membership_overlaps",
}
LINE_CONSTRAINTS = {
    "billing_invoiceline_plan_month_once": "plan_month_already_billed",
    "billing_invoiceline_class_once": "class_already_billed",
    "billing_invoiceline_pt_once": "pt_session_already_billed",
    "billing_invoiceline_joining_once": "plan_month_already_billed",
    "billing_invoiceline_pack_once": "pack_already_billed",
    "billing_invoiceline_fee_once": "fee_already_billed",
    "billing_invoiceline_quantity_positive": "quantity_invalid",
    "billing_invoiceline_price_not_negative": "price_negative",
    "billing_invoiceline_credit_not_positive": "credit_not_negative",
    "billing_invoiceline_billable_matches_kind": "line_invalid",
    "billing_invoice_period_end_after_start": "period_end_before_start",
}
INVOICE_CONSTRAINTS = {
    "billing_invoice_issued_has_number": "invoice_number_missing",
    "billing_invoice_number_key": "invoice_number_taken",
    "billing_invoice_period_end_after_start": "period_end_before_start",
}
PLAN_CONSTRAINTS = {
    "billing_membershipplan_name_key": "plan_name_taken",
    "billing_membershipplan_fee_not_negative": "fee_negative",
    "billing_membershipplan_joining_fee_not_negative": "joining_fee_negative",
    "billing_membershipplan_allowance_iff_count": "plan_allowance_required",
}
PAYMENT_CONSTRAINTS = {"billing_payment_amount_positive": "amount_not_positive"}


# --- input checks -------------------------------------------------------------------------------


def require_date(value: object, field: str) -> datetime.date:
    # A datetime is a date too; refusing it keeps a timestamp from silently becoming a day.
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise BillingError("date_required", field=field)
    return value


def require_time(value: object, field: str) -> datetime.datetime:
    if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
        raise BillingError("time_invalid", field=field)
    return value


def money(value: object, field: str) -> Decimal:
    if value is None or isinstance(value, bool):
        raise BillingError("amount_invalid", field=field)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise BillingError("amount_invalid", field=field) from None
    # The size first: quantizing a number with more digits than the context holds raises InvalidOperation.
    if not amount.is_finite() or abs(amount) >= MAX_MONEY or amount != amount.quantize(CENT):
        raise BillingError("amount_invalid", field=field)
    return amount.quantize(CENT)


def positive_money(value: object) -> Decimal:
    amount = money(value, "amount")
    if amount <= 0:
        raise BillingError("amount_not_positive")
    return amount


def payment_method(value: object) -> str:
    if value not in Payment.Method.values:
        raise BillingError("method_invalid")
    return str(value)


def check_reference(value: object) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None or len(text) > REFERENCE_MAX:
        raise BillingError("reference_too_long")
    return text


def period(period_start: object, period_end: object) -> tuple[datetime.date, datetime.date]:
    start, end = require_date(period_start, "period_start"), require_date(period_end, "period_end")
    if end < start:
        raise BillingError("period_end_before_start")
    # The calendar's last month has no month after it to count to.
    if end.year == datetime.date.max.year and end.month == 12:
        raise BillingError("date_out_of_calendar", field="period_end")
    if start.year == datetime.date.max.year:
        raise BillingError("date_out_of_calendar", field="period_start")
    # A longer run is almost certainly a typo in the year, and would bill dozens of months at once.
    try:
        year_later = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        year_later = start.replace(year=start.year + 1, month=3, day=1)
    if end >= year_later:
        raise BillingError("period_too_long")
    return start, end


def description(text: str) -> str:
    """``text`` cut to fit a line's description."""
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"


def when(moment: datetime.datetime) -> str:
    """A moment as a line describes it, on the club's clock."""
    return dateformat.format(club_time(moment), "D j M Y H:i")


# --- locks (members first, then invoices: the lock order) --------------------------------------


def lock_member(member: Member | None) -> Member:
    if not isinstance(member, Member) or member.pk is None:
        raise BillingError("member_required")
    # order_by("pk"): the default ordering joins users, and FOR UPDATE would lock that row too.
    locked = Member.objects.select_for_update().order_by("pk").filter(pk=member.pk).first()
    if locked is None:
        raise BillingError("member_required")
    return locked


def lock_invoice(invoice: Invoice | None) -> Invoice:
    if not isinstance(invoice, Invoice) or invoice.pk is None:
        raise BillingError("invoice_required")
    locked = Invoice.objects.select_for_update().filter(pk=invoice.pk).first()
    if locked is None:
        raise BillingError("invoice_required")
    return locked


def month_draft(member_id: int, today: datetime.date) -> Invoice:
    """The member's draft for this calendar month (club time), created when there is none; locked (after the
    member: the lock order). Credits, fees and adjustments go here, to be sent with the month's bill."""
    first = today.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    draft = (
        Invoice.objects.select_for_update()
        .filter(member_id=member_id, status=Invoice.Status.DRAFT, period_start=first, period_end=last)
        .order_by("id")
        .first()
    )
    if draft is None:
        draft = Invoice.objects.create(member_id=member_id, period_start=first, period_end=last)
    return draft
