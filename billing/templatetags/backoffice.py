"""Template tags of the staff back office."""

from django import template
from django.utils import timezone

from billing.dashboard import staff_dashboard as dashboard_for

register = template.Library()


@register.inclusion_tag("admin/staff_dashboard.html", takes_context=True)
def staff_dashboard(context):
    """The dashboard on the admin index, each section shown to the roles whose work it is."""
    user = context["request"].user
    return {
        "dashboard": dashboard_for(
            today=timezone.localdate(),
            classes=user.has_perm("operations.view_groupclass"),
            maintenance=user.has_perm("operations.view_maintenancerecord"),
            invoices=user.has_perm("billing.view_invoice"),
            revenue=user.has_perm("billing.change_invoice") and user.has_perm("billing.view_payment"),
        ),
        "can_view_bookings": user.has_perm("operations.view_booking"),
    }
