"""Reads of the member portal that reach beyond members' own tables: classes, sessions and the dashboard."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from billing.models import ClassPack, CreditPack, Membership, MembershipFreeze, MembershipPlan
from billing.selectors import (
    MembershipState,
    PlanMonthCharge,
    credits_left,
    credits_left_of,
    freeze_limits,
    frozen_days_this_year,
    member_credit_packs,
    member_outstanding_balance,
    membership_state,
    minimum_term_end,
    plan_month_charge,
)
from clubsite.core.clock import club_time, club_today, day_bounds
from members.models import FitnessGoal, Member
from members.portal.plans import next_month_start
from members.selectors import GoalProgress, LatestMetrics, goal_progress_list, latest_metrics
from operations.models import Booking, ClassRegistration, GroupClass, PersonalTrainingSession, Room
from operations.selectors import (
    class_booking_days_ahead,
    class_timetable,
    live_registrations,
    trainer_free_slots,
    waitlist_place,
    with_seat_counts,
)
from trainers.models import Trainer, TrainerAvailability

# -- classes and sessions -----------------------------------------------------------------------


def with_waitlist_position(registrations: QuerySet[ClassRegistration]) -> QuerySet[ClassRegistration]:
    """Annotate ``waitlist_position`` (1 = next to get a seat; None unless waitlisted) in the same query."""
    return registrations.annotate(waitlist_position=waitlist_place())


def class_with_seats(*, class_id: int) -> GroupClass | None:
    """One class (whatever its date or status) with ``seats_left`` and ``waitlist_count``; one query."""
    one_class = GroupClass.objects.filter(pk=class_id).select_related("booking__room", "booking__trainer__user")
    return with_seat_counts(one_class).first()


def member_class_registrations(*, member: Member, class_ids: list[int]) -> dict[int, ClassRegistration]:
    """The member's live registration for each of these classes (by class id), with waitlist position and how
    its seat is paid for (``cover``); one query."""
    if not class_ids:
        return {}
    registrations = with_waitlist_position(
        ClassRegistration.objects.filter(live_registrations(), member=member, group_class_id__in=class_ids)
    ).select_related("cover__credit_pack")
    return {registration.group_class_id: registration for registration in registrations}


def member_class_registration(*, member: Member, group_class: GroupClass) -> ClassRegistration | None:
    """The member's live registration in this class with its waitlist position and how the seat is paid for
    (``cover``), its class set to ``group_class`` so the cost of giving it up is read without a query; one query."""
    registration = (
        with_waitlist_position(
            ClassRegistration.objects.filter(live_registrations(), member=member, group_class=group_class)
        )
        .select_related("cover__credit_pack")
        .first()
    )
    if registration is not None:
        registration.group_class = group_class
    return registration


def member_upcoming_registrations(
    *, member: Member, until: datetime.datetime | None = None
) -> QuerySet[ClassRegistration]:
    """The member's seats and waitlist places in scheduled classes yet to start, soonest first."""
    registrations = ClassRegistration.objects.filter(
        live_registrations(),
        member=member,
        group_class__booking__status=Booking.Status.SCHEDULED,
        group_class__booking__start_time__gt=timezone.now(),
    )
    if until is not None:
        registrations = registrations.filter(group_class__booking__start_time__lt=until)
    return (
        with_waitlist_position(registrations)
        .select_related("group_class__booking__room", "group_class__booking__trainer__user")
        .order_by("group_class__booking__start_time", "id")
    )


def member_upcoming_sessions(
    *, member: Member, until: datetime.datetime | None = None
) -> QuerySet[PersonalTrainingSession]:
    """The member's scheduled personal training sessions yet to start, soonest first."""
    sessions = PersonalTrainingSession.objects.filter(
        member=member, booking__status=Booking.Status.SCHEDULED, booking__start_time__gt=timezone.now()
    )
    if until is not None:
        sessions = sessions.filter(booking__start_time__lt=until)
    return sessions.select_related("booking__room", "booking__trainer__user").order_by("booking__start_time", "id")


#: How far ahead the member's timetable looks by default (the page, and the API without a range).
TIMETABLE_DAYS = 90
#: The week view pages a week at a time, up to TIMETABLE_DAYS ahead.
WEEK_DAYS = 7


def day_strip(today: datetime.date) -> list[datetime.date]:
    """The booking days, today first (as many as classes open ahead, ``CLUB_CLASS_BOOKING_DAYS_AHEAD``): the chips
    a member taps to see one day's classes."""
    return [today + datetime.timedelta(days=offset) for offset in range(class_booking_days_ahead())]


def week_start(day: datetime.date | None) -> datetime.date:
    """The first day the week view shows: the one asked for, held between today and the timetable's end."""
    today = club_today()
    last = today + datetime.timedelta(days=TIMETABLE_DAYS - WEEK_DAYS)
    return min(max(day or today, today), last)


