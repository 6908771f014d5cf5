"""What the operations admin pages share: date filters, form fields, the booking change form, cancelling."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.http import HttpRequest
from django.utils import timezone

from clubsite import adminkit
from clubsite.core.clock import club_today, day_bounds

from ..events import Cancelled
from ..models import Room


def split_datetime(label: str) -> forms.SplitDateTimeField:
    return forms.SplitDateTimeField(label=label, widget=AdminSplitDateTime)


def room_field(*, required: bool = True, help_text: str = "") -> forms.ModelChoiceField:
    # A plain select: a club has few rooms, and staff who book rooms need not be allowed to edit them.
    return forms.ModelChoiceField(queryset=Room.objects.order_by("name"), required=required, help_text=help_text)


class StartsFilter(admin.SimpleListFilter):
    """Today, tomorrow, the next week, everything to come or everything past, by the start time (club days)."""

    title = "date"
    parameter_name = "when"
    field = "start_time"

    def lookups(self, request, model_admin):
        return [
            ("today", "Today"),
            ("tomorrow", "Tomorrow"),
            ("week", "Next 7 days"),
            ("upcoming", "Upcoming"),
            ("past", "Past"),
        ]

    def queryset(self, request, queryset):
        today = club_today()
        one_day = datetime.timedelta(days=1)
        spans = {
            "today": day_bounds(today),
            "tomorrow": day_bounds(today + one_day),
            "week": day_bounds(today, today + 6 * one_day),
        }
        value = self.value()
        if value in spans:
            start, end = spans[value]
            return queryset.filter(**{f"{self.field}__gte": start, f"{self.field}__lt": end})
        if value == "upcoming":
            return queryset.filter(**{f"{self.field}__gte": timezone.now()})
        if value == "past":
            return queryset.filter(**{f"{self.field}__lt": timezone.now()})
        return queryset


class ClassStartsFilter(StartsFilter):
    field = "booking__start_time"


class RegistrationClassStartsFilter(StartsFilter):
    title = "class date"
    field = "group_class__booking__start_time"


class BookingChangeForm(adminkit.ServiceAdminForm):
    """A change form for what lives on a booking: its ``booking_fields`` start from the booking's values."""

    booking_fields: tuple[str, ...] = ("room", "start_time", "end_time")

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and instance.pk:
            booking = instance.booking
            kwargs["initial"] = {
                **{name: getattr(booking, booking._meta.get_field(name).attname) for name in self.booking_fields},
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, instance=instance, **kwargs)


def counted(singular: str, plural: str, outcome: str, plural_outcome: str = "") -> Callable[[int], str]:
    """What an action did, as a whole sentence with its plural: ``counted("class", "classes", "cancelled")``
    says "1 class cancelled." and "3 classes cancelled."; ``plural_outcome`` when the outcome has a plural too."""

    def sentence(count: int) -> str:
        if count == 1:
            return f"1 {singular} {outcome}."
        return f"{count} {plural} {plural_outcome or outcome}."

    return sentence


def cancel_selected(
    modeladmin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: Iterable[Any],
    cancel: Callable[[Any], Cancelled[Any]],
    done: Callable[[int], str],
) -> int:
    """Cancel each selected row through its service (which settles the bill through ``places_cancelled``),
    reporting what each cancellation did beyond it (a settlement) as the service's receivers said, and ``done``
    (``counted``) the number cancelled."""

    def cancel_one(obj: Any) -> None:
        outcome = cancel(obj)
        for effect in outcome.effects:
            if effect:
                modeladmin.message_user(request, f"{obj}: {effect}.", messages.INFO)

    return adminkit.run_service_action(modeladmin, request, queryset, cancel_one, done)
