"""Reads of the club's calendar: timetables and who is free when."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Greatest, TruncDate

from .models import Booking, ClassRegistration, GroupClass


def class_timetable(*, start: datetime, end: datetime) -> QuerySet[GroupClass]:
    """Scheduled classes starting in [start, end), with seats left and waitlist length; one query."""
    return (
        GroupClass.objects.filter(
            booking__start_time__gte=start,
            booking__start_time__lt=end,
            booking__status=Booking.Status.SCHEDULED,
        )
        .select_related("booking__room", "booking__trainer__user")
        .annotate(
            seated_count=Count("registrations", filter=Q(registrations__status__in=ClassRegistration.SEATED)),
            waitlist_count=Count(
                "registrations", filter=Q(registrations__status=ClassRegistration.Status.WAITLISTED)
            ),
            local_date=TruncDate("booking__start_time"),
        )
        .annotate(seats_left=Greatest(F("capacity") - F("seated_count"), 0))
        .order_by("booking__start_time", "id")
    )
