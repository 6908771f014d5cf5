"""Places in classes: registering (or joining the waitlist), seats offered from the waitlist, giving a place up,
taking attendance."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import dateformat, timezone

from clubsite.core.clock import club_time
from clubsite.core.db import constraint_errors
from clubsite.core.errors import ClubError
from clubsite.core.events import publish
from members.models import Member

from .. import selectors
from ..errors import SchedulingError
from ..events import Cancelled, Cause, announce_cancelled, attendance_marked, place_taken
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


def _moment(value: datetime.datetime) -> str:
    return dateformat.format(club_time(value), "D j M H:i")


def _take_place(registration: ClassRegistration, group_class: GroupClass) -> None:
    """Tell the apps above that the member now holds this place: billing refuses a frozen day, and pays for a
    seat with the plan, a credit or a drop-in (or refuses when nothing can pay)."""
    place_taken.send(
        sender=ClassRegistration,
        member_id=registration.member_id,
        start_time=group_class.booking.start_time,
        registration=registration,
    )


def class_register(*, member: Member, group_class: GroupClass) -> ClassRegistration:
    """Take a seat in a class, or a place on its waitlist when it is full.

    The class must be open for booking (``CLUB_CLASS_BOOKING_DAYS_AHEAD``); billing may refuse the place (a
    frozen membership, no credit to pay for a class the plan does not cover).
    """
    with transaction.atomic():
        member = lock_member(member)
        group_class = lock_class(group_class)
        check_class_open(group_class)
        booking = group_class.booking
        if not selectors.class_booking_open(booking.start_time):
            raise SchedulingError(
                "class_not_open_yet",
                opens=_moment(selectors.class_booking_opens_at(booking.start_time)),
                days=selectors.class_booking_days_ahead(),
            )
        already = group_class.registrations.filter(member=member).exclude(status=ClassRegistration.Status.CANCELLED)
        if already.exists():
            raise SchedulingError("already_registered")
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
        _take_place(registration, group_class)
        publish("registration.created", registration.pk, class_id=group_class.pk, status=status)
        return registration


def _offer(registration: ClassRegistration, group_class: GroupClass) -> ClassRegistration:
    registration.status = ClassRegistration.Status.OFFERED
    registration.offer_expires_at = selectors.offer_expiry(group_class.booking.start_time)
    with constraint_errors(REGISTRATION_CONSTRAINTS, SchedulingError):
        registration.save(update_fields=["status", "offer_expires_at"])
    publish(
        "registration.offered",
        registration.pk,
        class_id=group_class.pk,
        expires_at=registration.offer_expires_at.isoformat(),
    )
    return registration


def _promote(group_class: GroupClass) -> ClassRegistration | None:
    """Give a freed seat to the first on the waitlist (``selectors.WAITLIST_ORDER``); they hear of it.

    Inside the cut-off the seat is offered instead (``CLUB_CLASS_OFFER_MINUTES`` to accept), so nobody is seated
    and charged for a class hours away without being asked; so is a seat that nothing would pay for yet (no
    credit, drop-ins off), which the member may accept once they have bought a pack.
    """
    promoted = selectors.waitlist(group_class.pk).select_related("member__user").select_for_update(of=("self",)).first()
    if promoted is None:
        return None
    if selectors.class_within_cutoff(group_class.booking.start_time):
        return _offer(promoted, group_class)
    try:
        with transaction.atomic():
            promoted.status = ClassRegistration.Status.REGISTERED
            with constraint_errors(REGISTRATION_CONSTRAINTS, SchedulingError):
                promoted.save(update_fields=["status"])
            _take_place(promoted, group_class)
    except ClubError:
        promoted.status = ClassRegistration.Status.WAITLISTED
        return _offer(promoted, group_class)
    publish("registration.promoted", promoted.pk, class_id=group_class.pk)
    return promoted


def _lock_registration(registration: ClassRegistration | None, code: str) -> tuple[ClassRegistration, GroupClass]:
    """Lock the registration's member, its class, then the registration: the lock order."""
    pk = pk_of(registration, code)
    ids = ClassRegistration.objects.filter(pk=pk).values_list("member_id", "group_class_id").first()
    if ids is None:
        raise SchedulingError(code)
    lock(Member, ids[0], "member_required")
    group_class = lock_class(GroupClass(pk=ids[1]))
    return lock(ClassRegistration, pk, code), group_class


