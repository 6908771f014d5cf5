"""Staff back office for plans, memberships, invoices with their lines, and payments; every write is a service call.

Billing sits above operations, so this module also extends the operations admin's cancel actions: cancelling a
class, a PT session or their booking settles what was billed for it.
"""

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
from django.utils import timezone
from django.views.decorators.http import require_POST

from clubsite import adminkit
from clubsite.widgets import NativeDateInput
from members.models import Member
from operations import admin as operations_admin
from operations.models import Booking, ClassRegistration, GroupClass, PersonalTrainingSession
from operations.services import SchedulingError

from . import services
from .models import Invoice, InvoiceLine, Membership, MembershipPlan, Payment
from .selectors import invoices_with_totals
from .services import BillingError

MEMBER_SEARCH_FIELDS = ("member__user__email", "member__user__first_name", "member__user__last_name")
NOTHING_TO_BILL = "Nothing new to bill for {period}."
BILLED = "{count} draft invoice(s) now hold what was not billed yet for {period}: {invoices}."


class ServiceAdminForm(adminkit.ServiceAdminForm):
    service_errors = (BillingError,)


def run_service_action(modeladmin, request, queryset, action, done: str) -> int:
    return adminkit.run_service_action(modeladmin, request, queryset, action, done, (BillingError,))


