"""What the billing admin pages share."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse

from clubsite.core.money import money_text

MEMBER_SEARCH_FIELDS = ("member__user__email", "member__user__first_name", "member__user__last_name")


def day_text(day: datetime.date | None) -> str:
    """A day as the back office writes it in messages: "Wed 31 Mar 2027"."""
    return "—" if day is None else f"{day:%a} {day.day} {day:%b %Y}"


def short_day_text(day: datetime.date | None) -> str:
    """A day in a list's column: "31 Mar 2027"."""
    return "—" if day is None else f"{day.day} {day:%b %Y}"


def money_column(attribute: str, description: str, *, ordering: str | None = None):
    """A list column or read-only field showing the money in ``attribute`` as everywhere else (£1,234.50), sorted by
    ``ordering`` when given."""

    @admin.display(description=description, ordering=ordering)
    def shown(model_admin, obj) -> str:
        return money_text(getattr(obj, attribute))

    return shown


def months_text(months: int) -> str:
    return f"{months} month" if months == 1 else f"{months} months"


def service_form_page(
    model_admin: admin.ModelAdmin,
    request,
    *,
    title: str,
    form,
    submit: str,
    intro: str = "",
    rows: list[str] | None = None,
    action: str = "",
    selected: list[int] | None = None,
):
    """The page of ``templates/admin/service_form.html``: a form whose submit calls a service (an action's second
    step posts ``action`` and the ``selected`` rows back to the list)."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "form": form,
        "submit": submit,
        "intro": intro,
        "rows": rows or [],
        "action": action,
        "selected": selected or [],
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "admin/service_form.html", context)
