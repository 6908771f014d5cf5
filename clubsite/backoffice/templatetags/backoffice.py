"""Template tags of the staff back office."""

from typing import Any

from django import template
from django.contrib.admin.helpers import AdminReadonlyField

from clubsite.backoffice.dashboard import staff_dashboard as dashboard_for
from clubsite.core.clock import club_today

register = template.Library()


@register.inclusion_tag("admin/staff_dashboard.html", takes_context=True)
def staff_dashboard(context: template.Context) -> dict[str, Any]:
    """The dashboard of the signed-in staff member's role on the admin index.

    ``perms`` goes along so that every link is shown only to whom may open it.
    """
    request = context["request"]
    return {"dashboard": dashboard_for(user=request.user, today=club_today()), "perms": context.get("perms")}


@register.simple_tag(takes_context=True)
def readonly_contents(context: template.Context, field: AdminReadonlyField) -> str:
    """A read-only admin field's value, its related object a link only for whom may open that object's page.

    Django links every related object of a read-only field to its change page, even for a role that may not
    open it (the front desk, viewing a booking, was sent to its room's and trainer's pages, and a 403). The admin
    templates that show read-only fields (``admin/includes/fieldset.html``, ``admin/edit_inline/tabular.html``)
    call this instead of ``field.contents``.
    """
    request = context["request"]
    registry = field.model_admin.admin_site._registry  # type: ignore[union-attr]  # the admin always passes it
    linked = field.get_admin_url  # type: ignore[attr-defined]  # Django's, missing from its stubs

    def admin_url(remote_field: Any, remote_obj: Any) -> str:
        model_admin = registry.get(remote_field.model)
        if model_admin is None or not model_admin.has_view_or_change_permission(request, remote_obj):
            return str(remote_obj)
        return linked(remote_field, remote_obj)

    # Only this field, for this rendering: AdminReadonlyField is made afresh for each field shown.
    field.get_admin_url = admin_url  # type: ignore[attr-defined]
    return field.contents()
