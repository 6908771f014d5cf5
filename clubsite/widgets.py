"""The browser's own date and time pickers, for every form of the site and the back office.

A ``<input type="date">`` only shows a value written as ISO 8601 (2026-11-01); rendered with the locale's
format (01/11/2026) the field looks empty. These widgets always write the value the picker can show.
"""

from __future__ import annotations

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class NativeDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE)


class NativeDateTimeInput(forms.DateTimeInput):
    """A local date and time, read in the club's time zone (DateTimeField parses the ISO value it sends)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATETIME_LOCAL)
