"""Invoices: the list with totals, generating drafts for a period, printing, issuing and voiding."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from clubsite import adminkit
from clubsite.core.clock import club_today
from clubsite.core.errors import ClubError
from clubsite.core.forms import add_club_error
from clubsite.widgets import NativeDateInput
from members.models import Member

from .. import services
from ..models import Invoice, InvoiceLine, Payment
from ..selectors import InvoiceWithTotals, invoices_with_totals, is_overdue
from ._common import MEMBER_SEARCH_FIELDS

NOTHING_TO_BILL = "Nothing new to bill for {period}."
BILLED = "{count} draft invoice(s) now hold what was not billed yet for {period}: {invoices}."


def _month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    return first, (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def _period_text(start: datetime.date, end: datetime.date) -> str:
    return f"{start:%-d %b %Y} – {end:%-d %b %Y}"


class InvoiceLineInline(admin.TabularInline):
    """A draft's lines are added on the line page (through the service) and removed with its action."""

    model = InvoiceLine
    extra = 0
    fields = ("kind", "description", "quantity", "unit_price", "amount", "voided")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False

    @admin.display(description="amount")
    def amount(self, line: InvoiceLine):
        return line.amount


class PaymentInline(admin.TabularInline):
    """Payments are shown, never edited here: record them on the Payment page, through the service."""

    model = Payment
    extra = 0
    fields = ("kind", "amount", "method", "received_at", "reference", "recorded_by")
    readonly_fields = fields

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
    list_display = (
        "__str__",
        "member",
        "period_start",
        "period_end",
        "status",
        "due_date",
        "total",
        "paid",
        "balance",
        "overdue",
    )
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
            extra.update(self._buttons(request, invoice))
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def _buttons(self, request, invoice: InvoiceWithTotals) -> dict:
        can_change = self.has_change_permission(request, invoice)
        can_pay = request.user.has_perm("billing.add_payment")
        return {
            "print_url": reverse("admin:billing_invoice_print", args=[invoice.pk]),
            "can_issue": can_change and invoice.status == Invoice.Status.DRAFT,
            "can_void": can_change and invoice.status in (Invoice.Status.DRAFT, Invoice.Status.ISSUED),
            "can_add_line": request.user.has_perm("billing.add_invoiceline") and invoice.status == Invoice.Status.DRAFT,
            "can_pay": can_pay and invoice.status == Invoice.Status.ISSUED,
            "can_refund": can_pay
            and invoice.status in (Invoice.Status.ISSUED, Invoice.Status.PAID)
            and invoice.paid_amount > 0,
        }

    @admin.display(description="total", ordering="total_amount")
    def total(self, obj: InvoiceWithTotals):
        return obj.total_amount

    @admin.display(description="paid", ordering="paid_amount")
    def paid(self, obj: InvoiceWithTotals):
        return obj.paid_amount

    @admin.display(description="balance", ordering="balance_amount")
    def balance(self, obj: InvoiceWithTotals):
        return obj.balance_amount

    @admin.display(description="overdue", boolean=True)
    def overdue(self, obj: InvoiceWithTotals):
        return is_overdue(obj, today=club_today())

    # -- actions -----------------------------------------------------------------------------

    @admin.action(description="Issue selected draft invoices", permissions=["change"])
    def issue_invoices(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        adminkit.run_service_action(
            self, request, queryset.order_by("pk"), lambda i: services.invoice_issue(invoice=i), "Issued"
        )

    @admin.action(description="Void selected invoices (only without money received)", permissions=["change"])
    def void_invoices(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        adminkit.run_service_action(
            self, request, queryset.order_by("pk"), lambda i: services.invoice_void(invoice=i), "Voided"
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
            path("<path:object_id>/issue/", view(require_POST(self.issue_view)), name="billing_invoice_issue"),
            path("<path:object_id>/void/", view(require_POST(self.void_view)), name="billing_invoice_void"),
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
                    text = BILLED.format(count=len(invoices), period=period, invoices=shown + more)
                    self.message_user(request, text, messages.SUCCESS)
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

    def print_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        invoice = get_object_or_404(
            invoices_with_totals(Invoice.objects.select_related("member__user")).prefetch_related(
                Prefetch("lines", queryset=InvoiceLine.objects.order_by("id")),
                Prefetch("payments", queryset=Payment.objects.order_by("received_at", "id")),
            ),
            pk=object_id,
        )
        context = {
            "invoice": invoice,
            "lines": [line for line in invoice.lines.all() if not line.voided or invoice.status == Invoice.Status.VOID],
            "payments": list(invoice.payments.all()),
            "back_url": reverse("admin:billing_invoice_change", args=[invoice.pk]),
        }
        return TemplateResponse(request, "admin/billing/invoice/print.html", context)

    def _invoice_button(self, request, object_id, service, done: str):
        invoice = get_object_or_404(Invoice, pk=object_id)
        if not self.has_change_permission(request, invoice):
            raise PermissionDenied
        try:
            invoice = service(invoice=invoice)
        except ClubError as error:
            self.message_user(request, f"{invoice}: {error}", messages.ERROR)
        else:
            self.message_user(request, f"{invoice} {done}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:billing_invoice_change", args=[invoice.pk]))

    def issue_view(self, request, object_id):
        return self._invoice_button(request, object_id, services.invoice_issue, "issued")

    def void_view(self, request, object_id):
        return self._invoice_button(request, object_id, services.invoice_void, "voided")
