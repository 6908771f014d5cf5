"""The front desk's writes: checking a member in (the visit, and their class attendance), and staff notes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from billing.selectors import membership_state
from clubsite.accounts.models import User
from clubsite.core.clock import club_today
from members.models import Member
from operations.models import ClassRegistration
from operations.services.checkin import class_checkin

from .errors import FrontDeskError
from .models import NOTE_MAX_LENGTH, StaffNote, Visit

#: A second scan of one member this soon after the first is the same arrival (a double beep, a retry).
SAME_VISIT = datetime.timedelta(minutes=2)


@dataclass(frozen=True)
class CheckIn:
    """A check-in's outcome: the visit (new, or the one just recorded when ``repeated``) and the class places
    it marked attended."""

    visit: Visit
    repeated: bool = False
    marked: tuple[ClassRegistration, ...] = ()


def visit_record(*, member: Member, by: User | None, method: str) -> CheckIn:
    """Check ``member`` in: record the visit with their membership as it stands today and mark them present in
    the class they are about to take (``operations.services.checkin.class_checkin``).

    An ended or frozen membership does not refuse the visit: it is recorded as it was, and the desk decides.
    A second check-in within ``SAME_VISIT`` returns the first visit (the member row's lock makes two
    simultaneous scans one visit).
    """
    if method not in Visit.Method.values:
        raise FrontDeskError("method_invalid")
    with transaction.atomic():
        locked = _lock_member(member)
        now = timezone.now()
        recent = (
            Visit.objects.filter(member=locked, checked_in_at__gt=now - SAME_VISIT).order_by("-checked_in_at").first()
        )
        if recent is not None:
            return CheckIn(visit=recent, repeated=True)
        state = membership_state(member=locked, day=club_today())
        visit = Visit.objects.create(
            member=locked, checked_in_at=now, checked_in_by=by, method=method, membership_status=state.status
        )
        marked = class_checkin(member=locked, at=now)
        return CheckIn(visit=visit, marked=tuple(marked))


def note_add(*, member: Member, author: User | None, text: str) -> StaffNote:
    """Add a staff-only note about ``member``."""
    text = (text or "").strip()
    if not text:
        raise FrontDeskError("note_required")
    if len(text) > NOTE_MAX_LENGTH:
        raise FrontDeskError("note_too_long")
    with transaction.atomic():
        locked = _lock_member(member)
        return StaffNote.objects.create(member=locked, author=author, text=text)


def _lock_member(member: Member | None) -> Member:
    pk = getattr(member, "pk", None)
    if pk is None:
        raise FrontDeskError("member_required")
    locked = Member.objects.select_for_update().filter(pk=pk).order_by().first()
    if locked is None:
        raise FrontDeskError("member_not_found", field="member")
    return locked
