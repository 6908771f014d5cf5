"""Reads of the member portal that reach beyond members' own tables: classes, sessions and the dashboard."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, QuerySet, Subquery
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
from clubsite.core.clock import club_today
from members.models import FitnessGoal, Member
from members.portal.plans import next_month_start
from members.selectors import GoalProgress, LatestMetrics, goal_progress_list, latest_metrics
from operations.models import Booking, ClassRegistration, GroupClass, PersonalTrainingSession
from operations.selectors import live_registrations, waitlist_place, with_seat_counts
from trainers.models import Trainer

# -- classes and sessions -----------------------------------------------------------------------


def with_waitlist_position(registrations: QuerySet[ClassRegistration]) -> QuerySet[ClassRegistration]:
    """Annotate ``waitlist_position`` (1 = next to get a seat; None unless waitlisted) in the same query."""
    return registrations.annotate(waitlist_position=waitlist_place())


def class_with_seats(*, class_id: int) -> GroupClass | None:
    """One class (whatever its date or status) with ``seats_left`` and ``waitlist_count``; one query."""
    one_class = GroupClass.objects.filter(pk=class_id).select_related("booking__room", "booking__trainer__user")
    return with_seat_counts(one_class).first()


def member_class_registrations(*, member: Member, class_ids: list[int]) -> dict[int, ClassRegistration]:
    """The member's live registration for each of these classes (by class id), with waitlist position; one query."""
    if not class_ids:
        return {}
    registrations = with_waitlist_position(
        ClassRegistration.objects.filter(live_registrations(), member=member, group_class_id__in=class_ids)
    )
    return {registration.group_class_id: registration for registration in registrations}


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
#: Free PT times start every half hour; they can be browsed up to a year ahead.
SLOT_STEP = datetime.timedelta(minutes=30)
SLOT_DAYS_AHEAD = 365


def slot_search_day(day: datetime.date | None) -> datetime.date:
    """The day whose free PT times are shown: the one asked for, held between today and a year ahead."""
    today = club_today()
    return min(max(day or today, today), today + datetime.timedelta(days=SLOT_DAYS_AHEAD))


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