def week_classes(*, member: Member, first_day: datetime.date) -> list[tuple[datetime.date, list[GroupClass]]]:
    """The classes of WEEK_DAYS days from ``first_day`` (from now on), day by day (empty days too), each with the
    member's live registration as ``my_registration``; three queries however many classes."""
    start, end = day_bounds(first_day, first_day + datetime.timedelta(days=WEEK_DAYS - 1))
    classes = list(class_timetable(start=max(timezone.now(), start), end=end))
    mine = member_class_registrations(member=member, class_ids=[group_class.pk for group_class in classes])
    by_day: dict[datetime.date, list[GroupClass]] = {
        first_day + datetime.timedelta(days=offset): [] for offset in range(WEEK_DAYS)
    }
    for group_class in classes:
        group_class.my_registration = mine.get(group_class.pk)  # type: ignore[attr-defined]
        by_day.setdefault(group_class.local_date, []).append(group_class)  # type: ignore[attr-defined]
    return list(by_day.items())


#: Free PT times start every half hour; they can be browsed up to a year ahead.
SLOT_STEP = datetime.timedelta(minutes=30)
SLOT_DAYS_AHEAD = 365


def slot_search_day(day: datetime.date | None) -> datetime.date:
    """The day whose free PT times are shown: the one asked for, held between today and a year ahead."""
    today = club_today()
    return min(max(day or today, today), today + datetime.timedelta(days=SLOT_DAYS_AHEAD))


#: How many days with availability the free-times page looks through for the first free slot (two queries a day).
FREE_DAY_SEARCH_DAYS = 14


def first_free_slot_day(*, trainer: Trainer, duration: datetime.timedelta) -> datetime.date:
    """The first day, from today, on which the trainer has a free slot of ``duration`` (``trainer_free_slots``
    decides), among their next FREE_DAY_SEARCH_DAYS days with availability; today when none has one.

    One query for the days with availability, then two for each of those days looked at, the first one with a
    free slot ending the search: at most 1 + 2 * FREE_DAY_SEARCH_DAYS queries.
    """
    today = club_today()
    windows = (
        TrainerAvailability.objects.filter(
            trainer=trainer,
            end_time__gt=timezone.now(),
            start_time__lt=day_bounds(today + datetime.timedelta(days=SLOT_DAYS_AHEAD))[1],
        )
        .order_by("start_time")
        .values_list("start_time", "end_time")
    )
    days: list[datetime.date] = []
    # Enough windows for the days searched even at several windows a day; a window may span midnight.
    for start, end in windows[: FREE_DAY_SEARCH_DAYS * 8]:
        for day in (club_time(start).date(), club_time(end).date()):
            if day >= today and day not in days:
                days.append(day)
    for day in sorted(days)[:FREE_DAY_SEARCH_DAYS]:
        if trainer_free_slots(trainer=trainer, day=day, duration=duration, step=SLOT_STEP):
            return day
    return today


def usual_pt_room(*, trainer: Trainer, member: Member, rooms: QuerySet[Room]) -> Room | None:
    """Where a session with this trainer is booked by default, among ``rooms`` (those free at the time): the room
    of the member's latest session with the trainer, else of the trainer's latest session, else the first free
    room by name. Online (None) only when no room is free; one query."""

    def latest_session(**only: Any) -> Subquery:
        sessions = PersonalTrainingSession.objects.filter(
            booking__room=OuterRef("pk"), booking__trainer=trainer, **only
        ).exclude(booking__status=Booking.Status.CANCELLED)
        return Subquery(sessions.order_by("-booking__start_time").values("booking__start_time")[:1])

    return (
        rooms.annotate(theirs=latest_session(member=member), anyones=latest_session())
        .order_by(F("theirs").desc(nulls_last=True), F("anyones").desc(nulls_last=True), "name")
        .first()
    )


def bookable_trainers(*, member: Member) -> QuerySet[Trainer]:
    """The trainers a member can book: active ones other than themselves (a trainer may be a member too), by
    name; the list of the personal training page."""
    return (
        Trainer.objects.filter(is_active=True)
        .exclude(user_id=member.user_id)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "id")
    )


# -- the dashboard ------------------------------------------------------------------------------

DASHBOARD_DAYS = 14


@dataclass(frozen=True)
class MemberDashboard:
    metrics: LatestMetrics
    goals: list[GoalProgress]
    classes_attended: int
    upcoming_classes: list[ClassRegistration]
    upcoming_sessions: list[PersonalTrainingSession]
    outstanding_balance: Decimal
    #: Class credits the member can still use (packs not expired).
    credits_left: int
    days: int = DASHBOARD_DAYS


