"""Payments and refunds: recorded through the services, never edited or deleted."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html

from clubsite import adminkit
from clubsite.core.clock import club_today

from .. import services
from ..models import Payment
from ._common import money_column


class PaymentForm(adminkit.ServiceAdminForm):
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
    # Few enough columns to fit beside the navigation and the filters at 1280 px: a refund reads as a negative amount,
    # the reference under the method.
    list_display = ("received", "invoice_name", "member", "money", "how", "recorded_by")
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
    money = money_column("signed_amount", "amount", ordering="amount")

    @admin.display(description="invoice", ordering="invoice__number")
    def invoice_name(self, payment: Payment) -> str:
        # Text, not the foreign key's column: that one never wraps, and an invoice number may at its hyphens.
        return str(payment.invoice)

    @admin.display(description="received", ordering="received_at")
    def received(self, payment: Payment) -> str:
        return f"{timezone.localtime(payment.received_at):%-d %b %Y %H:%M}"

    @admin.display(description="method", ordering="method")
    def how(self, payment: Payment):
        if not payment.reference:
            return payment.get_method_display()
        return format_html("{}<br><small>{}</small>", payment.get_method_display(), payment.reference)

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
        return adminkit.csv_response(f"payments-{club_today():%Y-%m-%d}.csv", header, rows)
