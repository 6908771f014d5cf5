"""Payments and refunds: recorded through the services, never edited or deleted."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from clubsite import adminkit
from clubsite.core.clock import club_today

from .. import services
from ..models import Payment


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
        return adminkit.csv_response(f"payments-{club_today():%Y-%m-%d}.csv", header, rows)
