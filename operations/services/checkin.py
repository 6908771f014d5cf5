"""Arriving at the club marks the member present in the class they are about to take (or are late for).

The front desk's check-in (``clubsite.frontdesk.services.visit_record``) calls this; it is an operations write
because a class's roll call is operations' business, and billing hears of it through ``attendance_marked``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction

from members.models import Member

from ..events import attendance_marked
from ..models import Booking, ClassRegistration, GroupClass
from ._common import lock_class, lock_member

#: The seats an arrival turns into "attended": a seat held, or a no-show marked before the member turned up late.
#: Offered and waitlisted places are not seats the member took, so arriving does not take them.
MARKABLE = (ClassRegistration.Status.REGISTERED, ClassRegistration.Status.NO_SHOW)


def checkin_window() -> datetime.timedelta:
    """How long before a class's start an arrival counts as coming to it (``CLUB_CHECKIN_EARLY_MINUTES``)."""
    return datetime.timedelta(minutes=settings.CLUB_CHECKIN_EARLY_MINUTES)


def class_checkin(*, member: Member, at: datetime.datetime) -> list[ClassRegistration]:
    """Mark the member attended in each class they hold a seat in that starts within the check-in window after
    ``at`` or is under way at ``at``; returns the registrations marked (soonest class first).

    Locks the member, then each class in id order (the lock order), and sends ``attendance_marked`` with the
    registrations marked, inside the transaction.
    """
    with transaction.atomic():
        locked = lock_member(member)
        candidates = list(
            ClassRegistration.objects.filter(
                member=locked,
                status__in=MARKABLE,
                group_class__booking__start_time__lte=at + checkin_window(),
                group_class__booking__end_time__gt=at,
            )
            .exclude(group_class__booking__status=Booking.Status.CANCELLED)
            .order_by("group_class_id")
            .values_list("pk", "group_class_id")
        )
        marked: list[ClassRegistration] = []
        for registration_id, class_id in candidates:
            group_class = lock_class(GroupClass(pk=class_id))
            registration = (
                ClassRegistration.objects.select_for_update(of=("self",))
                .filter(pk=registration_id, status__in=MARKABLE)
                .first()
            )
            # Read again under the class's lock: a cancellation or a roll call may have come first.
            if registration is None or group_class.booking.status == Booking.Status.CANCELLED:
                continue
            registration.status = ClassRegistration.Status.ATTENDED
            registration.save(update_fields=["status"])
            registration.group_class = group_class
            marked.append(registration)
        if marked:
            attendance_marked.send(sender=ClassRegistration, attended_ids=tuple(r.pk for r in marked), no_show_ids=())
        marked.sort(key=lambda r: (r.group_class.booking.start_time, r.pk))
        return marked
