"""Invoice lines: added to a draft by hand, removed from drafts with the action."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import ngettext

from clubsite import adminkit

from .. import services
from ..models import InvoiceLine
from ._common import money_column


class InvoiceLineForm(adminkit.ServiceAdminForm):
    kind = forms.ChoiceField(
        choices=[(k.value, k.label) for k in (InvoiceLine.Kind.MANUAL, InvoiceLine.Kind.CREDIT)],
        help_text="A credit lowers the total: enter its unit price as a negative amount.",
    )

    class Meta:
        model = InvoiceLine
        fields = ("invoice", "kind", "description", "quantity", "unit_price")

    def save_with_service(self, data):
        return services.invoice_line_add(
            invoice=data["invoice"],
            kind=data["kind"],
            description=data["description"],
            quantity=data["quantity"],
            unit_price=data["unit_price"],
        )


def removed_text(count: int) -> str:
    return ngettext(
        "One line was taken off its draft invoice; what it billed can be billed again.",
        "{count} lines were taken off their draft invoices; what they billed can be billed again.",
        count,
    ).format(count=count)


@admin.register(InvoiceLine)
class InvoiceLineAdmin(adminkit.LargeTableAdminMixin, adminkit.ServiceAdminMixin, admin.ModelAdmin):
    """Lines are added to drafts by hand here; billed things are added by generating invoices."""

    form = InvoiceLineForm
    list_display = ("description", "invoice", "member", "kind", "quantity", "price", "amount", "voided")
    list_filter = ("kind", "voided", "invoice__status")
    list_select_related = ("invoice__member__user",)
    search_fields = ("description", "invoice__number", "invoice__member__user__last_name")
    autocomplete_fields = ("invoice",)
    actions = ("remove_lines",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("invoice", "kind", "description", "quantity", "unit_price")
        return ("invoice", "kind", "description", "quantity", "price", "amount", "voided")

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

    price = money_column("unit_price", "unit price", ordering="unit_price")
    amount = money_column("amount", "amount")

    @admin.action(description="Remove the selected lines from their draft invoices", permissions=["remove"])
    def remove_lines(self, request, queryset):
        adminkit.run_service_action(
            self, request, queryset, lambda line: services.invoice_line_remove(line=line), removed_text
        )
