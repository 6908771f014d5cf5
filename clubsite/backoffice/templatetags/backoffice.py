"""Template tags of the staff back office."""

from typing import Any

from django import template

from billing.models import VIEW_RUNS
from clubsite.backoffice.dashboard import staff_dashboard as dashboard_for
from clubsite.core.clock import club_today
from clubsite.frontdesk.models import VIEW_VISITS

register = template.Library()


@register.inclusion_tag("admin/staff_dashboard.html", takes_context=True)
def staff_dashboard(context: template.Context) -> dict[str, Any]:
    """The dashboard on the admin index, each section shown to the roles whose work it is."""
    user = context["request"].user
    return {
        "dashboard": dashboard_for(
            today=club_today(),
            classes=user.has_perm("operations.view_groupclass"),
            maintenance=user.has_perm("operations.view_maintenancerecord"),
            invoices=user.has_perm("billing.view_invoice"),
            revenue=user.has_perm("billing.change_invoice") and user.has_perm("billing.view_payment"),
            visits=user.has_perm(VIEW_VISITS),
        ),
        "can_view_bookings": user.has_perm("operations.view_booking"),
        "can_view_runs": user.has_perm(VIEW_RUNS),
    }
