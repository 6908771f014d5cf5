"""What the trainer endpoints take and give back.

A member looked up by a trainer is name, active goals and latest metric only: the schemas have no field for
an email, a phone number, a date of birth or anything billed, so nothing else can leak through them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import AwareDatetime, Field

from clubsite.core.dates import ClubDate

# -- availability ---------------------------------------------------------------------------------


class AvailabilityWindowIn(Schema):
    """A window's start and end, ISO 8601 with an offset (``2026-11-24T09:00:00+00:00``)."""

    start_time: AwareDatetime
    end_time: AwareDatetime


class AvailabilityWeeklyIn(AvailabilityWindowIn):
    """The same window every week: ``weeks`` of them, this one included."""

    weeks: int = Field(ge=1, description="Number of weeks, the first included; the service caps it.")


class AvailabilityWindowOut(Schema):
    id: int
    start_time: datetime.datetime
    end_time: datetime.datetime


class AvailabilityWindowListItem(AvailabilityWindowOut):
    booking_count: int = Field(description="Scheduled classes and sessions inside the window.")


# -- schedule -------------------------------------------------------------------------------------


class TrainerScheduleEntryOut(Schema):
    """One class or PT session (or an event the trainer runs), on the club's clock."""

    booking_id: int
    kind: str
    title: str
    start: datetime.datetime
    end: datetime.datetime
    room: str
    status: str
    status_label: str
    class_id: int | None = None
    capacity: int | None = None
    registered: int | None = None
    waitlisted: int | None = None
    session_id: int | None = None
    member_id: int | None = None
    member_name: str = ""


class TrainerScheduleOut(Schema):
    """The entries from ``start`` to ``end`` (club days, both included), soonest first."""

    start: datetime.date
    end: datetime.date
    entries: list[TrainerScheduleEntryOut]


# -- attendance -----------------------------------------------------------------------------------


class TrainerSeatOut(Schema):
    member_id: int
    name: str
    status: str = Field(description="registered or attended")


class TrainerClassOut(Schema):
    id: int
    name: str
    level: str = Field(description="Who the class is for: all (levels), beginner, intermediate or advanced.")
    start: datetime.datetime
    end: datetime.datetime
    room: str
    status: str
    capacity: int
    registered: int
    waitlisted: int
    has_started: bool
    seated: list[TrainerSeatOut]


class TrainerClassAttendanceIn(Schema):
    """The whole roll call: the seated members who came. Every other seated member did not."""

    attended: list[int] = Field(default_factory=list, description="Member ids of those who attended.")


class TrainerSessionMarkIn(Schema):
    status: Literal["completed", "no_show"]


class TrainerSessionOut(Schema):
    id: int
    title: str
    start: datetime.datetime
    end: datetime.datetime
    room: str
    status: str
    member_id: int
    member_name: str
    trainer_notes: str = Field(description="Your notes after the session; the member does not see them.")
    trainer_notes_at: datetime.datetime | None = Field(description="When the notes were last written.")


class TrainerSessionNotesIn(Schema):
    """The whole notes (they replace what was written); an empty text removes them."""

    trainer_notes: str = Field(description="At most 4000 characters (a 422 ``pt_note_too_long`` names the limit).")


# -- member lookup --------------------------------------------------------------------------------


class LookupGoalOut(Schema):
    id: int
    goal_type: str
    goal_label: str
    target_value: Decimal
    unit: str
    target_date: datetime.date | None


class LookupMetricOut(Schema):
    weight: Decimal | None
    heart_rate: int | None
    body_fat: Decimal | None
    recorded_at: datetime.datetime


class LookedUpMemberOut(Schema):
    """What a trainer may know of a member: nothing but this."""

    id: int
    first_name: str
    last_name: str
    name: str
    active_goals: list[LookupGoalOut]
    latest_metric: LookupMetricOut | None


# -- a client's page ------------------------------------------------------------------------------


class TrainerClientMetricOut(Schema):
    """One entry of the member's history with a weight or a heart rate (what the page's charts draw)."""

    recorded_at: datetime.datetime
    weight: Decimal | None
    heart_rate: int | None


class TrainerClientGoalOut(LookupGoalOut):
    start_value: Decimal | None = Field(description="The tracked measurement when the goal was set.")
    current_value: Decimal | None = Field(description="The latest tracked measurement.")
    percent: int | None = Field(description="How far along, 0-100; null when no measurement tracks the goal.")


class TrainerClientSessionOut(Schema):
    id: int
    start: datetime.datetime
    end: datetime.datetime
    room: str
    status: str
    trainer_notes: str


class TrainerClientOut(Schema):
    """A member as a trainer sees them: the lookup's fields, the metric history, goals with progress and your
    sessions with them. Still no email, phone, date of birth or anything billed."""

    id: int
    first_name: str
    last_name: str
    name: str
    latest_metric: LookupMetricOut | None
    metrics: list[TrainerClientMetricOut] = Field(description="Oldest first, the latest 60 at most.")
    active_goals: list[TrainerClientGoalOut]
    upcoming_sessions: list[TrainerClientSessionOut] = Field(description="Soonest first, 10 at most.")
    past_sessions: list[TrainerClientSessionOut] = Field(description="Started, latest first, 10 at most.")


# -- the weekly template and time off -------------------------------------------------------------


class TrainerWeeklySlotIn(Schema):
    """A row of the weekly template: ``weekday`` 0 (Monday) to 6 (Sunday), from and until a time of the club's wall
    clock (``09:00``, no zone: 422 ``slot_time_has_zone``), ending the same day."""

    weekday: int = Field(ge=0, le=6)
    start_time: datetime.time
    end_time: datetime.time


class TrainerWeeklySlotOut(Schema):
    id: int
    weekday: int
    weekday_label: str
    start_time: str = Field(description="Club time, HH:MM.")
    end_time: str = Field(description="Club time, HH:MM.")


class TrainerTemplateApplyIn(Schema):
    first_day: ClubDate = Field(description="The first club day to fill (today at the earliest).")
    weeks: int = Field(ge=1, description="How many weeks from it; the service caps it.")


class TrainerTemplateCollisionOut(Schema):
    start_time: datetime.datetime
    end_time: datetime.datetime
    existing: AvailabilityWindowOut
    message: str


class TrainerTemplateAppliedOut(Schema):
    first_day: datetime.date
    last_day: datetime.date
    created: list[AvailabilityWindowOut]
    collisions: list[TrainerTemplateCollisionOut] = Field(description="Windows not made: one of yours was there.")
    days_off: list[datetime.date] = Field(description="Days the template skipped for your time off.")


class TrainerTimeOffIn(Schema):
    first_day: ClubDate
    last_day: ClubDate = Field(description="Included.")
    note: str = Field("", max_length=200)


class TrainerTimeOffOut(Schema):
    id: int
    first_day: datetime.date
    last_day: datetime.date
    note: str


class TrainerTimeOffTakenOut(Schema):
    time_off: TrainerTimeOffOut
    windows_removed: int
    windows_cut: int


# -- equipment ------------------------------------------------------------------------------------


class TrainerEquipmentOut(Schema):
    id: int
    name: str
    asset_tag: str
    room: str
    status: str


class TrainerEquipmentIssueIn(Schema):
    equipment: int = Field(description="The equipment's id (see GET /trainer/equipment).")
    issue_description: str = Field(max_length=2000)


class TrainerEquipmentIssueOut(Schema):
    id: int
    equipment: TrainerEquipmentOut
    issue_description: str
    status: str
    reported_at: datetime.datetime
