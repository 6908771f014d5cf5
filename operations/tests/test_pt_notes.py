"""A trainer's notes after a personal training session: only theirs, only once it has taken place, limited."""

import datetime

import pytest
from django.utils import timezone

from operations.errors import SchedulingError
from operations.models import Booking, PersonalTrainingSession
from operations.services import PT_NOTE_MAX_LENGTH, pt_session_note
from operations.tests.factories import PersonalTrainingSessionFactory

pytestmark = pytest.mark.django_db


def session_of(trainer, *, hours_from_now: float, status: str = Booking.Status.SCHEDULED) -> PersonalTrainingSession:
    start = timezone.now() + datetime.timedelta(hours=hours_from_now)
    return PersonalTrainingSessionFactory(
        booking__trainer=trainer,
        booking__room=None,
        booking__start_time=start,
        booking__end_time=start + datetime.timedelta(hours=1),
        booking__status=status,
    )


def test_the_trainer_writes_notes_once_the_session_has_started_and_may_rewrite_or_clear_them(trainer):
    session = session_of(trainer, hours_from_now=-2, status=Booking.Status.COMPLETED)

    pt_session_note(session=session, trainer=trainer, notes="  Squats 3x8 at 60 kg.\nNext: deadlifts.  ")
    session.refresh_from_db()
    assert session.trainer_notes == "Squats 3x8 at 60 kg.\nNext: deadlifts."
    assert session.trainer_notes_at is not None
    assert session.notes == ""  # the member's wishes are another field

    pt_session_note(session=session, trainer=trainer, notes="")
    session.refresh_from_db()
    assert (session.trainer_notes, session.trainer_notes_at) == ("", None)


def test_a_session_under_way_and_not_yet_marked_takes_notes(trainer):
    session = session_of(trainer, hours_from_now=-0.5)

    assert pt_session_note(session=session, trainer=trainer, notes="Warm-up done").trainer_notes == "Warm-up done"


@pytest.mark.parametrize(
    ("hours_from_now", "status", "code"),
    [
        (2, Booking.Status.SCHEDULED, "pt_note_too_early"),
        (-2, Booking.Status.CANCELLED, "pt_cancelled"),
        (-2, Booking.Status.NO_SHOW, "pt_note_no_show"),
    ],
)
def test_notes_are_refused_for_a_session_that_did_not_take_place(trainer, hours_from_now, status, code):
    session = session_of(trainer, hours_from_now=hours_from_now, status=status)

    with pytest.raises(SchedulingError) as refused:
        pt_session_note(session=session, trainer=trainer, notes="Hello")

    assert refused.value.code == code
    session.refresh_from_db()
    assert session.trainer_notes == ""


def test_another_trainers_session_is_refused(trainer, other_trainer):
    session = session_of(other_trainer, hours_from_now=-2, status=Booking.Status.COMPLETED)

    with pytest.raises(SchedulingError) as refused:
        pt_session_note(session=session, trainer=trainer, notes="Mine now")

    assert refused.value.code == "pt_note_not_yours"
    session.refresh_from_db()
    assert session.trainer_notes == ""


def test_notes_longer_than_the_limit_are_refused_with_the_limit_and_the_length(trainer):
    session = session_of(trainer, hours_from_now=-2, status=Booking.Status.COMPLETED)

    pt_session_note(session=session, trainer=trainer, notes="x" * PT_NOTE_MAX_LENGTH)
    with pytest.raises(SchedulingError) as refused:
        pt_session_note(session=session, trainer=trainer, notes="y" * (PT_NOTE_MAX_LENGTH + 1))

    assert (refused.value.code, refused.value.field) == ("pt_note_too_long", "trainer_notes")
    assert f"{PT_NOTE_MAX_LENGTH} characters" in refused.value.message
    session.refresh_from_db()
    assert session.trainer_notes == "x" * PT_NOTE_MAX_LENGTH


def test_a_session_that_no_longer_exists_is_refused(trainer):
    session = session_of(trainer, hours_from_now=-2, status=Booking.Status.COMPLETED)
    PersonalTrainingSession.objects.filter(pk=session.pk).delete()

    with pytest.raises(SchedulingError) as refused:
        pt_session_note(session=session, trainer=trainer, notes="Gone")

    assert refused.value.code == "pt_required"
