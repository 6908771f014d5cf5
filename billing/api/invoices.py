"""Invoices as the billing admin has them: generating drafts for a period, drafts by hand and their lines,
issuing, voiding, payments and refunds; the same permissions, the same services."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from billing import services
from billing.documents import invoice_document, invoice_pdf_response
from billing.models import Invoice, InvoiceLine
from billing.selectors import invoices_in_full, overdue_invoices
from clubsite.api.access import require_staff
from clubsite.api.pagination import Converted
from clubsite.api.schemas import PROBLEMS
from clubsite.core.clock import club_today
from members.models import Member

from ._common import PDF_RESPONSE, invoice_detail_out, invoice_out, invoices, invoices_in_detail, line_out, payment_out
from .schemas import (
    StaffGenerateIn,
    StaffGenerateOut,
    StaffInvoiceDetailOut,
    StaffInvoiceIn,
    StaffInvoiceOut,
    StaffLineIn,
    StaffLineOut,
    StaffPaymentIn,
    StaffPaymentOut,
    StaffRefundIn,
)

router = Router()


def _detail(pk: int) -> StaffInvoiceDetailOut:
    return invoice_detail_out(invoices_in_detail().get(pk=pk))


def _member(pk: int | None) -> Member | None:
    return None if pk is None else Member.objects.filter(pk=pk).first()


@router.post(
    "/invoices/generate",
    response={200: StaffGenerateOut, **PROBLEMS},
    operation_id="staff_invoice_generate",
    url_name="staff_invoice_generate",
    summary="Bill a period, for one member or for all",
)
def invoice_generate(request: HttpRequest, payload: StaffGenerateIn) -> StaffGenerateOut:
    """Plan months, PT sessions and paid classes of the period not billed yet go onto drafts for exactly that
    period; what is billed already is never billed twice. Leave ``member`` out to bill every member.
    Needs ``billing.add_invoice``."""
    require_staff(request, "billing.add_invoice")
    period = {"period_start": payload.period_start, "period_end": payload.period_end}
    if payload.member is not None:
        invoice = services.invoice_generate(member=_member(payload.member), **period)  # type: ignore[arg-type]
        billed = [invoice] if invoice is not None else []
    else:
        billed = services.invoice_generate_all(**period)
    rows = invoices().filter(pk__in=[invoice.pk for invoice in billed]).order_by("member_id", "id")
    return StaffGenerateOut(invoices=[invoice_out(invoice) for invoice in rows])


@router.get(
    "/invoices",
    response={200: list[StaffInvoiceOut], **PROBLEMS},
    operation_id="staff_invoice_list",
    url_name="staff_invoice_list",
    summary="Invoices, with totals and balances",
)
@paginate(LimitOffsetPagination)
def invoice_list(
    request: HttpRequest,
    status: Invoice.Status | None = None,
    member: int | None = None,
    overdue: bool = False,
):
    """Latest period first; drafts included. ``overdue=true``: issued invoices past their due date with money
    owed, oldest due first (the overdue list of the back office). Needs ``billing.view_invoice``."""
    require_staff(request, "billing.view_invoice")
    if overdue:
        rows = overdue_invoices(today=club_today())
    else:
        rows = invoices().order_by("-period_start", "-id")
    if status is not None:
        rows = rows.filter(status=status)
    if member is not None:
        rows = rows.filter(member_id=member)
    return Converted(rows, invoice_out)


@router.get(
    "/invoices/{invoice_id}",
    response={200: StaffInvoiceDetailOut, **PROBLEMS},
    operation_id="staff_invoice_read",
    url_name="staff_invoice_read",
    summary="An invoice with its lines, payments and balance",
)
def invoice_read(request: HttpRequest, invoice_id: int) -> StaffInvoiceDetailOut:
    """Every line (a void invoice's lines are marked ``voided``) and every payment and refund.
    Needs ``billing.view_invoice``."""
    require_staff(request, "billing.view_invoice")
    return invoice_detail_out(get_object_or_404(invoices_in_detail(), pk=invoice_id))


@router.get(
    "/invoices/{invoice_id}/pdf",
    response=PROBLEMS,
    operation_id="staff_invoice_pdf",
    url_name="staff_invoice_pdf",
    summary="An invoice as a PDF",
    openapi_extra=PDF_RESPONSE,
)
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The printable invoice of the billing admin as a PDF download (drafts included); a void invoice has none
    (``invoice_void_no_document``, 409). Needs ``billing.view_invoice``."""
    require_staff(request, "billing.view_invoice")
    return invoice_pdf_response(invoice_document(get_object_or_404(invoices_in_full(), pk=invoice_id)))


@router.post(
    "/invoices",
    response={201: StaffInvoiceDetailOut, **PROBLEMS},
    operation_id="staff_invoice_create",
    url_name="staff_invoice_create",
    summary="Open an empty draft for lines added by hand",
)
def invoice_create(request: HttpRequest, payload: StaffInvoiceIn) -> Status[StaffInvoiceDetailOut]:
    """One draft per member and period (``invoice_draft_exists``, 409). Needs ``billing.add_invoice``."""
    require_staff(request, "billing.add_invoice")
    invoice = services.invoice_create(
        member=_member(payload.member),  # type: ignore[arg-type]
        period_start=payload.period_start,
        period_end=payload.period_end,
    )
    return Status(201, _detail(invoice.pk))


@router.post(
    "/invoices/{invoice_id}/lines",
    response={201: StaffLineOut, **PROBLEMS},
    operation_id="staff_invoice_line_add",
    url_name="staff_invoice_line_add",
    summary="Add a manual charge or a credit to a draft",
)
def invoice_line_add(request: HttpRequest, invoice_id: int, payload: StaffLineIn) -> Status[StaffLineOut]:
    """A credit has a negative unit price; only drafts take lines (``invoice_not_draft``, 409).
    Needs ``billing.add_invoiceline``."""
    require_staff(request, "billing.add_invoiceline")
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    return Status(201, line_out(services.invoice_line_add(invoice=invoice, **payload.dict())))


@router.delete(
    "/lines/{line_id}",
    response={204: None, **PROBLEMS},
    operation_id="staff_invoice_line_remove",
    url_name="staff_invoice_line_remove",
    summary="Take a line off a draft",
)
def invoice_line_remove(request: HttpRequest, line_id: int) -> Status[None]:
    """What it billed can be billed again; lines of an invoice already sent stay (``line_remove_not_draft``,
    409). Needs ``billing.delete_invoiceline``."""
    require_staff(request, "billing.delete_invoiceline")
    services.invoice_line_remove(line=get_object_or_404(InvoiceLine, pk=line_id))
    return Status(204, None)


@router.post(
    "/invoices/{invoice_id}/issue",
    response={200: StaffInvoiceDetailOut, **PROBLEMS},
    operation_id="staff_invoice_issue",
    url_name="staff_invoice_issue",
    summary="Issue a draft",
)
def invoice_issue(request: HttpRequest, invoice_id: int) -> StaffInvoiceDetailOut:
    """It gets its number and due date; one totalling zero or less is paid at once. Needs ``billing.change_invoice``."""
    require_staff(request, "billing.change_invoice")
    services.invoice_issue(invoice=get_object_or_404(Invoice, pk=invoice_id))
    return _detail(invoice_id)


@router.post(
    "/invoices/{invoice_id}/void",
    response={200: StaffInvoiceDetailOut, **PROBLEMS},
    operation_id="staff_invoice_void",
    url_name="staff_invoice_void",
    summary="Void a draft or issued invoice",
)
def invoice_void(request: HttpRequest, invoice_id: int) -> StaffInvoiceDetailOut:
    """Cancels it for good: it bills nothing, the member owes nothing on it, it keeps its number and is marked
    void, and it has no PDF any more; its lines are set aside, so what it billed can be billed again. No mail goes
    to the member. Only without money received (``void_has_payments``, 409: refund first); it cannot be undone.
    Needs ``billing.change_invoice``."""
    require_staff(request, "billing.change_invoice")
    services.invoice_void(invoice=get_object_or_404(Invoice, pk=invoice_id))
    return _detail(invoice_id)


@router.post(
    "/invoices/{invoice_id}/payments",
    response={201: StaffPaymentOut, **PROBLEMS},
    operation_id="staff_payment_record",
    url_name="staff_payment_record",
    summary="Record a payment against an issued invoice",
)
def payment_record(request: HttpRequest, invoice_id: int, payload: StaffPaymentIn) -> Status[StaffPaymentOut]:
    """Never more than the balance (``payment_above_balance``, 409); the payment that settles it marks it paid.
    You are its recorder. Needs ``billing.add_payment``."""
    require_staff(request, "billing.add_payment")
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    payment = services.payment_record(invoice=invoice, recorded_by=request.user, **payload.dict())  # type: ignore[arg-type]
    return Status(201, payment_out(payment))


@router.post(
    "/invoices/{invoice_id}/refunds",
    response={201: StaffPaymentOut, **PROBLEMS},
    operation_id="staff_payment_refund",
    url_name="staff_payment_refund",
    summary="Give money back on an invoice",
)
def payment_refund(request: HttpRequest, invoice_id: int, payload: StaffRefundIn) -> Status[StaffPaymentOut]:
    """At most what was paid net (``refund_above_paid``, 409); a paid invoice owing again is reopened.
    Needs ``billing.add_payment``."""
    require_staff(request, "billing.add_payment")
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    refund = services.payment_refund(invoice=invoice, recorded_by=request.user, **payload.dict())  # type: ignore[arg-type]
    return Status(201, payment_out(refund))
