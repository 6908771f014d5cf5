"""Personal training for a member: the trainers, their free times, and booking, moving and cancelling sessions.

The same reads and services as the portal's training pages: ``trainer_free_slots`` (every half hour, as the
portal lists them), ``pt_session_book``, ``pt_session_reschedule`` and ``pt_session_cancel`` with
``by_member=True``, so the cancellation cut-off holds here as on the site (409 ``pt_cutoff``).
"""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from clubsite.api.access import member_of
from clubsite.api.errors import RequestError
from clubsite.api.schemas import PROBLEMS
from clubsite.core.errors import ClubError
from members.models import Member
from members.portal.forms import DURATION_CHOICES
from members.portal.selectors import SLOT_STEP, bookable_trainers, member_upcoming_sessions, slot_search_day
from operations.models import PersonalTrainingSession, Room
from operations.selectors import trainer_free_slots
from operations.services import pt_session_book, pt_session_cancel, pt_session_price, pt_session_reschedule
from trainers.models import Trainer

from .common import settled, span_of
from .schemas import (
    MemberSessionBookIn,
    MemberSessionCancelledOut,
    MemberSessionMoveIn,
    MemberSessionOut,
    MemberSessionQuery,
    MemberSlotQuery,
    MemberSlotsOut,
    MemberTrainerOut,
)
from .selectors import member_past_sessions

router = Router(tags=["member"])

DURATIONS = [minutes for minutes, _label in DURATION_CHOICES]


def _own_sessions(member: Member) -> QuerySet[PersonalTrainingSession]:
    """The caller's sessions only: anyone else's id is a 404, as in the portal."""
    return PersonalTrainingSession.objects.filter(member=member).select_related(
        "booking__room", "booking__trainer__user"
    )


def _room(room_id: int | None) -> Room | None:
    # The service reads the room afresh and refuses one that does not exist (422 room_required).
    return None if room_id is None else Room(pk=room_id)


@router.get(
    "/trainers",
    response={200: list[MemberTrainerOut], **PROBLEMS},
    operation_id="member_trainer_list",
    url_name="member_trainer_list",
    summary="Trainers you can book",
)
@paginate
def trainer_list(request: HttpRequest) -> Any:
    """Active trainers by name, with their speciality and hourly rate, as on the personal training page."""
    return bookable_trainers(member=member_of(request))


@router.get(
    "/trainers/{trainer_id}/slots",
    response={200: MemberSlotsOut, **PROBLEMS},
    operation_id="member_trainer_slots",
    url_name="member_trainer_slots",
    summary="A trainer's free times on a day",
)
def trainer_slots(request: HttpRequest, trainer_id: int, query: Query[MemberSlotQuery]) -> dict[str, Any]:
    """The times a session of ``duration`` minutes (30, 45, 60, 90 or 120) can start with this trainer on
    ``date`` (club time; from today up to a year ahead), every half hour inside their availability and clear of
    their bookings: the free times of the portal. ``price`` is what such a session costs."""
    trainer = get_object_or_404(bookable_trainers(member=member_of(request)), pk=trainer_id)
    if query.duration not in DURATIONS:
        raise RequestError("duration_invalid", choices=", ".join(map(str, DURATIONS)))
    day = slot_search_day(query.date)
    length = datetime.timedelta(minutes=query.duration)
    now = timezone.now()
    try:
        price = pt_session_price(trainer=trainer, start_time=now, end_time=now + length)
    except ClubError:
        price = None
    return {
        "trainer": trainer,
        "date": day,
        "duration": query.duration,
        "price": price,
        "slots": trainer_free_slots(trainer=trainer, day=day, duration=length, step=SLOT_STEP),
    }


@router.post(
    "/pt-sessions",
    response={201: MemberSessionOut, **PROBLEMS},
    operation_id="member_pt_session_book",
    url_name="member_pt_session_book",
    summary="Book a personal training session",
)
def pt_session_book_endpoint(request: HttpRequest, payload: MemberSessionBookIn) -> Status[PersonalTrainingSession]:
    """Book ``trainer`` from ``start_time`` for ``duration`` minutes (or until ``end_time``), in ``room`` or
    online (no room). It must lie inside one of the trainer's availability windows (409 ``trainer_unavailable``),
    clear of their bookings and yours (409); priced at the trainer's hourly rate."""
    member = member_of(request)
    start, end = span_of(payload)
    session = pt_session_book(
        member=member,
        trainer=Trainer(pk=payload.trainer),
        start_time=start,
        end_time=end,
        room=_room(payload.room),
        notes=payload.notes,
    )
    return Status(201, _own_sessions(member).get(pk=session.pk))


@router.get(
    "/pt-sessions",
    response={200: list[MemberSessionOut], **PROBLEMS},
    operation_id="member_pt_session_list",
    url_name="member_pt_session_list",
    summary="Your personal training sessions",
)
@paginate
def pt_session_list(request: HttpRequest, filters: Query[MemberSessionQuery]) -> Any:
    """``upcoming`` (default): scheduled sessions yet to start, soonest first, as on the training page;
    ``past``: the rest (held, missed or cancelled), latest first. ``within_cutoff`` says a session is too close
    to its start for you to move or cancel it."""
    member = member_of(request)
    if filters.when == "past":
        return member_past_sessions(member=member)
    return member_upcoming_sessions(member=member)


@router.put(
    "/pt-sessions/{session_id}",
    response={200: MemberSessionOut, **PROBLEMS},
    operation_id="member_pt_session_reschedule",
    url_name="member_pt_session_reschedule",
    summary="Move a personal training session",
)
def pt_session_reschedule_endpoint(
    request: HttpRequest, session_id: int, payload: MemberSessionMoveIn
) -> PersonalTrainingSession:
    """Move a session (same trainer) to ``start_time`` for ``duration`` minutes (or until ``end_time``), with the
    checks of a new booking. ``room``: a room, or null for online; left out, the session keeps its room. Within
    the cancellation cut-off: 409 ``pt_cutoff``."""
    member = member_of(request)
    session = get_object_or_404(_own_sessions(member), pk=session_id)
    start, end = span_of(payload)
    room = _room(payload.room) if "room" in payload.model_fields_set else session.booking.room
    pt_session_reschedule(session=session, start_time=start, end_time=end, room=room, by_member=True)
    return _own_sessions(member).get(pk=session.pk)


@router.delete(
    "/pt-sessions/{session_id}",
    response={200: MemberSessionCancelledOut, **PROBLEMS},
    operation_id="member_pt_session_cancel",
    url_name="member_pt_session_cancel",
    summary="Cancel a personal training session",
)
def pt_session_cancel_endpoint(request: HttpRequest, session_id: int) -> PersonalTrainingSession:
    """Cancel a session before the cut-off (409 ``pt_cutoff`` after it: contact the club). ``billing`` says what
    it did to your bill: ``removed``, ``credited`` or ``nothing``."""
    session = get_object_or_404(_own_sessions(member_of(request)), pk=session_id)
    outcome = pt_session_cancel(session=session, by_member=True)
    session.booking.status = outcome.target.booking.status
    session.billing = settled(outcome)  # type: ignore[attr-defined]
    return session
