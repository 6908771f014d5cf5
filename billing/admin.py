"""Staff back office for plans, memberships, invoices with their lines, and payments."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from . import services
from .models import Invoice, InvoiceLine, Membership, MembershipPlan, Payment
from .selectors import invoice_totals, invoices_with_totals

MEMBER_SEARCH_FIELDS = ("member__user__email", "member__user__first_name", "member__user__last_name")


@admin.register(MembershipPlan)
class MembershipPlanAdmin(admin.ModelAdmin):
    list_display = ("name", "monthly_fee", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("member", "plan", "started_on", "ended_on")
    list_filter = ("plan", ("ended_on", admin.EmptyFieldListFilter))
    list_select_related = ("member__user", "plan")
    search_fields = MEMBER_SEARCH_FIELDS
    raw_id_fields = ("member",)
    autocomplete_fields = ("plan",)
    date_hierarchy = "started_on"


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    fields = ("kind", "description", "quantity", "unit_price", "membership", "period_start", "class_registration",
              "pt_session", "voided")
    readonly_fields = ("voided",)
    raw_id_fields = ("membership", "class_registration", "pt_session")

    # Only a draft's lines may change: an issued invoice is what the member was sent.
    def has_add_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return super().has_add_permission(request, obj) and (obj is None or obj.status == Invoice.Status.DRAFT)

    def has_change_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or obj.status == Invoice.Status.DRAFT)

    def has_delete_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.status == Invoice.Status.DRAFT)


class PaymentInline(admin.TabularInline):
    """Payments are shown, never edited here: record them on the Payment page, through the service."""

    model = Payment
    extra = 0
    fields = ("kind", "amount", "method", "received_at", "reference", "recorded_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ("__str__", "member", "period_start", "period_end", "status", "due_date", "total", "balance")
    list_filter = ("status",)
    list_select_related = ("member__user",)
    search_fields = ("number", *MEMBER_SEARCH_FIELDS)
    raw_id_fields = ("member",)
    date_hierarchy = "period_start"
    readonly_fields = ("number", "status", "created_at", "issued_at", "due_date", "total", "paid", "balance")
    inlines = (InvoiceLineInline, PaymentInline)
    actions = ("issue_invoices", "void_invoices")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Invoice]:
        return invoices_with_totals(super().get_queryset(request))

    def get_readonly_fields(self, request: HttpRequest, obj: Invoice | None = None) -> tuple[str, ...]:
        # The member and period of an issued invoice are what the member was sent.
        if obj is not None and obj.status != Invoice.Status.DRAFT:
            return (*self.readonly_fields, "member", "period_start", "period_end")
        return self.readonly_fields

    @admin.display(description="total", ordering="total_amount")
    def total(self, obj: Invoice):
        return obj.total_amount

    @admin.display(description="paid", ordering="paid_amount")
    def paid(self, obj: Invoice):
        return obj.paid_amount

    @admin.display(description="balance", ordering="balance_amount")
    def balance(self, obj: Invoice):
        return obj.balance_amount

    def _run(self, request: HttpRequest, queryset: QuerySet[Invoice], action, done: str) -> None:
        succeeded = 0
        for invoice in queryset.order_by("pk"):
            try:
                action(invoice=invoice)
            except services.BillingError as error:
                self.message_user(request, f"{invoice}: {error}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, f"{succeeded} invoice(s) {done}.", messages.SUCCESS)

    @admin.action(description="Issue selected draft invoices")
    def issue_invoices(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        self._run(request, queryset, services.invoice_issue, "issued")

    @admin.action(description="Void selected invoices")
    def void_invoices(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        self._run(request, queryset, services.invoice_void, "voided")


class InvoiceLineForm(forms.ModelForm):
    class Meta:
        model = InvoiceLine
        exclude = ("voided",)

    def clean_invoice(self) -> Invoice:
        invoice = self.cleaned_data["invoice"]
        if invoice.status != Invoice.Status.DRAFT:
            raise forms.ValidationError(services.INVOICE_NOT_DRAFT)
        return invoice


@admin.register(InvoiceLine)
class InvoiceLineAdmin(admin.ModelAdmin):
    """Lines are listed here; only a draft's lines can be added, changed or deleted."""

    form = InvoiceLineForm
    list_display = ("description", "invoice", "kind", "quantity", "unit_price", "amount", "voided")
    list_filter = ("kind", "voided")
    list_select_related = ("invoice",)
    search_fields = ("description", "invoice__number")
    raw_id_fields = ("invoice", "membership", "class_registration", "pt_session")
    readonly_fields = ("voided",)
    # The bulk delete cannot tell a draft's lines from an issued invoice's.
    actions = None

    def has_change_permission(self, request: HttpRequest, obj: InvoiceLine | None = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or obj.invoice.status == Invoice.Status.DRAFT
        )

    def has_delete_permission(self, request: HttpRequest, obj: InvoiceLine | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.invoice.status == Invoice.Status.DRAFT
        )


class PaymentForm(forms.ModelForm):
    """Checks the balance rules before saving so that a mistake shows on the form; the service re-checks under lock."""

    class Meta:
        model = Payment
        fields = ("invoice", "kind", "amount", "method", "received_at", "reference")

    def clean(self):
        cleaned = super().clean()
        invoice, amount, kind = cleaned.get("invoice"), cleaned.get("amount"), cleaned.get("kind")
        if invoice is None or amount is None or kind is None:
            return cleaned
        received_at = cleaned.get("received_at")
        if kind == Payment.Kind.PAYMENT and received_at is not None and received_at > timezone.now():
            raise forms.ValidationError(services.PAYMENT_IN_FUTURE)
        total, paid = invoice_totals(invoice_id=invoice.pk)
        if kind == Payment.Kind.PAYMENT:
            if invoice.status == Invoice.Status.PAID:
                raise forms.ValidationError(services.PAYMENT_INVOICE_ALREADY_PAID)
            if invoice.status != Invoice.Status.ISSUED:
                raise forms.ValidationError(services.PAYMENT_INVOICE_NOT_ISSUED)
            if amount > total - paid:
                raise forms.ValidationError(services.PAYMENT_ABOVE_BALANCE)
        else:
            if invoice.status not in (Invoice.Status.ISSUED, Invoice.Status.PAID):
                raise forms.ValidationError(services.REFUND_INVOICE_STATUS)
            if amount > paid:
                raise forms.ValidationError(services.REFUND_ABOVE_PAID)
        return cleaned


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Payments are never edited or deleted: a mistake is corrected by a refund entry."""

    form = PaymentForm
    list_display = ("invoice", "kind", "amount", "method", "received_at", "reference", "recorded_by")
    list_filter = ("kind", "method")
    list_select_related = ("invoice", "recorded_by")
    search_fields = ("invoice__number", "reference", "invoice__member__user__email")
    raw_id_fields = ("invoice",)
    date_hierarchy = "received_at"

    def has_change_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Payment, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        if data["kind"] == Payment.Kind.REFUND:
            saved = services.payment_refund(
                invoice=data["invoice"],
                amount=data["amount"],
                method=data["method"],
                reference=data.get("reference", ""),
                recorded_by=request.user,
            )
        else:
            saved = services.payment_record(
                invoice=data["invoice"],
                amount=data["amount"],
                method=data["method"],
                reference=data.get("reference", ""),
                recorded_by=request.user,
                received_at=data.get("received_at"),
            )
        # The admin logs and redirects using the object it passed in.
        obj.pk = saved.pk
        obj.recorded_by = saved.recorded_by
