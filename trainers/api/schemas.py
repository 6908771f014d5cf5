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
