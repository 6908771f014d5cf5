"""Admin building blocks every app's back office shares: forms and actions whose write is a service call, CSV export."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone


class ServiceAdminForm(forms.ModelForm):
    """An admin form whose write is a service call, made as its last validation step.

    A broken rule then shows as a form error naming what collided instead of a traceback, and a rule
    broken by a concurrent change after the form's own checks is caught the same way, because the
    service decides under its locks. ``ServiceAdminMixin.save_model`` has nothing left to save. The
    admin view runs in one transaction, so mail scheduled by the service waits for its commit.
    """

    #: The domain errors the service raises; each becomes a form error with its message.
    service_errors: tuple[type[Exception], ...] = ()

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors:
            try:
                self.instance = self.save_with_service(cleaned_data)
            except self.service_errors as error:
                raise ValidationError(str(error)) from error
        return cleaned_data

    def save_with_service(self, data: dict):
        raise NotImplementedError

    def _post_clean(self):
        # Django's model validation would only repeat what the service checked and the database
        # accepted (and an ExclusionConstraint check fails on a condition over a field the form
        # leaves out), so the service's verdict is the only one.
        pass


class ServiceAdminMixin:
    """For a ModelAdmin whose forms are ServiceAdminForms."""

    def save_model(self, request, obj, form, change):
        """The form's service call has saved ``obj`` already."""

    def render_change_form(self, request, context, *args, **kwargs):
        form = context["adminform"].form
        if request.method == "POST" and form.is_bound and not form.errors:
            # The form's service call wrote, yet the page is shown again (an inline's data was refused):
            # undo the write with the admin view's transaction, so the page and the database agree.
            transaction.set_rollback(True)
        return super().render_change_form(request, context, *args, **kwargs)


def run_service_action(
    modeladmin,
    request,
    queryset: Iterable,
    action: Callable,
    done: str,
    errors: tuple[type[Exception], ...],
) -> int:
    """Apply a service to each selected row, reporting each refusal by name and the successes together."""
    succeeded = 0
    for obj in queryset:
        try:
            action(obj)
        except errors as error:
            modeladmin.message_user(request, f"{obj}: {error}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{done}: {succeeded}.", messages.SUCCESS)
    return succeeded


# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float | bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A CSV download; text cells that a spreadsheet would run as a formula are defused with a leading quote."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte-order mark, so that spreadsheet programs read names with accents correctly.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return response
