"""Invoices: the list with totals, generating drafts for a period, printing, issuing and voiding."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from clubsite import adminkit
from clubsite.core.clock import club_today
from clubsite.core.errors import ClubError
from clubsite.core.forms import add_club_error
from clubsite.core.money import money_text
from clubsite.widgets import NativeDateInput
from members.models import Member

from .. import services
from ..documents import invoice_document, invoice_pdf_response
from ..models import Invoice, InvoiceLine, Payment
from ..selectors import InvoiceWithTotals, first_overdue_day, invoices_in_full, invoices_with_totals, is_overdue
from ._common import MEMBER_SEARCH_FIELDS, money_column, service_form_page, short_day_text

NOTHING_TO_BILL = "Nothing new to bill for {period}."


def billed_text(count: int, period: str, invoices: str) -> str:
    """What generating invoices did: "2 draft invoices now hold what was not billed yet for … : …"."""
    return ngettext(
        "One draft invoice now holds what was not billed yet for {period}: {invoices}.",
        "{count} draft invoices now hold what was not billed yet for {period}: {invoices}.",
        count,
    ).format(count=count, period=period, invoices=invoices)


def issued_text(count: int) -> str:
    return ngettext(
        "One invoice was issued: it has its number and due date.",
        "{count} invoices were issued: each has its number and due date.",
        count,
    ).format(count=count)


def voided_text(count: int) -> str:
    return ngettext(
        "One invoice is now void: it bills nothing, and what it billed can be billed again.",
        "{count} invoices are now void: they bill nothing, and what they billed can be billed again.",
        count,
    ).format(count=count)


#: What voiding does, said before anyone confirms it (the invoice's page and the list's action).
VOID_EXPLAINED = (
    "A void invoice bills nothing: the member no longer owes its balance, and it stays in the books, marked void, "
    "with its number if it had one. It can no longer be printed or downloaded as a PDF. Its lines are set aside, "
    "so the membership months, sessions and classes it billed can be billed again by the next invoice run. "
    "No mail is sent to the member. An invoice with money received cannot be voided: refund the payments first. "
    "Voiding cannot be undone."
)


class ConfirmForm(forms.Form):
    """A confirmation with nothing to fill in: its submit button is the confirmation."""


def _month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    return first, (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def _period_text(start: datetime.date, end: datetime.date) -> str:
    return f"{start:%-d %b %Y} – {end:%-d %b %Y}"


class InvoiceLineInline(admin.TabularInline):
    """A draft's lines are added on the line page (through the service) and removed with its action."""

    model = InvoiceLine
    extra = 0
    fields = ("kind", "description", "quantity", "price", "amount", "voided")
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    price = money_column("unit_price", "unit price")
    amount = money_column("amount", "amount")

    def has_add_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False


class PaymentInline(admin.TabularInline):
    """Payments are shown, never edited here: record them on the Payment page, through the service."""

    model = Payment
    extra = 0
    fields = ("kind", "money", "method", "received_at", "reference", "recorded_by")
    readonly_fields = fields
    money = money_column("amount", "amount")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")

    def has_add_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False


class OverdueFilter(admin.SimpleListFilter):
    title = "payment"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("owing", "Money owed")]

    def queryset(self, request, queryset):
        # An issued invoice always owes money: the payment that settles it marks it paid, and a refund that
        # reopens a paid one marks it issued again (billing.services). Filtering on the status alone lets
        # the count use an index, where summing every invoice's lines and payments took most of a second.
        owing = queryset.filter(status=Invoice.Status.ISSUED)
        if self.value() == "overdue":
            return owing.filter(due_date__lt=club_today())
        if self.value() == "owing":
            return owing
        return queryset


class InvoiceAddForm(adminkit.ServiceAdminForm):
    class Meta:
        model = Invoice
        fields = ("member", "period_start", "period_end")

    def save_with_service(self, data):
        return services.invoice_create(
            member=data["member"], period_start=data["period_start"], period_end=data["period_end"]
        )


class InvoiceViewForm(forms.ModelForm):
    """The change page only shows an invoice: it changes through its actions and buttons."""

    class Meta:
        model = Invoice
        fields = ()


