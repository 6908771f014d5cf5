"""Places in classes: registering (or joining the waitlist), giving a place up, taking attendance."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from clubsite.core.db import constraint_errors
from clubsite.core.events import publish
from members.models import Member

from .. import selectors
from ..errors import SchedulingError
from ..events import Cancelled, Cause, announce_cancelled
from ..models import Booking, ClassRegistration, GroupClass
from ._common import (
    REGISTRATION_CONSTRAINTS,
    lock,
    lock_class,
    lock_member,
    member_clash,
    pk_of,
)
from .classes import check_class_open


def class_register(*, member: Member, group_class: GroupClass) -> ClassRegistration:
    """Take a seat in a class, or a place on its waitlist when it is full."""
    with transaction.atomic():
        member = lock_member(member)
        group_class = lock_class(group_class)
        check_class_open(group_class)
        already = group_class.registrations.filter(member=member).exclude(status=ClassRegistration.Status.CANCELLED)
        if already.exists():
            raise SchedulingError("already_registered")
        booking = group_class.booking
        clash = member_clash(member, booking.start_time, booking.end_time)
        if clash is not None:
            raise clash
        # The class row is locked, so no one else can take a seat between this count and the insert.
        seated = group_class.registrations.filter(status__in=ClassRegistration.SEATED).count()
        if seated < group_class.capacity:
            status = ClassRegistration.Status.REGISTERED
        else:
            status = ClassRegistration.Status.WAITLISTED
        with constraint_errors(REGISTRATION_CONSTRAINTS, SchedulingError):
            registration = ClassRegistration.objects.create(member=member, group_class=group_class, status=status)
        publish("registration.created", registration.pk, class_id=group_class.pk, status=status)
        return registration


def _promote(group_class: GroupClass) -> ClassRegistration | None:
    """Give a freed seat to the first on the waitlist (``selectors.WAITLIST_ORDER``); they hear of it."""
    promoted = selectors.waitlist(group_class.pk).select_related("member__user").select_for_update(of=("self",)).first()
    if promoted is None:
        return None
    promoted.status = ClassRegistration.Status.REGISTERED
    with constraint_errors(REGISTRATION_CONSTRAINTS, SchedulingError):
        promoted.save(update_fields=["status"])
    publish("registration.promoted", promoted.pk, class_id=group_class.pk)
    return promoted


def class_registration_cancel(*, registration: ClassRegistration) -> Cancelled[ClassRegistration]:
    """Give up a seat or waitlist place before the class starts; a freed seat goes to the first on the waitlist.

    ``promoted`` holds the registration that moved up from the waitlist, if any (that member is told by mail);
    ``places_cancelled`` carries the registration, so what was billed for it is settled.
    """
    pk = pk_of(registration, "registration_required")
    ids = ClassRegistration.objects.filter(pk=pk).values_list("member_id", "group_class_id").first()
    if ids is None:
        raise SchedulingError("registration_required")
    with transaction.atomic():
        lock(Member, ids[0], "member_required")
        group_class = lock_class(GroupClass(pk=ids[1]))
        current = lock(ClassRegistration, pk, "registration_required")
        if current.status == ClassRegistration.Status.CANCELLED:
            raise SchedulingError("registration_already_cancelled")
        if group_class.booking.start_time <= timezone.now():
            raise SchedulingError("registration_class_started")
        held_seat = current.status in ClassRegistration.SEATED
        current.status = ClassRegistration.Status.CANCELLED
        current.save(update_fields=["status"])
        registration.status = current.status
        promoted = None
        if held_seat and group_class.booking.status == Booking.Status.SCHEDULED:
            promoted = _promote(group_class)
        effects = announce_cancelled(
            sender=ClassRegistration, cause=Cause.PLACE_GIVEN_UP, registration_ids=[current.pk]
        )
        return Cancelled(target=current, promoted=(promoted,) if promoted else (), effects=effects)


def class_attendance_mark(*, group_class: GroupClass, attended_member_ids: Iterable[int]) -> None:
    """Record who came to a class that has started: seated members listed attended, the other seated did not."""
    try:
        attended = {int(member_id) for member_id in attended_member_ids}
    except (TypeError, ValueError) as error:
        raise SchedulingError("attendance_not_seated") from error
    with transaction.atomic():
        group_class = lock_class(group_class)
        if group_class.booking.status == Booking.Status.CANCELLED:
            raise SchedulingError("class_cancelled")
        if group_class.booking.start_time > timezone.now():
            raise SchedulingError("attendance_too_early")
        seated = group_class.registrations.filter(status__in=ClassRegistration.SEATED)
        seated_members = set(seated.select_for_update().values_list("member_id", flat=True))
        if not attended <= seated_members:
            raise SchedulingError("attendance_not_seated")
        # Marking is a whole roll call, so a mistake is corrected by marking again.
        seated.filter(member_id__in=attended).update(status=ClassRegistration.Status.ATTENDED)
        seated.exclude(member_id__in=attended).update(status=ClassRegistration.Status.REGISTERED)