def member_dashboard(*, member: Member) -> MemberDashboard:
    """Everything the member's home page shows, in six queries whatever the amount of history."""
    until = timezone.now() + datetime.timedelta(days=DASHBOARD_DAYS)
    attended = (
        ClassRegistration.objects.filter(member=OuterRef("pk"), status=ClassRegistration.Status.ATTENDED)
        .order_by()
        .values("member")
        .annotate(count=Count("pk"))
        .values("count")
    )
    # Two counts of two tables in one query: the classes attended and the credits left.
    counts = (
        Member.objects.filter(pk=member.pk)
        .annotate(attended=Coalesce(Subquery(attended), 0), credits=credits_left_of(OuterRef("pk"), day=club_today()))
        .values("attended", "credits")
        .get()
    )
    return MemberDashboard(
        metrics=latest_metrics(member=member),
        goals=goal_progress_list(
            FitnessGoal.objects.filter(member=member, is_active=True).order_by("-created_at", "-id")
        ),
        classes_attended=counts["attended"],
        upcoming_classes=list(member_upcoming_registrations(member=member, until=until)),
        upcoming_sessions=list(member_upcoming_sessions(member=member, until=until)),
        outstanding_balance=member_outstanding_balance(member=member),
        credits_left=counts["credits"],
    )


# -- the membership page ------------------------------------------------------------------------


@dataclass(frozen=True)
class MembershipPage:
    """The member's membership today, what it costs this month and next, and its freezes."""

    today: datetime.date
    state: MembershipState
    #: The membership that bills next month (the current one, or the plan arranged to follow it); None when it ends.
    next_month_membership: Membership | None
    this_month: PlanMonthCharge | None
    next_month: PlanMonthCharge | None
    minimum_term_end: datetime.date | None
    #: The freezes of the current membership and of the one arranged to follow it, first first.
    freezes: list[MembershipFreeze]
    frozen_days_this_year: int
    freeze_days_per_year: int
    #: The plans a member may join or change to.
    plans: list[MembershipPlan]

    @property
    def membership(self) -> Membership | None:
        return self.state.membership if self.state.status in ("active", "frozen") else None

    @property
    def can_join(self) -> bool:
        return self.membership is None and self.state.next_membership is None

    @property
    def past_freezes(self) -> list[MembershipFreeze]:
        return [freeze for freeze in self.freezes if freeze.ends_on < self.today]

    @property
    def current_freezes(self) -> list[MembershipFreeze]:
        return [freeze for freeze in self.freezes if freeze.starts_on <= self.today <= freeze.ends_on]

    @property
    def upcoming_freezes(self) -> list[MembershipFreeze]:
        return [freeze for freeze in self.freezes if freeze.starts_on > self.today]


def _bills_next_month(state: MembershipState, first: datetime.date) -> Membership | None:
    following = state.next_membership
    if following is not None and following.started_on <= first:
        return following
    current = state.membership if state.status in ("active", "frozen") else None
    if current is not None and (current.ended_on is None or current.ended_on >= first):
        return current
    return None


def membership_page(*, member: Member, today: datetime.date) -> MembershipPage:
    """Everything the membership page shows, in five queries at most however many freezes there are."""
    state = membership_state(member=member, day=today)
    current = state.membership if state.status in ("active", "frozen") else None
    first = next_month_start(today)
    following = _bills_next_month(state, first)
    ids = [membership.pk for membership in (current, state.next_membership) if membership is not None]
    freezes = list(MembershipFreeze.objects.filter(membership__in=ids).order_by("starts_on")) if ids else []
    return MembershipPage(
        today=today,
        state=state,
        next_month_membership=following,
        this_month=plan_month_charge(membership=current, month=today, freezes=freezes) if current else None,
        next_month=plan_month_charge(membership=following, month=first, freezes=freezes) if following else None,
        minimum_term_end=minimum_term_end(current) if current else None,
        freezes=freezes,
        frozen_days_this_year=frozen_days_this_year(member=member, year=today.year),
        freeze_days_per_year=freeze_limits()[2],
        plans=list(MembershipPlan.objects.filter(is_active=True).order_by("monthly_fee", "name")),
    )


# -- class packs --------------------------------------------------------------------------------


def packs_on_sale() -> QuerySet[ClassPack]:
    """The class packs the club offers, fewest credits first; one query."""
    return ClassPack.objects.filter(is_active=True).order_by("credits", "name")


@dataclass(frozen=True)
class BoughtPack:
    credit_pack: CreditPack
    expired: bool


@dataclass(frozen=True)
class PacksPage:
    on_sale: list[ClassPack]
    #: Every pack the member bought, newest first, and whether it expired.
    bought: list[BoughtPack]
    credits_left: int


def packs_page(*, member: Member, today: datetime.date) -> PacksPage:
    """The packs on sale, the member's packs with what is left and whether each expired, and the credits they can
    use; three queries however many packs they bought."""
    return PacksPage(
        on_sale=list(packs_on_sale()),
        bought=[BoughtPack(pack, pack.expires_on < today) for pack in member_credit_packs(member=member)],
        credits_left=credits_left(member=member, day=today),
    )
