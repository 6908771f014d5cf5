"""The one adapter from a coded error to a Django form: the message goes under its field, or above the form."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from .errors import ClubError


def add_club_error(form: forms.BaseForm, error: ClubError, *, fields: Mapping[str, str] | None = None) -> None:
    """Show ``error`` where the person typed what it is about, keeping what they typed.

    ``fields`` renames an error's field to the form's name for it (the API and the services say ``room``,
    a form may call it ``where``). An error about a field the form does not show goes above the form.
    """
    field = error.field
    if field is not None and fields:
        field = fields.get(field, field)
    form.add_error(field if field in form.fields else None, error.message)