def class_registration_cancel(*, registration: ClassRegistration) -> Cancelled[ClassRegistration]:
    """Give up a seat, an offered seat or a waitlist place before the class starts; a freed seat goes to the first
    on the waitlist (or is offered to them, inside the cut-off).

    A seat given up inside the cut-off (``CLUB_CLASS_CANCEL_CUTOFF_HOURS``) is late: ``places_cancelled`` names it
    in ``late_registration_ids``, and billing charges the late-cancel fee or keeps the credit that paid for it.
    ``promoted`` holds the registration that moved up from the waitlist, if any (that member is told by mail).
    """
    with transaction.atomic():
        current, group_class = _lock_registration(registration, "registration_required")
        if current.status == ClassRegistration.Status.CANCELLED:
            raise SchedulingError("registration_already_cancelled")
        if group_class.booking.start_time <= timezone.now():
            raise SchedulingError("registration_class_started")
        was = current.status
        current.group_class = group_class
        late = selectors.cancellation_is_late(current)
        current.status = ClassRegistration.Status.CANCELLED
        current.offer_expires_at = None
        current.save(update_fields=["status", "offer_expires_at"])
        if registration is not None:
            registration.status = current.status
        promoted = None
        if was in ClassRegistration.SEATED and group_class.booking.status == Booking.Status.SCHEDULED:
            promoted = _promote(group_class)
        effects = announce_cancelled(
            sender=ClassRegistration,
            cause=Cause.OFFER_DECLINED if was == ClassRegistration.Status.OFFERED else Cause.PLACE_GIVEN_UP,
            registration_ids=[current.pk],
            late_registration_ids=[current.pk] if late else [],
        )
        return Cancelled(target=current, promoted=(promoted,) if promoted else (), effects=effects)


def class_offer_accept(*, registration: ClassRegistration) -> ClassRegistration:
    """Take the seat offered from the waitlist, before the offer expires; billing pays for it as for any seat."""
    with transaction.atomic():
        current, group_class = _lock_registration(registration, "offer_required")
        if current.status != ClassRegistration.Status.OFFERED:
            raise SchedulingError("offer_not_open")
        check_class_open(group_class)
        expires_at = current.offer_expires_at
        if expires_at is not None and expires_at <= timezone.now():
            raise SchedulingError("offer_expired", expired=_moment(expires_at))
        current.status = ClassRegistration.Status.REGISTERED
        current.offer_expires_at = None
        with constraint_errors(REGISTRATION_CONSTRAINTS, SchedulingError):
            current.save(update_fields=["status", "offer_expires_at"])
        _take_place(current, group_class)
        publish("registration.promoted", current.pk, class_id=group_class.pk)
        return current


def class_offer_decline(*, registration: ClassRegistration) -> Cancelled[ClassRegistration]:
    """Turn down an offered seat: it goes to the next on the waitlist at once. Never late, never charged."""
    with transaction.atomic():
        current, _group_class = _lock_registration(registration, "offer_required")
        if current.status != ClassRegistration.Status.OFFERED:
            raise SchedulingError("offer_not_open")
        return class_registration_cancel(registration=current)


def class_offers_expire(*, now: datetime.datetime | None = None) -> list[ClassRegistration]:
    """Pass every offer not accepted in time to the next on the waitlist (the offers job runs it every minute).

    Each offer is its own transaction, under the class's lock, so one class's trouble holds up no other.
    """
    now = now or timezone.now()
    expired = []
    for pk in list(selectors.expired_offers(now=now).values_list("pk", flat=True)):
        with transaction.atomic():
            try:
                current, group_class = _lock_registration(ClassRegistration(pk=pk), "offer_required")
            except SchedulingError:
                continue
            # Accepted or declined meanwhile, or not due after all: nothing to do.
            if current.status != ClassRegistration.Status.OFFERED or (current.offer_expires_at or now) > now:
                continue
            current.status = ClassRegistration.Status.CANCELLED
            current.save(update_fields=["status"])
            if group_class.booking.status == Booking.Status.SCHEDULED and group_class.booking.start_time > now:
                _promote(group_class)
            announce_cancelled(sender=ClassRegistration, cause=Cause.OFFER_EXPIRED, registration_ids=[current.pk])
            expired.append(current)
    return expired


def class_attendance_mark(*, group_class: GroupClass, attended_member_ids: Iterable[int]) -> None:
    """Record who came to a class that has started: seated members listed attended, the other seated did not come.

    ``attendance_marked`` carries the places whose status changed, so billing charges (or takes back) the no-show
    fee.
    """
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
        taken = list(
            group_class.registrations.filter(status__in=ClassRegistration.TAKEN)
            .select_for_update()
            .values_list("pk", "member_id", "status")
        )
        if not attended <= {member_id for _pk, member_id, _status in taken}:
            raise SchedulingError("attendance_not_seated")
        # Marking is a whole roll call, so a mistake is corrected by marking again.
        now_attended = [pk for pk, member_id, status in taken if member_id in attended and status != "attended"]
        now_no_show = [pk for pk, member_id, status in taken if member_id not in attended and status != "no_show"]
        ClassRegistration.objects.filter(pk__in=now_attended).update(status=ClassRegistration.Status.ATTENDED)
        ClassRegistration.objects.filter(pk__in=now_no_show).update(status=ClassRegistration.Status.NO_SHOW)
        if now_attended or now_no_show:
            attendance_marked.send(
                sender=ClassRegistration, attended_ids=tuple(now_attended), no_show_ids=tuple(now_no_show)
            )