def _month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    return first, (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def _period_text(start: datetime.date, end: datetime.date) -> str:
    return f"{start:%-d %b %Y} – {end:%-d %b %Y}"


# ---------------------------------------------------------------------------------------------
# Plans and memberships
# ---------------------------------------------------------------------------------------------


@admin.register(MembershipPlan)
class MembershipPlanAdmin(admin.ModelAdmin):
    list_display = ("name", "monthly_fee", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)


class MembershipAddForm(ServiceAdminForm):
    class Meta:
        model = Membership
        fields = ("member", "plan", "started_on")

    def save_with_service(self, data):
        return services.membership_start(member=data["member"], plan=data["plan"], started_on=data["started_on"])


class MembershipEndForm(ServiceAdminForm):
    class Meta:
        model = Membership
        fields = ("ended_on",)

    def save_with_service(self, data):
        if not self.changed_data or data.get("ended_on") is None:
            return self.instance
        return services.membership_end(membership=self.instance, ended_on=data["ended_on"])


@admin.register(Membership)
class MembershipAdmin(adminkit.LargeTableAdminMixin, adminkit.ServiceAdminMixin, admin.ModelAdmin):
    """Starting a plan ends the member's current one the day before; a current membership can be ended."""

    list_display = ("member", "plan", "started_on", "ended_on")
    list_filter = ("plan", ("ended_on", admin.EmptyFieldListFilter))
    list_select_related = ("member__user", "plan")
    search_fields = MEMBER_SEARCH_FIELDS
    autocomplete_fields = ("member", "plan")
    date_hierarchy = "started_on"

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = MembershipEndForm if obj else MembershipAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return ("member", "plan", "started_on") if obj is None else ("member", "plan", "started_on", "ended_on")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.ended_on is not None:
            return ("member", "plan", "started_on", "ended_on")
        return ("member", "plan", "started_on")

    def has_delete_permission(self, request, obj=None):
        # Invoice lines refer to the memberships they billed.
        return False


# ---------------------------------------------------------------------------------------------
# Invoices
# ---------------------------------------------------------------------------------------------


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
            return owing.filter(due_date__lt=timezone.localdate())
        if self.value() == "owing":
            return owing
        return queryset


class InvoiceAddForm(ServiceAdminForm):
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

    def _buttons(self, request, invoice: Invoice) -> dict:
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
    def total(self, obj: Invoice):
        return obj.total_amount

    @admin.display(description="paid", ordering="paid_amount")
    def paid(self, obj: Invoice):
        return obj.paid_amount

    @admin.display(description="balance", ordering="balance_amount")
    def balance(self, obj: Invoice):
        return obj.balance_amount

    @admin.display(description="overdue", boolean=True)
    def overdue(self, obj: Invoice):
        return (
            obj.status == Invoice.Status.ISSUED
            and obj.due_date is not None
            and obj.due_date < timezone.localdate()
            and obj.balance_amount > 0
        )

    # -- actions -----------------------------------------------------------------------------

    @admin.action(description="Issue selected draft invoices", permissions=["change"])
    def issue_invoices(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        run_service_action(
            self, request, queryset.order_by("pk"), lambda i: services.invoice_issue(invoice=i), "Issued"
        )

    @admin.action(description="Void selected invoices (only without money received)", permissions=["change"])
    def void_invoices(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        run_service_action(self, request, queryset.order_by("pk"), lambda i: services.invoice_void(invoice=i), "Voided")

    @admin.action(description="Export selected invoices as CSV", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Invoice]):
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
        return adminkit.csv_response(f"invoices-{timezone.localdate():%Y-%m-%d}.csv", header, rows)

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
        first, last = _month_bounds(timezone.localdate())
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
            except BillingError as error:
                form.add_error(None, str(error))
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
        except BillingError as error:
            self.message_user(request, f"{invoice}: {error}", messages.ERROR)
        else:
            self.message_user(request, f"{invoice} {done}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:billing_invoice_change", args=[invoice.pk]))

    def issue_view(self, request, object_id):
        return self._invoice_button(request, object_id, services.invoice_issue, "issued")

    def void_view(self, request, object_id):
        return self._invoice_button(request, object_id, services.invoice_void, "voided")


# ---------------------------------------------------------------------------------------------
# Invoice lines
# ---------------------------------------------------------------------------------------------


class InvoiceLineForm(ServiceAdminForm):
    kind = forms.ChoiceField(
        choices=[(k.value, k.label) for k in (InvoiceLine.Kind.MANUAL, InvoiceLine.Kind.CREDIT)],
        help_text="A credit lowers the total: enter its unit price as a negative amount.",
    )

    class Meta:
        model = InvoiceLine
        fields = ("invoice", "kind", "description", "quantity", "unit_price")

    # The service decides which invoices take lines; its refusal is shown under the invoice.
    error_fields = {services.INVOICE_NOT_DRAFT: "invoice"}

    def save_with_service(self, data):
        return services.invoice_line_add(
            invoice=data["invoice"],
            kind=data["kind"],
            description=data["description"],
            quantity=data["quantity"],
            unit_price=data["unit_price"],
        )


@admin.register(InvoiceLine)
class InvoiceLineAdmin(adminkit.LargeTableAdminMixin, adminkit.ServiceAdminMixin, admin.ModelAdmin):
    """Lines are added to drafts by hand here; billed things are added by generating invoices."""

    form = InvoiceLineForm
    list_display = ("description", "invoice", "member", "kind", "quantity", "unit_price", "amount", "voided")
    list_filter = ("kind", "voided", "invoice__status")
    list_select_related = ("invoice__member__user",)
    search_fields = ("description", "invoice__number", "invoice__member__user__last_name")
    autocomplete_fields = ("invoice",)
    actions = ("remove_lines",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("invoice", "kind", "description", "quantity", "unit_price")
        return ("invoice", "kind", "description", "quantity", "unit_price", "voided")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: InvoiceLine | None = None) -> bool:
        # A line is removed and added again rather than edited: the service decides what a draft may hold.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: InvoiceLine | None = None) -> bool:
        # Through the action, which refuses lines of an invoice already sent.
        return False

    def has_remove_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("billing.delete_invoiceline")

    @admin.display(description="member", ordering="invoice__member__user__last_name")
    def member(self, line: InvoiceLine):
        return line.invoice.member

    @admin.display(description="amount")
    def amount(self, line: InvoiceLine):
        return line.amount

    @admin.action(description="Remove the selected lines from their draft invoices", permissions=["remove"])
    def remove_lines(self, request, queryset):
        run_service_action(self, request, queryset, lambda line: services.invoice_line_remove(line=line), "Removed")


# ---------------------------------------------------------------------------------------------
# Payments
# ---------------------------------------------------------------------------------------------


class PaymentForm(ServiceAdminForm):
    """The service decides under the invoice's lock, so a payment recorded meanwhile shows here as a form error."""

    request_user = None

    class Meta:
        model = Payment
        fields = ("invoice", "kind", "amount", "method", "received_at", "reference")
        help_texts = {"received_at": "For a payment; a refund is recorded as given now."}

    def save_with_service(self, data):
        common = {
            "invoice": data["invoice"],
            "amount": data["amount"],
            "method": data["method"],
            "reference": data.get("reference", ""),
            "recorded_by": self.request_user,
        }
        if data["kind"] == Payment.Kind.REFUND:
            return services.payment_refund(**common)
        return services.payment_record(received_at=data.get("received_at"), **common)


@admin.register(Payment)
class PaymentAdmin(adminkit.LargeTableAdminMixin, adminkit.ServiceAdminMixin, admin.ModelAdmin):
    """Payments are never edited or deleted: a mistake is corrected by a refund entry."""

    form = PaymentForm
    list_display = ("received_at", "invoice", "member", "kind", "amount", "method", "reference", "recorded_by")
    list_filter = ("kind", "method")
    list_select_related = ("invoice__member__user", "recorded_by")
    search_fields = (
        "invoice__number",
        "reference",
        "invoice__member__user__email",
        "invoice__member__user__last_name",
    )
    autocomplete_fields = ("invoice",)
    date_hierarchy = "received_at"
    # Newest first, along the (received_at, id) index: what was just recorded is what staff check.
    ordering = ("-received_at", "-id")
    actions = ("export_csv",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.request_user = request.user
        return form

    def has_change_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return False

    def lookup_allowed(self, lookup, value, request=None):
        # A member's page links to their payments (members.admin.MemberAdmin.MEMBER_LISTS).
        return lookup == "invoice__member__id__exact" or super().lookup_allowed(lookup, value, request)

    @admin.display(description="member", ordering="invoice__member__user__last_name")
    def member(self, payment: Payment):
        return payment.invoice.member

    @admin.action(description="Export selected payments as CSV", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Payment]):
        header = ["received at", "kind", "amount", "method", "reference", "invoice", "member", "email", "recorded by"]
        rows = (
            (
                payment.received_at,
                payment.get_kind_display(),
                payment.signed_amount,
                payment.get_method_display(),
                payment.reference,
                str(payment.invoice),
                payment.invoice.member.full_name,
                payment.invoice.member.user.email,
                payment.recorded_by.get_full_name() if payment.recorded_by else "",
            )
            for payment in queryset.select_related("invoice__member__user", "recorded_by").order_by("received_at", "pk")
        )
        return adminkit.csv_response(f"payments-{timezone.localdate():%Y-%m-%d}.csv", header, rows)


# ---------------------------------------------------------------------------------------------
# Cancelling classes and sessions settles what was billed for them
# ---------------------------------------------------------------------------------------------


class SettlingCancelMixin:
    cancel_errors = (BillingError, SchedulingError)

    def report_settlement(self, request, obj, settlement: services.Settlement) -> None:
        if settlement.removed or settlement.credited:
            self.message_user(request, f"{obj}: {settlement}.", messages.INFO)


admin.site.unregister(GroupClass)
admin.site.unregister(Booking)
admin.site.unregister(PersonalTrainingSession)
admin.site.unregister(ClassRegistration)


@admin.register(GroupClass)
class GroupClassAdmin(SettlingCancelMixin, operations_admin.GroupClassAdmin):
    def cancel_one(self, request, group_class: GroupClass) -> None:
        self.report_settlement(request, group_class, services.class_cancel_and_settle(group_class=group_class))


@admin.register(Booking)
class BookingAdmin(SettlingCancelMixin, operations_admin.BookingAdmin):
    def cancel_one(self, request, booking: Booking) -> None:
        self.check_cancel_allowed(request, booking)
        self.report_settlement(request, booking, services.booking_cancel_and_settle(booking=booking))


@admin.register(ClassRegistration)
class ClassRegistrationAdmin(SettlingCancelMixin, operations_admin.ClassRegistrationAdmin):
    def cancel_one(self, request, registration: ClassRegistration) -> None:
        self.report_settlement(
            request, registration, services.class_registration_cancel_and_settle(registration=registration)
        )


@admin.register(PersonalTrainingSession)
class PersonalTrainingSessionAdmin(SettlingCancelMixin, operations_admin.PersonalTrainingSessionAdmin):
    def cancel_one(self, request, session: PersonalTrainingSession) -> None:
        self.report_settlement(request, session, services.pt_session_cancel_and_settle(session=session))
