"""An invoice as a document a member keeps: what the printable page and the PDF both show, made in one place so
the two can never say different things, and the PDF itself.

The PDF is drawn with ReportLab in Bitstream Vera, the TrueType font ReportLab ships: every currency symbol the
club may use, the minus sign of a credit and the dashes of a period are in it, and no font of the system is needed.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse
from django.utils import dateformat
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # type: ignore[import-untyped]

from clubsite.core.clock import club_time
from clubsite.core.money import money_text

from .errors import BillingError
from .models import Invoice
from .selectors import InvoiceWithTotals


@dataclass(frozen=True)
class DocumentLine:
    description: str
    quantity: int
    unit_price: str
    amount: str


@dataclass(frozen=True)
class DocumentPayment:
    received_on: str
    kind: str
    method: str
    reference: str
    amount: str


@dataclass(frozen=True)
class InvoiceDocument:
    """Everything an invoice says, as text, in the order it is read."""

    title: str
    status: str
    status_code: str
    club_name: str
    club_address: str
    club_phone: str
    club_email: str
    club_tax_number: str
    billed_to: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]
    lines: tuple[DocumentLine, ...]
    total: str
    paid: str
    balance: str
    payments: tuple[DocumentPayment, ...]
    #: What to pay by when, quoting what; empty when nothing is owed.
    payment_due: str
    payment_instructions: str
    filename: str


def _day(value: datetime.date | None) -> str:
    return "—" if value is None else dateformat.format(value, "j M Y")


def invoice_document(invoice: InvoiceWithTotals) -> InvoiceDocument:
    """What ``invoice`` (read with ``billing.selectors.invoices_in_full``) says on paper. A void invoice bills
    nothing and is never handed out as a bill: ``invoice_void_no_document``."""
    if invoice.status == Invoice.Status.VOID:
        raise BillingError("invoice_void_no_document")
    member = invoice.member
    issued = club_time(invoice.issued_at).date() if invoice.issued_at is not None else None
    payment_due = ""
    if invoice.status == Invoice.Status.ISSUED and invoice.balance_amount > 0 and invoice.due_date is not None:
        payment_due = (
            f"Please pay the balance of {money_text(invoice.balance_amount)} by "
            f"{dateformat.format(invoice.due_date, 'j F Y')}, quoting {invoice.number} as the reference."
        )
    return InvoiceDocument(
        title=invoice.title,
        status=str(invoice.get_status_display()),
        status_code=invoice.status,
        club_name=settings.CLUB_NAME,
        club_address=settings.CLUB_ADDRESS,
        club_phone=settings.CLUB_PHONE,
        club_email=settings.CLUB_CONTACT_EMAIL,
        club_tax_number=settings.CLUB_TAX_NUMBER,
        billed_to=tuple(text for text in (member.full_name, member.user.email, member.phone) if text),
        facts=(
            ("Period", f"{_day(invoice.period_start)} – {_day(invoice.period_end)}"),
            ("Issued", _day(issued)),
            ("Due", _day(invoice.due_date)),
        ),
        lines=tuple(
            DocumentLine(
                description=line.description,
                quantity=line.quantity,
                unit_price=money_text(line.unit_price),
                amount=money_text(line.amount),
            )
            for line in invoice.lines.all()
            if not line.voided
        ),
        total=money_text(invoice.total_amount),
        paid=money_text(invoice.paid_amount),
        balance=money_text(invoice.balance_amount),
        payments=tuple(
            DocumentPayment(
                received_on=_day(club_time(payment.received_at).date()),
                kind=str(payment.get_kind_display()),
                method=str(payment.get_method_display()),
                reference=payment.reference or "—",
                amount=money_text(payment.signed_amount),
            )
            for payment in invoice.payments.all()
        ),
        payment_due=payment_due,
        payment_instructions=settings.CLUB_PAYMENT_INSTRUCTIONS if invoice.status != Invoice.Status.PAID else "",
        filename=f"{invoice.number}.pdf" if invoice.number else f"draft-invoice-{invoice.pk}.pdf",
    )


# -- the PDF ----------------------------------------------------------------------------------------------------

_FONT, _BOLD = "Vera", "VeraBd"


def _fonts() -> None:
    # Registered once per process, on first use (ReportLab finds its own font files by name).
    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_FONT, "Vera.ttf"))
        pdfmetrics.registerFont(TTFont(_BOLD, "VeraBd.ttf"))
        pdfmetrics.registerFontFamily(_FONT, normal=_FONT, bold=_BOLD, italic=_FONT, boldItalic=_BOLD)


_GREY = colors.HexColor("#6c757d")
_RULE = colors.HexColor("#dee2e6")


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=_FONT, fontSize=9.5, leading=13)
    return {
        "body": body,
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "club": ParagraphStyle("club", parent=body, fontName=_BOLD, fontSize=16, leading=20),
        "title": ParagraphStyle("title", parent=body, fontName=_BOLD, fontSize=14, leading=18, alignment=TA_RIGHT),
        "heading": ParagraphStyle("heading", parent=body, fontName=_BOLD, fontSize=8.5, textColor=_GREY, spaceAfter=2),
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, textColor=_GREY),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _table(rows: list[list[object]], widths: list[float], *, header: bool, right_from: int) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    commands: list[tuple[object, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), _FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 9.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (right_from, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, _RULE),
    ]
    if header:
        commands += [("FONTNAME", (0, 0), (-1, 0), _BOLD), ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black)]
    table.setStyle(TableStyle(commands))
    return table


def invoice_pdf(document: InvoiceDocument) -> bytes:
    """The document as an A4 PDF: the same as the printable page, in the same order."""
    _fonts()
    styles = _styles()
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=document.title,
        author=document.club_name,
        subject=f"{document.title} — {document.club_name}",
    )
    width = pdf.width
    club = [
        _p(document.club_name, styles["club"]),
        *(
            _p(text, styles["body"])
            for text in (document.club_address, document.club_phone, document.club_email, document.club_tax_number)
            if text
        ),
    ]
    heading = [_p(document.title, styles["title"]), _p(document.status, styles["right"])]
    story: list[object] = [
        Table([[club, heading]], colWidths=[width * 0.6, width * 0.4], style=[("VALIGN", (0, 0), (-1, -1), "TOP")]),
        Spacer(1, 8 * mm),
    ]
    billed_to = [_p("BILLED TO", styles["heading"]), *(_p(text, styles["body"]) for text in document.billed_to)]
    facts = Table(
        [[_p(label, styles["body"]), _p(value, styles["body"])] for label, value in document.facts],
        colWidths=[width * 0.15, width * 0.35],
        style=[("FONTNAME", (0, 0), (0, -1), _BOLD), ("LEFTPADDING", (0, 0), (-1, -1), 0)],
    )
    story += [
        Table([[billed_to, facts]], colWidths=[width * 0.5, width * 0.5], style=[("VALIGN", (0, 0), (-1, -1), "TOP")]),
        Spacer(1, 6 * mm),
    ]
    rows: list[list[object]] = [["Description", "Qty", "Unit price", "Amount"]]
    rows += [
        [_p(line.description, styles["body"]), str(line.quantity), line.unit_price, line.amount]
        for line in document.lines
    ] or [[_p("No lines.", styles["small"]), "", "", ""]]
    rows += [
        ["", "", "Total", document.total],
        ["", "", "Paid", document.paid],
        ["", "", "Balance due", document.balance],
    ]
    lines = _table(rows, [width * 0.52, width * 0.1, width * 0.19, width * 0.19], header=True, right_from=1)
    lines.setStyle(TableStyle([("FONTNAME", (2, -3), (-1, -3), _BOLD), ("FONTNAME", (2, -1), (-1, -1), _BOLD)]))
    story.append(lines)
    if document.payments:
        story += [Spacer(1, 6 * mm), _p("PAYMENTS", styles["heading"])]
        payments: list[list[object]] = [["Date", "Kind", "Method", "Reference", "Amount"]]
        payments += [
            [payment.received_on, payment.kind, payment.method, _p(payment.reference, styles["body"]), payment.amount]
            for payment in document.payments
        ]
        story.append(
            _table(
                payments,
                [width * 0.18, width * 0.14, width * 0.18, width * 0.31, width * 0.19],
                header=True,
                right_from=4,
            )
        )
    if document.payment_due or document.payment_instructions:
        story.append(Spacer(1, 6 * mm))
    if document.payment_due:
        story.append(_p(document.payment_due, styles["body"]))
    if document.payment_instructions:
        story += [Spacer(1, 2 * mm), _p(f"How to pay: {document.payment_instructions}", styles["body"])]
    pdf.build(story)
    return buffer.getvalue()


def invoice_pdf_response(document: InvoiceDocument) -> HttpResponse:
    """The PDF as a download named after the invoice: every door that hands one out answers with this."""
    response = HttpResponse(invoice_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response
