"""What the staff endpoints of operations take and give back. References to other rows are their ids, named as
the services name them (``room``, ``trainer``, ``member``, ``group_class``, ``equipment``), so a refusal's
``field`` is the field of the request."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from ..models import GroupClass


class StaffRef(Schema):
    """Another row, by id and by the name staff read for it."""

    id: int
    name: str


# -- rooms ------------------------------------------------------------------------------------


class StaffRoomIn(Schema):
    name: str
    location: str = ""
    capacity: int


class StaffRoomOut(Schema):
    id: int
    name: str
    location: str
    capacity: int
    equipment_count: int
    open_issues: int = Field(description="Maintenance records of its equipment not resolved yet.")


# -- bookings ---------------------------------------------------------------------------------


class StaffBookingOut(Schema):
    id: int
    kind: str = Field(description="class, pt, event or closure.")
    title: str
    label: str = Field(description="What the booking is for, as the admin shows it (a session names its member).")
    room: StaffRef | None
    trainer: StaffRef | None
    start_time: datetime.datetime
    end_time: datetime.datetime
    status: str
    created_at: datetime.datetime
    group_class_id: int | None = Field(description="The class this booking holds, if it is a class.")
    pt_session_id: int | None = Field(description="The PT session this booking holds, if it is one.")


class StaffRoomBookingIn(Schema):
    room: int = Field(description="The id of the room.")
    kind: str = Field("event", description="event or closure.")
    title: str = Field(description="What the room is booked for.")
    start_time: datetime.datetime
    end_time: datetime.datetime


class StaffMoveRoomIn(Schema):
    room: int = Field(description="The id of the room to move to.")


class StaffSettlementOut(Schema):
    """What the cancellation did to the bills (billing's settlement)."""

    removed: int = Field(description="Unpaid lines taken off draft invoices.")
    credited: int = Field(description="Lines already invoiced, credited on this month's draft.")
    summary: str


class StaffBookingCancelledOut(Schema):
    booking: StaffBookingOut
    promoted: list[int] = Field(description="Registrations moved up from a waitlist.")
    settlement: StaffSettlementOut | None = Field(description="What happened to the bill; null when nothing billed.")
    effects: list[str] = Field(description="What the cancellation did beyond itself, as the admin reports it.")


# -- equipment and maintenance ----------------------------------------------------------------


class StaffEquipmentIn(Schema):
    room: int = Field(description="The id of the room the equipment is in.")
    name: str
    asset_tag: str


class StaffEquipmentOut(Schema):
    id: int
    name: str
    asset_tag: str
    room: StaffRef
    status: str = Field(description="working, broken or in_repair: follows its maintenance records.")
    open_issues: int


class StaffEquipmentRef(Schema):
    id: int
    name: str
    asset_tag: str


class StaffMaintenanceIn(Schema):
    equipment: int = Field(description="The id of the equipment.")
    issue_description: str


class StaffMaintenanceStatusIn(Schema):
    status: str = Field(description="open, in_progress or resolved (resolved needs resolution_notes).")
    resolution_notes: str = ""


class StaffMaintenanceOut(Schema):
    id: int
    equipment: StaffEquipmentRef
    room: StaffRef
    issue_description: str
    status: str
    reported_at: datetime.datetime
    reported_by: str | None
    resolved_at: datetime.datetime | None
    resolution_notes: str


# -- classes and registrations ----------------------------------------------------------------


class StaffClassIn(Schema):
    name: str
    description: str = ""
    level: GroupClass.Level = Field(GroupClass.Level.ALL, description="Who the class is for.")
    trainer: int = Field(description="The id of the trainer.")
    room: int = Field(description="The id of the room.")
    start_time: datetime.datetime
    end_time: datetime.datetime
    capacity: int
    price: Decimal


class StaffClassWeeklyIn(StaffClassIn):
    weeks: int = Field(description="Repeat weekly for this many weeks: all of them are created, or none.")


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
#: The API's weekday names, in ``datetime.date.weekday()`` order (0 Monday).
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class StaffClassSeriesIn(StaffClassIn):
    """``start_time`` and ``end_time`` are the hours of each class, and ``start_time``'s day the series' first."""

    weekdays: list[Weekday] = Field(description="The weekdays the class runs on: mon, tue, wed, thu, fri, sat, sun.")
    until: datetime.date = Field(description="The series' last day (included), at most 366 days after its first.")
    mode: Literal["all_or_nothing", "what_fits"] = Field(
        "all_or_nothing",
        description="all_or_nothing: a colliding date refuses the series (409 class_series_collides, errors lists "
        "every date). what_fits: the dates that fit are created and the others listed in skipped.",
    )


class StaffSkippedDateOut(Schema):
    date: datetime.date
    start_time: datetime.datetime
    end_time: datetime.datetime
    code: str = Field(description="Why this date holds no class: the refusal's code (room_booked_by...).")
    field: str | None
    message: str


class StaffClassSeriesOut(Schema):
    created: list[StaffClassOut] = Field(description="The classes of the series, in date order.")
    skipped: list[StaffSkippedDateOut] = Field(description="The dates that collided, each with why; empty if none.")


class StaffClassRescheduleIn(Schema):
    start_time: datetime.datetime
    end_time: datetime.datetime
    room: int = Field(description="The id of the room.")
    trainer: int = Field(description="The id of the trainer.")


class StaffClassOut(Schema):
    id: int
    name: str
    description: str
    level: GroupClass.Level = Field(description="Who the class is for: all, beginner, intermediate or advanced.")
    capacity: int
    price: Decimal
    series: uuid.UUID | None = Field(description="Shared by the classes of one weekly series.")
    status: str
    start_time: datetime.datetime
    end_time: datetime.datetime
    room: StaffRef | None
    trainer: StaffRef | None
    seated_count: int
    waitlist_count: int


class StaffClassCancelledOut(Schema):
    group_class: StaffClassOut
    settlement: StaffSettlementOut | None
    effects: list[str]


class StaffRegistrationIn(Schema):
    member: int = Field(description="The id of the member.")
    group_class: int = Field(description="The id of the class.")


class StaffRegistrationClass(Schema):
    id: int
    name: str
    start_time: datetime.datetime
    room: StaffRef | None


class StaffRegistrationOut(Schema):
    id: int
    member: StaffRef
    group_class: StaffRegistrationClass
    status: str = Field(description="registered, waitlisted, cancelled or attended.")
    registered_at: datetime.datetime
    waitlist_place: int | None = Field(description="1 for the next to get a seat; null unless waitlisted.")


class StaffRegistrationCancelledOut(Schema):
    registration: StaffRegistrationOut
    promoted: list[int] = Field(description="The registration moved up from the waitlist into the freed seat.")
    settlement: StaffSettlementOut | None
    effects: list[str]


# -- members ----------------------------------------------------------------------------------


class StaffMemberOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    date_of_birth: datetime.date
    gender: str
