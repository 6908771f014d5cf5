"""Why a scheduling request was refused: one table of codes, messages and the field each is about."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import dateformat

from clubsite.core.errors import CONFLICT, FORBIDDEN, NOT_FOUND, ClubError, Message


class SchedulingError(ClubError):
    """A scheduling rule was broken; the message tells the person what and, where it can, with what."""

    messages = {
        # A model field's own check (a name too long, say); ``field=`` names the field at the raise site.
        "invalid": Message("{details}"),
        # Times
        "times_required": Message("Enter a start and an end time.", field="start_time"),
        "times_need_zone": Message("Times must include a time zone.", field="start_time"),
        "end_not_after_start": Message("The end must be after the start.", field="end_time"),
        "start_in_past": Message("The start must be in the future.", field="start_time"),
        "weeks_out_of_range": Message("Repeat for between 1 and 52 weeks.", field="weeks"),
        "weeks_past_calendar": Message(
            "Repeating that many weeks would run past the end of the calendar; choose fewer weeks.", field="weeks"
        ),
        # Trainers and their availability
        "trainer_required": Message("Choose a trainer.", field="trainer"),
        "trainer_inactive": Message(
            "This trainer is no longer active and cannot be booked.", field="trainer", kind=CONFLICT
        ),
        "trainer_unavailable": Message(
            "The trainer is not available for the whole of that time.", field="trainer", kind=CONFLICT
        ),
        "availability_too_long": Message("An availability window can last at most 16 hours.", field="end_time"),
        "availability_overlaps": Message("This window overlaps your window {window}.", kind=CONFLICT),
        "availability_overlaps_another": Message(
            "This window overlaps another of your availability windows.", kind=CONFLICT
        ),
        "availability_in_time_off": Message(
            "This window falls in your time off {time_off}: nobody can book you on those days.",
            field="start_time",
            kind=CONFLICT,
        ),
        # The lines of ``availability_weeks_overlap``: never raised alone.
        "availability_week_overlaps": Message("Week {number} ({day}) overlaps your window {window}", kind=CONFLICT),
        "availability_week_in_time_off": Message(
            "Week {number} ({day}) falls in your time off {time_off}", kind=CONFLICT
        ),
        "availability_weeks_overlap": Message("No windows were created. {clashes}.", kind=CONFLICT),
        "availability_gone": Message(
            "This availability window no longer exists.", field="availability", kind=NOT_FOUND
        ),
        "availability_strands_bookings": Message(
            "These bookings would be left outside your availability: {bookings}.", kind=CONFLICT
        ),
        # Rooms and bookings
        "room_required": Message("Choose a room.", field="room"),
        "room_booking_kind_invalid": Message("A room booking is either an event or a closure.", field="kind"),
        "room_booking_title_required": Message("Say what the room is booked for.", field="title"),
        "room_booking_too_long": Message("A room booking can last at most 31 days.", field="end_time"),
        "room_booked": Message("The room is already booked at that time.", field="room", kind=CONFLICT),
        "room_booked_by": Message("The room is already booked at that time: {booking}.", field="room", kind=CONFLICT),
        "trainer_booked": Message("The trainer is already booked at that time.", field="trainer", kind=CONFLICT),
        "trainer_booked_by": Message(
            "The trainer is already booked at that time: {booking}.", field="trainer", kind=CONFLICT
        ),
        "booking_required": Message("This booking no longer exists.", field="booking", kind=NOT_FOUND),
        "booking_already_cancelled": Message("This booking is already cancelled.", kind=CONFLICT),
        "booking_started": Message("A booking that has started can no longer be cancelled.", kind=CONFLICT),
        "room_name_required": Message("Give the room a name.", field="name"),
        "room_name_taken": Message("A room with this name already exists.", field="name", kind=CONFLICT),
        "room_capacity_invalid": Message("A room holds at least one person.", field="capacity"),
        "room_capacity_below_classes": Message(
            "{room} must hold at least {capacity} people for its upcoming classes: {classes}.",
            field="capacity",
            kind=CONFLICT,
        ),
        # The admin's own refusals, told in the same words wherever they show
        "class_cancel_not_allowed": Message("Only staff who manage classes can cancel a class.", kind=FORBIDDEN),
        "events_move_by_rebooking": Message(
            "An event or closure is moved by cancelling it and booking the room again.", kind=CONFLICT
        ),
        # Group classes and registrations
        "class_required": Message("Choose a class.", field="group_class"),
        "class_name_required": Message("Give the class a name.", field="name"),
        "class_capacity_invalid": Message("A class has room for at least one member.", field="capacity"),
        "class_capacity_above_room": Message(
            "{room} holds {room_capacity} people, fewer than the class capacity of {capacity}.", field="capacity"
        ),
        "class_price_invalid": Message(
            "Enter a price of zero or more, with at most two decimal places.", field="price"
        ),
        "class_too_long": Message("A class can last at most 8 hours.", field="end_time"),
        "class_level_invalid": Message(
            "Choose the class's level: all levels, beginner, intermediate or advanced.", field="level"
        ),
        # One line of ``class_weeks_failed``: never raised alone.
        "class_week_problem": Message("Week {number} ({day}): {problem}"),
        "class_weeks_failed": Message("No classes were created. {problems}", kind=CONFLICT),
        # A series on weekdays until a last day (``class_series_create``)
        "series_weekdays_required": Message("Choose the weekdays the class repeats on.", field="weekdays"),
        "series_weekdays_invalid": Message(
            "Weekdays are numbered from 0 (Monday) to 6 (Sunday), each at most once.", field="weekdays"
        ),
        "series_until_required": Message("Choose the last day of the series.", field="until"),
        "series_until_before_start": Message(
            "The last day of the series cannot be before its first day, {first}.", field="until"
        ),
        "series_too_long": Message(
            "A series runs for at most a year: choose a last day up to {latest}.", field="until"
        ),
        "series_past_calendar": Message(
            "The series would run past the end of the calendar; choose an earlier last day.", field="until"
        ),
        "series_no_dates": Message("None of the chosen weekdays falls between {first} and {until}.", field="weekdays"),
        "series_mode_invalid": Message(
            "Choose whether a collision stops the whole series or only its own date.", field="mode"
        ),
        # The lines and headings of ``class_series_collides`` and ``class_series_nothing_fits``: never raised alone.
        "class_series_date_problem": Message("{day}: {problem}"),
        "class_series_collides_heading": Message("No classes were created, because these dates collide:"),
        "class_series_collides": Message("{heading} {problems}", kind=CONFLICT),
        "class_series_nothing_fits_heading": Message("No classes were created: none of the dates is free."),
        "class_series_nothing_fits": Message("{heading} {problems}", kind=CONFLICT),
        "class_cancelled": Message("This class has been cancelled.", kind=CONFLICT),
        "class_already_cancelled": Message("This class is already cancelled.", kind=CONFLICT),
        "class_started": Message("This class has already started.", kind=CONFLICT),
        # Over, or marked done: never called cancelled, which would tell the member something false.
        "class_took_place": Message("This class has already taken place.", kind=CONFLICT),
        "class_full": Message("This class is full.", kind=CONFLICT),
        "member_required": Message("Choose a member.", field="member"),
        "member_busy": Message("You already have something booked at that time: {commitment}.", kind=CONFLICT),
        "already_registered": Message("You are already registered or waitlisted for this class.", kind=CONFLICT),
        "registration_required": Message("This registration no longer exists.", field="registration", kind=NOT_FOUND),
        "registration_already_cancelled": Message("This registration is already cancelled.", kind=CONFLICT),
        "registration_class_started": Message(
            "A registration cannot be cancelled once the class has started.", kind=CONFLICT
        ),
        "class_not_open_yet": Message(
            "Booking for this class opens on {opens}, {days} days before it starts.", kind=CONFLICT
        ),
        "offer_required": Message("This offer no longer exists.", field="registration", kind=NOT_FOUND),
        "offer_not_open": Message(
            "This seat is no longer offered to you: the offer was accepted, declined or has passed on.",
            kind=CONFLICT,
        ),
        "offer_expired": Message(
            "The time to accept this seat ran out at {expired}; it has passed to the next person on the waitlist.",
            kind=CONFLICT,
        ),
        "attendance_too_early": Message("Attendance can be taken once the class has started.", kind=CONFLICT),
        "attendance_not_seated": Message(
            "Only members holding a seat in this class can be marked as attended.", field="attended_member_ids"
        ),
        # Personal training
        "pt_duration_invalid": Message(
            "A personal training session lasts between 30 minutes and 3 hours.", field="end_time"
        ),
        "pt_with_self": Message("A trainer cannot book a personal training session with themselves.", field="trainer"),
        "pt_required": Message("This session no longer exists.", field="session", kind=NOT_FOUND),
        "pt_not_scheduled": Message("This session is no longer scheduled.", kind=CONFLICT),
        "pt_started": Message("This session has already started.", kind=CONFLICT),
        "pt_cutoff": Message(
            "Sessions cannot be cancelled or moved within {hours} hours of the start; please contact the club.",
            kind=CONFLICT,
        ),
        "pt_not_started": Message("A session can be marked only once it has started.", kind=CONFLICT),
        "pt_mark_invalid": Message("Mark a session as completed or as a no-show.", field="status"),
        "pt_cancelled": Message("This session was cancelled.", kind=CONFLICT),
        # A trainer's notes after a session (operations.services.pt.pt_session_note)
        "pt_note_not_yours": Message("Only the session's trainer can write notes on it.", kind=FORBIDDEN),
        "pt_note_too_early": Message(
            "Notes can be written once the session has started.", field="trainer_notes", kind=CONFLICT
        ),
        "pt_note_no_show": Message(
            "The member did not come to this session: mark it completed first if it did take place.",
            field="trainer_notes",
            kind=CONFLICT,
        ),
        "pt_note_too_long": Message(
            "Keep the notes to {limit} characters; these have {length}.", field="trainer_notes"
        ),
        # A trainer's weekly template applied, and time off (operations.services.availability)
        "template_empty": Message(
            "Your weekly template has no rows yet: add the hours you usually work first.", kind=CONFLICT
        ),
        "template_start_in_past": Message("Apply the template from today at the earliest.", field="first_day"),
        "time_off_overlaps_another": Message(
            "This overlaps other time off of yours.", field="first_day", kind=CONFLICT
        ),
        "time_off_days_required": Message("Enter the first and the last day of your time off.", field="first_day"),
        "time_off_reversed": Message(
            "The last day of your time off must be on or after its first day.", field="last_day"
        ),
        "time_off_in_past": Message("Time off can start today at the earliest.", field="first_day"),
        "time_off_too_long": Message("Time off can last at most {days} days at a time.", field="last_day"),
        "time_off_overlaps": Message("This overlaps your time off {time_off}.", field="first_day", kind=CONFLICT),
        "time_off_booked": Message(
            "You are booked during that time off: {bookings}. Move or cancel these first.", kind=CONFLICT
        ),
        # Staff roles
        "staff_user_required": Message("Choose a user account.", field="user"),
        "staff_role_invalid": Message(
            "Choose one of the staff roles: manager, front desk, maintenance or billing.", field="role"
        ),
        "staff_user_inactive": Message(
            "This account is deactivated; reactivate it before giving it a staff role.", field="user", kind=CONFLICT
        ),
        "staff_not_staff": Message("This person has no staff role.", field="user"),
        # Equipment and its maintenance
        "equipment_required": Message("Choose the equipment.", field="equipment"),
        "equipment_name_required": Message("Give the equipment a name.", field="name"),
        "asset_tag_required": Message("Enter the equipment's asset tag.", field="asset_tag"),
        "asset_tag_taken": Message("Another piece of equipment has this asset tag.", field="asset_tag", kind=CONFLICT),
        "issue_required": Message("Describe the issue.", field="issue_description"),
        "maintenance_required": Message("This maintenance record no longer exists.", field="record", kind=NOT_FOUND),
        "maintenance_status_invalid": Message("Choose open, in progress or resolved.", field="status"),
        "maintenance_same_status": Message("The record already has that status.", field="status", kind=CONFLICT),
        "maintenance_already_resolved": Message(
            "A resolved record cannot be changed; report a new issue instead.", kind=CONFLICT
        ),
        "resolution_notes_required": Message("Say how the issue was resolved.", field="resolution_notes"),
        "maintenance_resolved_at": Message("A record has a resolution time exactly when it is resolved."),
    }


def describe_date(day: datetime.date) -> str:
    """'Mon 7 Dec 2026': a date of a series (a date has no time zone, so no clock is needed)."""
    return dateformat.format(day, "D j M Y")


@dataclass(frozen=True)
class SkippedDate:
    """A date of a series that holds no class, and the refusal that date met."""

    day: datetime.date
    start_time: datetime.datetime
    end_time: datetime.datetime
    error: SchedulingError

    @property
    def message(self) -> str:
        """'Mon 7 Dec 2026: The room is already booked at that time: Yoga Mon 7 Dec 18:00–19:00.'"""
        return SchedulingError(
            "class_series_date_problem", day=describe_date(self.day), problem=self.error.message
        ).message


class ClassSeriesRefused(SchedulingError):
    """A series refused whole: ``heading`` says so and ``skipped`` names every date in the way, and why, in date
    order, so that a door can list them (the admin as a list of errors, the API as the problem's ``errors``).

    ``params``: ``problems`` (the lines, for a door that shows one text), ``dates`` (ISO dates) and ``codes`` (each
    date's code), both comma-separated and in the same order.
    """

    def __init__(self, code: str, skipped: Sequence[SkippedDate]) -> None:
        self.skipped = tuple(skipped)
        self.heading = SchedulingError.messages[f"{code}_heading"].text
        super().__init__(
            code,
            heading=self.heading,
            problems=" ".join(date.message for date in self.skipped),
            dates=",".join(date.day.isoformat() for date in self.skipped),
            codes=",".join(date.error.code for date in self.skipped),
        )
