"""The trainer's classes and PT sessions: who holds a seat, who came, and the notes after a session."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router

from clubsite.api.access import trainer_of
from clubsite.api.schemas import PROBLEMS
from operations import services
from operations.describe import booking_label
from operations.models import GroupClass, PersonalTrainingSession
from trainers.portal import selectors

from .schemas import (
    TrainerClassAttendanceIn,
    TrainerClassOut,
    TrainerSeatOut,
    TrainerSessionMarkIn,
    TrainerSessionNotesIn,
    TrainerSessionOut,
)

router = Router(tags=["trainer"])


def _own_class(request: HttpRequest, class_id: int) -> GroupClass:
    group_class: GroupClass = get_object_or_404(selectors.trainer_classes(trainer=trainer_of(request)), pk=class_id)
    return group_class


def _class_detail(group_class: GroupClass) -> TrainerClassOut:
    booking = group_class.booking
    return TrainerClassOut(
        id=group_class.pk,
        name=group_class.name,
        level=group_class.level,
        start=booking.start_time,
        end=booking.end_time,
        room=booking.room.name if booking.room is not None else "Online",
        status=booking.status,
        capacity=group_class.capacity,
        registered=group_class.seated_count,
        waitlisted=group_class.waitlist_count,
        has_started=booking.start_time <= timezone.now(),
        seated=[
            TrainerSeatOut(member_id=r.member_id, name=r.member.user.get_full_name(), status=r.status)
            for r in selectors.class_roll_call(group_class=group_class)
        ],
    )


@router.get(
    "/classes/{class_id}",
    response={200: TrainerClassOut, **PROBLEMS},
    operation_id="trainer_class_read",
    url_name="trainer_class_read",
    summary="One of your classes with its seated members",
)
def trainer_class_read(request: HttpRequest, class_id: int) -> TrainerClassOut:
    """The members holding a seat (registered or attended), by name; another trainer's class is a 404."""
    return _class_detail(_own_class(request, class_id))


@router.put(
    "/classes/{class_id}/attendance",
    response={200: TrainerClassOut, **PROBLEMS},
    operation_id="trainer_class_attendance_mark",
    url_name="trainer_class_attendance_mark",
    summary="Take the roll call of a class",
)
def trainer_class_attendance_mark(
    request: HttpRequest, class_id: int, payload: TrainerClassAttendanceIn
) -> TrainerClassOut:
    """Once the class has started: the seated members listed attended, every other seated member did not
    (marking again corrects it). A member without a seat is a 422 ``attendance_not_seated``; before the start,
    409 ``attendance_too_early``."""
    group_class = _own_class(request, class_id)
    services.class_attendance_mark(group_class=group_class, attended_member_ids=payload.attended)
    return _class_detail(_own_class(request, class_id))


def _own_session(request: HttpRequest, session_id: int) -> PersonalTrainingSession:
    session: PersonalTrainingSession = get_object_or_404(
        selectors.trainer_sessions(trainer=trainer_of(request)), pk=session_id
    )
    return session


def _session(session: PersonalTrainingSession) -> TrainerSessionOut:
    booking = session.booking
    return TrainerSessionOut(
        id=session.pk,
        title=booking_label(booking, with_member=True),
        start=booking.start_time,
        end=booking.end_time,
        room=booking.room.name if booking.room is not None else "Online",
        status=booking.status,
        member_id=session.member_id,
        member_name=session.member.user.get_full_name(),
        trainer_notes=session.trainer_notes,
        trainer_notes_at=session.trainer_notes_at,
    )


@router.get(
    "/pt-sessions/{session_id}",
    response={200: TrainerSessionOut, **PROBLEMS},
    operation_id="trainer_pt_session_read",
    url_name="trainer_pt_session_read",
    summary="One of your PT sessions",
)
def trainer_pt_session_read(request: HttpRequest, session_id: int) -> TrainerSessionOut:
    """Another trainer's session is a 404."""
    return _session(_own_session(request, session_id))


@router.put(
    "/pt-sessions/{session_id}/attendance",
    response={200: TrainerSessionOut, **PROBLEMS},
    operation_id="trainer_pt_session_mark",
    url_name="trainer_pt_session_mark",
    summary="Mark a PT session completed or a no-show",
)
def trainer_pt_session_mark(request: HttpRequest, session_id: int, payload: TrainerSessionMarkIn) -> TrainerSessionOut:
    """Once the session has started (before: 409 ``pt_not_started``); a cancelled one is 409 ``pt_cancelled``."""
    session = services.pt_session_mark(session=_own_session(request, session_id), status=payload.status)
    return _session(_own_session(request, session.pk))


@router.put(
    "/pt-sessions/{session_id}/notes",
    response={200: TrainerSessionOut, **PROBLEMS},
    operation_id="trainer_pt_session_note",
    url_name="trainer_pt_session_note",
    summary="Write your notes after a PT session",
)
def trainer_pt_session_note(request: HttpRequest, session_id: int, payload: TrainerSessionNotesIn) -> TrainerSessionOut:
    """Once the session has started (before: 409 ``pt_note_too_early``); a cancelled session is 409
    ``pt_cancelled``, a no-show 409 ``pt_note_no_show``; over the limit, 422 ``pt_note_too_long``. Another
    trainer's session is a 404."""
    session = services.pt_session_note(
        session=_own_session(request, session_id), trainer=trainer_of(request), notes=payload.trainer_notes
    )
    return _session(_own_session(request, session.pk))
