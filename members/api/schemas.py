"""What the member endpoints take and give back.

Output schemas read the same objects the portal's templates read (a goal annotated with its progress, a class
with its seat counts, an invoice with its totals), so a page and the API can never tell a member different things.
Money is a decimal; times are ISO 8601 with their offset; only what the portal shows the member is exposed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

from ninja import Field, Schema

from billing.api.shown import FreezeLimitsOut, MembershipFreezeOut
from billing.models import ClassCover
from billing.services.settlement import SettlementOutcome
from clubsite.core.dates import ClubDate
from members.selectors import progress_of
from members.units import metric_value
from operations.selectors import class_booking_open, class_booking_opens_at, pt_within_cutoff

Item = TypeVar("Item")


class MemberPage(Schema, Generic[Item]):
    """One page of a list: ``count`` is the number of matches in all, ``items`` those of this page."""

    items: list[Item]
    count: int


class MemberPageQuery(Schema):
    """``limit`` (at most 100) and ``offset``, as every paged list of the API takes them."""

    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


# -- sign-up and profile ------------------------------------------------------------------------


class MemberProfileOut(Schema):
    email: str
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    gender: str
    phone: str


class MemberProfileIn(Schema):
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    gender: str
    phone: str = ""


class MemberSignupIn(Schema):
    email: str
    password: str = Field(..., description="Checked by the same password rules as the sign-up page.")
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    gender: str = Field("undisclosed", description="female, male, other or undisclosed.")
    phone: str = ""
    plan: int | None = Field(
        None, description="The id of a plan on offer (GET /plans) to join at once; leave out to choose later."
    )
    metrics_consent: bool = Field(
        False,
        description="Consent to processing your health metrics (optional; give or withdraw it later through "
        "/metrics/consent). Recorded with the privacy notice's version and the time.",
    )


class MemberSignUpRequestedOut(Schema):
    email: str = Field(..., description="Where the link that opens the account was sent.")
    confirmation: Literal["sent"] = Field(
        ..., description="Always `sent`: the answer does not tell whether the address already had an account."
    )


# -- goals --------------------------------------------------------------------------------------


class MemberGoalIn(Schema):
    goal_type: str = Field(
        ..., description="lose_weight, gain_muscle, reduce_body_fat, improve_endurance, lower_resting_hr or other."
    )
    target_value: Decimal
    unit: str = Field(..., description="kg, %, bpm (these show progress), or km, minutes…")
    target_date: datetime.date | None = None


class MemberGoalOut(Schema):
    """A goal with its progress (``percent`` and ``to_go`` are null when no measurement tracks it)."""

    id: int
    goal_type: str
    goal_type_label: str
    target_value: Decimal
    unit: str
    target_date: datetime.date | None
    is_active: bool
    created_at: datetime.datetime
    tracked: bool
    start_value: Decimal | None
    current_value: Decimal | None
    percent: int | None
    to_go: Decimal | None

    # Each reads the goal as annotated by members.selectors.goals_with_progress, as the goal cards do.
    @staticmethod
    def resolve_goal_type_label(goal: Any) -> str:
        return str(goal.get_goal_type_display())

    @staticmethod
    def resolve_tracked(goal: Any) -> bool:
        return progress_of(goal).tracked

    @staticmethod
    def resolve_percent(goal: Any) -> int | None:
        return progress_of(goal).percent

    # Values in the goal's unit carry that unit's decimals (members.units), as the goal cards show them.
    @staticmethod
    def resolve_target_value(goal: Any) -> Decimal | None:
        return metric_value(goal.target_value, goal.unit)

    @staticmethod
    def resolve_start_value(goal: Any) -> Decimal | None:
        return metric_value(progress_of(goal).start_value, goal.unit)

    @staticmethod
    def resolve_current_value(goal: Any) -> Decimal | None:
        return metric_value(progress_of(goal).current_value, goal.unit)

    @staticmethod
    def resolve_to_go(goal: Any) -> Decimal | None:
        return metric_value(progress_of(goal).to_go, goal.unit)


# -- health metrics -----------------------------------------------------------------------------


class MemberMetricIn(Schema):
    weight: Decimal | None = Field(None, description="kg")
    heart_rate: int | None = Field(None, description="Resting heart rate, bpm")
    body_fat: Decimal | None = Field(None, description="%")
    recorded_at: datetime.datetime | None = Field(
        None, description="When it was measured (now if left out); may be back-dated, never in the future."
    )


class MemberMetricOut(Schema):
    id: int
    weight: Decimal | None
    heart_rate: int | None
    body_fat: Decimal | None
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_weight(entry: Any) -> Decimal | None:
        return metric_value(entry.weight, "kg")

    @staticmethod
    def resolve_body_fat(entry: Any) -> Decimal | None:
        return metric_value(entry.body_fat, "%")


class MemberLatestMetricOut(MemberMetricOut):
    @staticmethod
    def resolve_id(latest: Any) -> int:
        # A row of the members_latest_metric view: its own key is the member, the entry is ``metric``.
        return int(latest.metric_id)


class MemberMetricQuery(Schema):
    date_from: ClubDate | None = Field(None, alias="from", description="First club day (included).")
    date_to: ClubDate | None = Field(None, alias="to", description="Last club day (included).")


# -- people and places --------------------------------------------------------------------------


class MemberTrainerBrief(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(trainer: Any) -> str:
        return str(trainer.full_name)


class MemberTrainerOut(MemberTrainerBrief):
    specialization: str
    hourly_rate: Decimal


class MemberRoomBrief(Schema):
    id: int
    name: str
    location: str = Field("", description="Where in the club the room is (floor, wing).")


class MemberClassTrainer(MemberTrainerBrief):
    specialization: str


# -- classes and registrations ------------------------------------------------------------------


class MemberClassBrief(Schema):
    id: int
    name: str
    start_time: datetime.datetime
    end_time: datetime.datetime
    status: str = Field(..., description="scheduled, completed or cancelled (the class's booking).")
    room: MemberRoomBrief | None
    trainer: MemberClassTrainer | None
    price: Decimal

    @staticmethod
    def resolve_start_time(group_class: Any) -> datetime.datetime:
        return group_class.booking.start_time

    @staticmethod
    def resolve_end_time(group_class: Any) -> datetime.datetime:
        return group_class.booking.end_time

    @staticmethod
    def resolve_status(group_class: Any) -> str:
        return str(group_class.booking.status)

    @staticmethod
    def resolve_room(group_class: Any) -> Any:
        return group_class.booking.room

    @staticmethod
    def resolve_trainer(group_class: Any) -> Any:
        return group_class.booking.trainer


class MemberClassCoverOut(Schema):
    """How your seat is paid for."""

    kind: ClassCover.Kind = Field(
        ..., description="plan (your plan includes it), credit (a class credit), or drop_in (billed at its price)."
    )
    label: str
    credit_pack_id: int | None = Field(None, description="With a credit: the pack it came from.")
    credits_left: int | None = Field(None, description="With a credit: the credits left in that pack.")

    @staticmethod
    def resolve_label(cover: Any) -> str:
        return str(cover.get_kind_display())

    @staticmethod
    def resolve_credits_left(cover: Any) -> int | None:
        return None if cover.credit_pack is None else int(cover.credit_pack.credits_left)


class MemberOwnRegistration(Schema):
    """The caller's own live place in a class: a seat, a seat offered, or a place on the waitlist (1 = next to get
    a seat)."""

    id: int
    status: str
    waitlist_position: int | None
    offer_expires_at: datetime.datetime | None = Field(
        None, description="While a seat is offered to you: accept it before then."
    )
    cover: MemberClassCoverOut | None = Field(
        None, description="How the seat you hold is paid for (as on the class page); null for any other place."
    )

    @staticmethod
    def resolve_cover(registration: Any) -> Any:
        # Read with select_related("cover__credit_pack") by member_class_registrations: no query here.
        try:
            return registration.cover
        except ClassCover.DoesNotExist:
            return None


class MemberClassOut(MemberClassBrief):
    description: str
    level: str = Field(..., description="Who the class is for: all (levels), beginner, intermediate or advanced.")
    capacity: int
    seats_left: int
    waitlist_count: int
    my_registration: MemberOwnRegistration | None = None
    booking_opens_at: datetime.datetime = Field(
        ..., description="When the class opens for booking (CLUB_CLASS_BOOKING_DAYS_AHEAD days before it starts)."
    )
    booking_open: bool = Field(..., description="It can be booked now (unless it has started or is full).")

    @staticmethod
    def resolve_my_registration(group_class: Any) -> Any:
        return getattr(group_class, "my_registration", None)

    @staticmethod
    def resolve_booking_opens_at(group_class: Any) -> datetime.datetime:
        return class_booking_opens_at(group_class.booking.start_time)

    @staticmethod
    def resolve_booking_open(group_class: Any) -> bool:
        return class_booking_open(group_class.booking.start_time)


class MemberTimetableQuery(Schema):
    date_from: ClubDate | None = Field(None, alias="from", description="From this club day; default: now.")
    date_to: ClubDate | None = Field(
        None, alias="to", description="Until the end of this club day; default: 90 days ahead."
    )
    date: ClubDate | None = Field(None, description="Only classes on this day, as the timetable's Day filter.")
    name: str | None = Field(None, description="Part of the class's name.")
    trainer: str | None = Field(None, description="Words of the trainer's name.")
    room: str | None = Field(None, description="Part of the room's name.")


class MemberRegistrationOut(Schema):
    id: int
    status: str = Field(
        ...,
        description="registered, waitlisted, offered (a freed seat offered to you: accept it by offer_expires_at), "
        "attended, no_show or cancelled.",
    )
    waitlist_position: int | None = Field(None, description="1 = next to get a seat; null unless waitlisted.")
    registered_at: datetime.datetime
    group_class: MemberClassBrief
    offer_expires_at: datetime.datetime | None = Field(None, description="While offered: when the offer passes on.")
    cover: MemberClassCoverOut | None = Field(
        None, description="How a seat you hold is paid for; null for a waitlist place, an offer or a given-up seat."
    )

    @staticmethod
    def resolve_cover(registration: Any) -> Any:
        # Read with select_related("cover__credit_pack") (or prefetched): no query here.
        try:
            return registration.cover
        except ClassCover.DoesNotExist:
            return None


Settled = SettlementOutcome


class MemberRegistrationCancelledOut(MemberRegistrationOut):
    billing: Settled = Field(
        ...,
        description="What cancelling did to your bill: taken off a draft (removed), credited on this month's "
        "invoice because it was already sent (credited), or nothing had been billed.",
    )
    late: bool = Field(..., description="Given up inside the cancellation cut-off: the credit kept, or a fee charged.")
    credits_returned: int = Field(..., description="Class credits given back to your pack.")
    credits_kept: int = Field(..., description="Class credits kept for a late cancellation.")
    fee_charged: Decimal | None = Field(
        ..., description="The late-cancel fee added to this month's bill; null when none was."
    )


class MemberCancellationCostOut(Schema):
    """What giving up this place now would cost (the cut-off as the cancellation itself applies it)."""

    late: bool = Field(..., description="Now is inside the cut-off for a seat you hold.")
    cutoff_at: datetime.datetime = Field(..., description="From then on, giving up a seat is late.")
    credit: Literal["returned", "kept"] | None = Field(
        ..., description="With a seat paid by a credit: given back (in time) or kept (late)."
    )
    fee: Decimal | None = Field(..., description="The late-cancel fee that would be charged; null: none.")


class MemberRegistrationQuery(Schema):
    when: Literal["upcoming", "past"] = Field(
        "upcoming",
        description="upcoming: your seats and waitlist places in classes yet to start (soonest first); past: "
        "the rest (started, cancelled), latest first.",
    )


# -- personal training --------------------------------------------------------------------------


class MemberSlotOut(Schema):
    start_time: datetime.datetime
    end_time: datetime.datetime

    # operations.selectors.TimeSlot
    @staticmethod
    def resolve_start_time(slot: Any) -> datetime.datetime:
        return slot.start

    @staticmethod
    def resolve_end_time(slot: Any) -> datetime.datetime:
        return slot.end


class MemberSlotsOut(Schema):
    trainer: MemberTrainerBrief
    date: datetime.date = Field(..., description="The day searched (today at the earliest, a year ahead at most).")
    duration: int = Field(..., description="Minutes.")
    price: Decimal | None = Field(None, description="What a session of this length costs with this trainer.")
    slots: list[MemberSlotOut]


class MemberSlotQuery(Schema):
    date: ClubDate | None = Field(None, description="The day (club time); default: today.")
    duration: int = Field(60, description="Minutes: 30, 45, 60, 90 or 120.")


class MemberSpanIn(Schema):
    """A start and either a length or an end."""

    start_time: datetime.datetime
    duration: int | None = Field(None, ge=1, le=24 * 60, description="Minutes; or give end_time.")
    end_time: datetime.datetime | None = None


class MemberSessionBookIn(MemberSpanIn):
    trainer: int
    room: int | None = Field(None, description="A room's id; null or left out: online (a video call).")
    notes: str = Field("", max_length=1000, description="What you would like to work on.")


class MemberSessionMoveIn(MemberSpanIn):
    room: int | None = Field(None, description="A room's id, null for online; left out: the room stays.")


class MemberSessionOut(Schema):
    id: int
    start_time: datetime.datetime
    end_time: datetime.datetime
    status: str = Field(..., description="scheduled, completed, no_show or cancelled.")
    trainer: MemberTrainerBrief | None
    room: MemberRoomBrief | None = Field(None, description="null: online.")
    price: Decimal
    notes: str
    within_cutoff: bool = Field(..., description="Too close to the start for you to move or cancel it.")

    @staticmethod
    def resolve_start_time(session: Any) -> datetime.datetime:
        return session.booking.start_time

    @staticmethod
    def resolve_end_time(session: Any) -> datetime.datetime:
        return session.booking.end_time

    @staticmethod
    def resolve_status(session: Any) -> str:
        return str(session.booking.status)

    @staticmethod
    def resolve_trainer(session: Any) -> Any:
        return session.booking.trainer

    @staticmethod
    def resolve_room(session: Any) -> Any:
        return session.booking.room

    @staticmethod
    def resolve_within_cutoff(session: Any) -> bool:
        return pt_within_cutoff(session.booking.start_time)


class MemberSessionCancelledOut(MemberSessionOut):
    billing: Settled = Field(..., description="What cancelling did to your bill: removed, credited or nothing.")


class MemberSessionQuery(Schema):
    when: Literal["upcoming", "past"] = Field(
        "upcoming",
        description="upcoming: scheduled sessions yet to start (soonest first); past: the rest, latest first.",
    )


# -- the dashboard ------------------------------------------------------------------------------


class MemberMetricChanges(Schema):
    """How much each measurement moved from the previous entry to the latest (null if either lacks it)."""

    weight: Decimal | None
    heart_rate: int | None
    body_fat: Decimal | None

    @staticmethod
    def resolve_weight(changes: Any) -> Decimal | None:
        return metric_value(changes["weight"], "kg")

    @staticmethod
    def resolve_body_fat(changes: Any) -> Decimal | None:
        return metric_value(changes["body_fat"], "%")


class MemberDashboardOut(Schema):
    latest_metric: MemberMetricOut | None
    previous_metric: MemberMetricOut | None
    changes: MemberMetricChanges
    goals: list[MemberGoalOut] = Field(..., description="Your active goals with their progress.")
    classes_attended: int
    upcoming_classes: list[MemberRegistrationOut] = Field(..., description="The next days' seats and waitlist places.")
    upcoming_sessions: list[MemberSessionOut] = Field(..., description="The next days' personal training sessions.")
    outstanding_balance: Decimal
    days: int = Field(..., description="How many days ahead the upcoming lists look.")


# -- invoices -----------------------------------------------------------------------------------


class MemberInvoiceOut(Schema):
    id: int
    number: str | None
    status: str = Field(..., description="issued, paid or void (drafts are not shown).")
    period_start: datetime.date
    period_end: datetime.date
    issued_at: datetime.datetime | None
    due_date: datetime.date | None
    total: Decimal
    paid: Decimal = Field(..., description="Net of refunds.")
    balance: Decimal

    # Read from billing.selectors.invoices_with_totals' annotations (one query for a page).
    @staticmethod
    def resolve_total(invoice: Any) -> Decimal:
        return invoice.total_amount

    @staticmethod
    def resolve_paid(invoice: Any) -> Decimal:
        return invoice.paid_amount

    @staticmethod
    def resolve_balance(invoice: Any) -> Decimal:
        return invoice.balance_amount


class MemberInvoicePage(MemberPage[MemberInvoiceOut]):
    outstanding_balance: Decimal = Field(..., description="What you still owe on issued invoices, all pages.")


class MemberInvoiceLineOut(Schema):
    id: int
    kind: str
    description: str
    quantity: int
    unit_price: Decimal
    amount: Decimal
    voided: bool = Field(..., description="Struck out: it no longer counts toward the total.")


class MemberPaymentOut(Schema):
    id: int
    kind: str = Field(..., description="payment or refund.")
    method: str
    amount: Decimal = Field(..., description="Positive for a payment, negative for a refund.")
    received_at: datetime.datetime
    reference: str

    @staticmethod
    def resolve_amount(payment: Any) -> Decimal:
        return payment.signed_amount


class MemberInvoiceDetailOut(MemberInvoiceOut):
    lines: list[MemberInvoiceLineOut]
    payments: list[MemberPaymentOut]

    @staticmethod
    def resolve_lines(invoice: Any) -> Any:
        return list(invoice.lines.all())

    @staticmethod
    def resolve_payments(invoice: Any) -> Any:
        return list(invoice.payments.all())


# -- memberships and credits --------------------------------------------------------------------


class MemberFreezeListOut(Schema):
    items: list[MembershipFreezeOut]
    count: int
    freeze_limits: FreezeLimitsOut
