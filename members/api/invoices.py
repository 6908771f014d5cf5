"""The member's invoices, with their totals, lines, payments and balance: the portal's billing selectors."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router

from billing.api._common import PDF_RESPONSE
from billing.documents import invoice_document, invoice_pdf_response
from billing.selectors import InvoiceWithTotals, invoice_detail, invoice_list_for_member, member_outstanding_balance
from clubsite.api.access import member_of
from clubsite.api.schemas import PROBLEMS

from .common import page_of
from .schemas import MemberInvoiceDetailOut, MemberInvoicePage, MemberPageQuery

router = Router(tags=["member"])


@router.get(
    "/invoices",
    response={200: MemberInvoicePage, **PROBLEMS},
    operation_id="member_invoice_list",
    url_name="member_invoice_list",
    summary="Your invoices",
)
def invoice_list(request: HttpRequest, page: Query[MemberPageQuery]) -> dict[str, Any]:
    """Your issued, paid and void invoices (drafts are the club's work in progress and not shown), newest period
    first, each with its total, what was paid (net of refunds) and its balance; ``outstanding_balance`` is what you
    still owe on issued invoices."""
    member = member_of(request)
    invoices = page_of(invoice_list_for_member(member=member), page)
    invoices["outstanding_balance"] = member_outstanding_balance(member=member)
    return invoices


@router.get(
    "/invoices/{invoice_id}",
    response={200: MemberInvoiceDetailOut, **PROBLEMS},
    operation_id="member_invoice_read",
    url_name="member_invoice_read",
    summary="One invoice with its lines and payments",
)
def invoice_read(request: HttpRequest, invoice_id: int) -> InvoiceWithTotals:
    """An invoice's lines (voided ones flagged: they no longer count), payments and refunds, total, paid and
    balance. A draft, or someone else's invoice, is a 404."""
    invoice = invoice_detail(member=member_of(request), invoice_id=invoice_id)
    if invoice is None:
        raise Http404("No such invoice.")
    return invoice


@router.get(
    "/invoices/{invoice_id}/pdf",
    response=PROBLEMS,
    operation_id="member_invoice_pdf",
    url_name="member_invoice_pdf",
    summary="One invoice as a PDF",
    openapi_extra=PDF_RESPONSE,
)
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """Your invoice as a PDF download, the same as its page. A draft, or someone else's invoice, is a 404; a void
    invoice bills nothing and has no PDF (``invoice_void_no_document``, 409)."""
    invoice = invoice_detail(member=member_of(request), invoice_id=invoice_id)
    if invoice is None:
        raise Http404("No such invoice.")
    return invoice_pdf_response(invoice_document(invoice))
