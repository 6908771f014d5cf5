"""The "Audit trail" link on an audited object's admin page, for managers only."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from clubsite.audit.admin import trail_url
from operations.staff import is_manager

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_trail_link(context: dict[str, Any], obj: Any) -> str:
    request = context.get("request")
    if obj is None or request is None or not is_manager(request.user):
        return ""
    address = trail_url(obj)
    if address is None:
        return ""
    return format_html('<li><a href="{}" class="audittraillink">Audit trail</a></li>', address)
