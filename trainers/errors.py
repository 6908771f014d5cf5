"""Why a change to a trainer's own rows (their weekly template, their time off) was refused."""

from __future__ import annotations

from clubsite.core.errors import CONFLICT, NOT_FOUND, ClubError, Message


class TrainerError(ClubError):
    messages = {
        "trainer_required": Message("Choose a trainer.", field="trainer"),
        "slot_weekday_invalid": Message("Choose a day of the week.", field="weekday"),
        "slot_times_required": Message("Enter a start and an end time.", field="start_time"),
        "slot_time_has_zone": Message(
            "Give the time as the club's clock shows it, without a time zone (for example 09:00).", field="start_time"
        ),
        "slot_end_not_after_start": Message(
            "The end must be after the start, on the same day (a row cannot run past midnight).", field="end_time"
        ),
        "slot_overlaps": Message("This overlaps your row {slot}.", field="start_time", kind=CONFLICT),
        "slot_overlaps_another": Message(
            "This overlaps another row of your weekly template.", field="start_time", kind=CONFLICT
        ),
        "slot_gone": Message("This row of your weekly template no longer exists.", field="slot", kind=NOT_FOUND),
        "time_off_gone": Message("This time off no longer exists.", field="time_off", kind=NOT_FOUND),
    }