class GenerateForm(forms.Form):
    period_start = forms.DateField(label="From", widget=NativeDateInput())
    period_end = forms.DateField(label="To", widget=NativeDateInput())

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        # First, and searched as on the invoice page (the autocomplete needs the admin site).
        self.fields = {
            "member": forms.ModelChoiceField(
                queryset=Member.objects.select_related("user"),
                required=False,
                widget=adminkit.AutocompleteSelect(Invoice._meta.get_field("member"), admin_site),
                help_text="Leave empty to bill every member with something to bill.",
            ),
            **self.fields,
        }


@admin.register(Invoice)
class InvoiceAdmin(adminkit.LargeTableAdminMixin, adminkit.ServiceAdminMixin, admin.ModelAdmin):
    # Few enough columns to fit beside the navigation and the filters at 1280 px: the period is one column, the due
    # date and whether it is overdue read with the status; what was paid is on the invoice's page (total - balance).
    list_display = ("__str__", "person", "period", "state", "total", "balance")
    list_filter = ("status", OverdueFilter)
    list_select_related = ("member__user",)
    search_fields = ("number", *MEMBER_SEARCH_FIELDS)
    autocomplete_fields = ("member",)
    date_hierarchy = "period_start"
    inlines = (InvoiceLineInline, PaymentInline)
    actions = ("issue_invoices", "void_invoices", "export_csv")
    view_fields = (
        "member",
        "number",
        "status",
        "period_start",
        "period_end",
        "created_at",
        "issued_at",
        "due_date",
        "total",
        "paid",
        "balance",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Invoice]:
        return invoices_with_totals(super().get_queryset(request))

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = InvoiceViewForm if obj else InvoiceAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return ("member", "period_start", "period_end") if obj is None else self.view_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.view_fields

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # An invoice is voided, never deleted.
        return False

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        # The autocomplete of a line offers drafts, that of a payment what money can be paid or refunded on.
        if request.path == reverse("admin:autocomplete"):
            field = (request.GET.get("model_name"), request.GET.get("field_name"))
            if field == ("invoiceline", "invoice"):
                queryset = queryset.filter(status=Invoice.Status.DRAFT)
            elif field == ("payment", "invoice"):
                queryset = queryset.filter(status__in=(Invoice.Status.ISSUED, Invoice.Status.PAID))
        return queryset, duplicates

    def change_view(self, request, object_id, form_url="", extra_context=None):
        invoice = self.get_object(request, object_id)
        extra = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        if invoice is not None:
            # Its status in its title: a void invoice is never taken for a bill, nor a draft for one sent.
            extra.update(self._buttons(request, invoice), title=invoice.title)
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def _buttons(self, request, invoice: InvoiceWithTotals) -> dict:
        can_change = self.has_change_permission(request, invoice)
        can_pay = request.user.has_perm("billing.add_payment")
        printable = invoice.status != Invoice.Status.VOID
        return {
            "print_url": reverse("admin:billing_invoice_print", args=[invoice.pk]) if printable else "",
            "pdf_url": reverse("admin:billing_invoice_pdf", args=[invoice.pk]) if printable else "",
            "void_url": reverse("admin:billing_invoice_void", args=[invoice.pk]),
            "can_issue": can_change and invoice.status == Invoice.Status.DRAFT,
            "can_void": can_change and invoice.status in (Invoice.Status.DRAFT, Invoice.Status.ISSUED),
            "can_add_line": request.user.has_perm("billing.add_invoiceline") and invoice.status == Invoice.Status.DRAFT,
            "can_pay": can_pay and invoice.status == Invoice.Status.ISSUED,
            "can_refund": can_pay
            and invoice.status in (Invoice.Status.ISSUED, Invoice.Status.PAID)
            and invoice.paid_amount > 0,
        }

    total = money_column("total_amount", "total", ordering="total_amount")
    paid = money_column("paid_amount", "paid", ordering="paid_amount")
    balance = money_column("balance_amount", "balance", ordering="balance_amount")

    @admin.display(description="overdue", boolean=True)
    def overdue(self, obj: InvoiceWithTotals):
        return is_overdue(obj, today=club_today())

    @admin.display(description="member", ordering="member__user__last_name")
    def person(self, obj: Invoice) -> str:
        # The name as text: the foreign key's column never wraps, and a long name pushed the balance out of view.
        return obj.member.full_name

    @admin.display(description="period", ordering="period_start")
    def period(self, obj: Invoice) -> str:
        return _period_text(obj.period_start, obj.period_end)

    @admin.display(description="status", ordering="status")
    def state(self, obj: InvoiceWithTotals) -> str:
        """ "Issued, due 17 Dec 2026", "Overdue since 18 Dec 2026", "Paid"."""
        if is_overdue(obj, today=club_today()) and obj.due_date is not None:
            return f"Overdue since {short_day_text(first_overdue_day(obj.due_date))}"
        if obj.status == Invoice.Status.ISSUED and obj.due_date is not None:
            return f"Issued, due {short_day_text(obj.due_date)}"
        return str(obj.get_status_display())

    # -- actions -----------------------------------------------------------------------------

    @admin.action(description="Issue selected draft invoices", permissions=["change"])
    def issue_invoices(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        adminkit.run_service_action(
            self, request, queryset.order_by("pk"), lambda i: services.invoice_issue(invoice=i), issued_text
        )

    @admin.action(description="Void selected invoices…", permissions=["change"])
    def void_invoices(self, request: HttpRequest, queryset: QuerySet[Invoice]):
        """Asks first, saying what voiding does; the confirmation posts the selection back with ``apply``."""
        invoices = list(invoices_with_totals(queryset.select_related("member__user")).order_by("pk"))
        if "apply" in request.POST:
            adminkit.run_service_action(
                self, request, invoices, lambda i: services.invoice_void(invoice=i), voided_text
            )
            return None
        return service_form_page(
            self,
            request,
            title=ngettext("Void this invoice?", "Void these {count} invoices?", len(invoices)).format(
                count=len(invoices)
            ),
            form=ConfirmForm(),
            submit=ngettext("Void the invoice", "Void the {count} invoices", len(invoices)).format(count=len(invoices)),
            intro=VOID_EXPLAINED,
            rows=[_void_row(invoice) for invoice in invoices],
            action="void_invoices",
            selected=[invoice.pk for invoice in invoices],
        )

    @admin.action(description="Export selected invoices as CSV", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[InvoiceWithTotals]):
        header = [
            "number",
            "status",
            "member",
            "email",
            "period start",
            "period end",
            "issued at",
            "due date",
            "total",
            "paid",
            "balance",
        ]
        rows = (
            (
                invoice.number or f"draft #{invoice.pk}",
                invoice.get_status_display(),
                invoice.member.full_name,
                invoice.member.user.email,
                invoice.period_start,
                invoice.period_end,
                invoice.issued_at,
                invoice.due_date,
                invoice.total_amount,
                invoice.paid_amount,
                invoice.balance_amount,
            )
            for invoice in queryset.select_related("member__user").order_by("period_start", "pk")
        )
        return adminkit.csv_response(f"invoices-{club_today():%Y-%m-%d}.csv", header, rows)

    # -- pages of their own ------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("generate/", view(self.generate_view), name="billing_invoice_generate"),
            path("<path:object_id>/print/", view(self.print_view), name="billing_invoice_print"),
            path("<path:object_id>/pdf/", view(self.pdf_view), name="billing_invoice_pdf"),
            path("<path:object_id>/issue/", view(require_POST(self.issue_view)), name="billing_invoice_issue"),
            path("<path:object_id>/void/", view(self.void_view), name="billing_invoice_void"),
            *super().get_urls(),
        ]

    def generate_view(self, request):
        """Bill a period for one member or for everyone; what is already billed is never billed twice."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        first, last = _month_bounds(club_today())
        form = GenerateForm(
            request.POST or None,
            admin_site=self.admin_site,
            initial={"period_start": first, "period_end": last},
        )
        if request.method == "POST" and form.is_valid():
            member = form.cleaned_data["member"]
            start, end = form.cleaned_data["period_start"], form.cleaned_data["period_end"]
            try:
                if member is None:
                    invoices = services.invoice_generate_all(period_start=start, period_end=end)
                else:
                    invoice = services.invoice_generate(member=member, period_start=start, period_end=end)
                    invoices = [invoice] if invoice is not None else []
            except ClubError as error:
                add_club_error(form, error)
            else:
                period = _period_text(start, end)
                if invoices:
                    shown = ", ".join(str(invoice) for invoice in invoices[:10])
                    more = f" and {len(invoices) - 10} more" if len(invoices) > 10 else ""
                    self.message_user(request, billed_text(len(invoices), period, shown + more), messages.SUCCESS)
                else:
                    self.message_user(request, NOTHING_TO_BILL.format(period=period), messages.INFO)
                changelist = reverse("admin:billing_invoice_changelist")
                return HttpResponseRedirect(f"{changelist}?status__exact=draft")
        context = {
            **self.admin_site.each_context(request),
            "title": "Generate invoices",
            "opts": self.model._meta,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/billing/invoice/generate.html", context)

    def _document_invoice(self, request, object_id) -> InvoiceWithTotals:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(invoices_in_full(), pk=object_id)

    def _not_printable(self, request, invoice: Invoice, error: ClubError) -> HttpResponse:
        self.message_user(request, f"{invoice.title}: {error}", messages.ERROR)
        return HttpResponseRedirect(reverse("admin:billing_invoice_change", args=[invoice.pk]))

    def print_view(self, request, object_id):
        """The invoice as the member gets it, to print; the PDF holds the same (billing.documents)."""
        invoice = self._document_invoice(request, object_id)
        try:
            document = invoice_document(invoice)
        except ClubError as error:
            return self._not_printable(request, invoice, error)
        context = {
            "document": document,
            "pdf_url": reverse("admin:billing_invoice_pdf", args=[invoice.pk]),
            "back_url": reverse("admin:billing_invoice_change", args=[invoice.pk]),
        }
        return TemplateResponse(request, "admin/billing/invoice/print.html", context)

    def pdf_view(self, request, object_id):
        invoice = self._document_invoice(request, object_id)
        try:
            document = invoice_document(invoice)
        except ClubError as error:
            return self._not_printable(request, invoice, error)
        return invoice_pdf_response(document)

    def issue_view(self, request, object_id):
        invoice = get_object_or_404(Invoice, pk=object_id)
        if not self.has_change_permission(request, invoice):
            raise PermissionDenied
        try:
            invoice = services.invoice_issue(invoice=invoice)
        except ClubError as error:
            self.message_user(request, f"{invoice.title}: {error}", messages.ERROR)
        else:
            due = f"{invoice.due_date:%-d %B %Y}" if invoice.due_date else ""
            text = (
                f"{invoice.title} is issued and due on {due}."
                if invoice.status == Invoice.Status.ISSUED
                else f"{invoice.title} is issued; it totals nothing to pay, so it is settled."
            )
            self.message_user(request, text, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:billing_invoice_change", args=[invoice.pk]))

    def void_view(self, request, object_id):
        """A page saying what voiding does; its button (a POST) voids."""
        invoice = get_object_or_404(invoices_with_totals(Invoice.objects.select_related("member__user")), pk=object_id)
        if not self.has_change_permission(request, invoice):
            raise PermissionDenied
        change_url = reverse("admin:billing_invoice_change", args=[invoice.pk])
        if request.method == "POST":
            try:
                voided = services.invoice_void(invoice=invoice)
            except ClubError as error:
                self.message_user(request, f"{invoice.title}: {error}", messages.ERROR)
            else:
                text = f"{voided.title}: it bills nothing now, and what it billed can be billed again."
                self.message_user(request, text, messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": "Void this invoice?",
            "opts": self.model._meta,
            "invoice": invoice,
            "row": _void_row(invoice),
            "explained": VOID_EXPLAINED,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/billing/invoice/void.html", context)


def _void_row(invoice: InvoiceWithTotals) -> str:
    return (
        f"{invoice.title} — {invoice.member}, {invoice.get_status_display().lower()}, "
        f"total {money_text(invoice.total_amount)}, balance {money_text(invoice.balance_amount)}"
    )
