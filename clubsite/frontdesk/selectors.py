"""The front desk's reads: finding a member at the door, the desk card, arrivals and visits, the staff member page.

Each read costs a fixed number of queries however many visits, bookings or invoices there are (pinned by
``clubsite/frontdesk/tests/test_query_budgets.py``). They join billing's and operations' tables, which is why
they live here, above both.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour
from django.utils import timezone

from billing.models import CreditPack, Invoice, MembershipFreeze
from billing.selectors import (
    InvoiceWithTotals,
    MembershipState,
    credits_left,
    invoices_with_totals,
    member_credit_packs,
    member_outstanding_balance,
    membership_freezes,
    membership_state,
)
from clubsite.core.clock import club_zone, day_bounds
from members.models import Member
from members.selectors import member_search
from operations.models import Booking, ClassRegistration, PersonalTrainingSession

from .models import StaffNote, Visit

#: How many members the desk's box suggests for a name.
MATCHES = 10
#: The shortest name the box looks up (one letter matches most of the club).
NAME_MIN_LENGTH = 2
#: How much of each history the staff member page shows (the full lists are a link away).
RECENT = 10
#: The hours the visits chart always shows, whatever the day held (the club's usual opening hours).
CHART_HOURS = (6, 22)


# -- finding a member ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A member the desk's box named exactly, and how: by card code or member number."""

    member: Member
    method: str


def find_exact(term: str) -> Found | None:
    """The member whose card code is ``term`` exactly, else whose member number it is (leading zeros or
    not); None when neither. One query (two when a number-like term is not a card code)."""
    term = (term or "").strip()
    if not term:
        return None
    members = Member.objects.select_related("user").order_by()
    by_card = members.filter(card_code=term).first()
    if by_card is not None:
        return Found(member=by_card, method=Visit.Method.CARD)
    if term.isdigit() and len(term) <= 12:
        by_number = members.filter(pk=int(term)).first()
        if by_number is not None:
            return Found(member=by_number, method=Visit.Method.NUMBER)
    return None


def find_members(term: str, *, limit: int = MATCHES) -> list[Member]:
    """What the desk's box finds for ``term``: the member it names exactly (card code or number), else up to
    ``limit`` members whose names hold every word (the trigram-indexed name search). At most three queries."""
    found = find_exact(term)
    if found is not None:
        return [found.member]
    term = (term or "").strip()
    if len(term) < NAME_MIN_LENGTH:
        return []
    # The name search's goals and latest metrics are not what the desk shows: not loaded.
    return list(member_search(term=term).prefetch_related(None)[:limit])


# -- the desk card ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskCard:
    """Everything the desk reads at a glance when a member comes in."""

    member: Member
    today: datetime.date
    membership: MembershipState
    balance: Decimal
    credits: int
    classes: list[ClassRegistration]
    sessions: list[PersonalTrainingSession]
    visit: Visit | None = None
    marked_ids: frozenset[int] = frozenset()

    @property
    def owes(self) -> bool:
        return self.balance > 0


def _todays_classes(member: Member, start: datetime.datetime, end: datetime.datetime) -> QuerySet[ClassRegistration]:
    return (
        ClassRegistration.objects.filter(
            member=member, group_class__booking__start_time__gte=start, group_class__booking__start_time__lt=end
        )
        .exclude(status=ClassRegistration.Status.CANCELLED)
        .exclude(group_class__booking__status=Booking.Status.CANCELLED)
        .select_related("group_class__booking__room", "group_class__booking__trainer__user")
        .order_by("group_class__booking__start_time", "id")
    )


def _todays_sessions(
    member: Member, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[PersonalTrainingSession]:
    return (
        PersonalTrainingSession.objects.filter(
            member=member, booking__start_time__gte=start, booking__start_time__lt=end
        )
        .exclude(booking__status=Booking.Status.CANCELLED)
        .select_related("booking__room", "booking__trainer__user")
        .order_by("booking__start_time", "id")
    )


def desk_card(
    *, member: Member, today: datetime.date, visit: Visit | None = None, marked: tuple[ClassRegistration, ...] = ()
) -> DeskCard:
    """The member's membership today, what they owe, their class credits and today's classes and PT sessions
    (with ``visit``, the check-in just made, and ``marked``, the places it marked present); six queries."""
    start, end = day_bounds(today)
    return DeskCard(
        member=member,
        today=today,
        membership=membership_state(member=member, day=today),
        balance=member_outstanding_balance(member=member),
        credits=credits_left(member=member, day=today),
        classes=list(_todays_classes(member, start, end)),
        sessions=list(_todays_sessions(member, start, end)),
        visit=visit,
        marked_ids=frozenset(registration.pk for registration in marked),
    )


# -- visits -------------------------------------------------------------------------------------------------


def todays_arrivals(*, day: datetime.date) -> QuerySet[Visit]:
    """The day's visits, latest first, each with its member (page it: ``clubsite.pagination.paginate``)."""
    start, end = day_bounds(day)
    return (
        Visit.objects.filter(checked_in_at__gte=start, checked_in_at__lt=end)
        .select_related("member__user", "checked_in_by")
        .order_by("-checked_in_at", "-id")
    )


def member_visits(*, member: Member) -> QuerySet[Visit]:
    """The member's visits, latest first (page it), read along the (member, checked_in_at) index."""
    return Visit.objects.filter(member=member).select_related("checked_in_by").order_by("-checked_in_at", "-id")


def visits_per_hour(*, day: datetime.date) -> list[tuple[datetime.datetime, int]]:
    """How many members came in each hour of ``day`` on the club's clock, over the club's usual hours (and any
    other hour someone came); one query."""
    start, end = day_bounds(day)
    counts = dict(
        Visit.objects.filter(checked_in_at__gte=start, checked_in_at__lt=end)
        .annotate(hour=ExtractHour("checked_in_at", tzinfo=club_zone()))
        .values("hour")
        .annotate(visits=Count("id"))
        .values_list("hour", "visits")
        .order_by()
    )
    first = min([CHART_HOURS[0], *counts])
    last = max([CHART_HOURS[1] - 1, *counts])
    return [
        (datetime.datetime.combine(day, datetime.time(hour)), counts.get(hour, 0)) for hour in range(first, last + 1)
    ]


# -- the staff member page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendance:
    attended: int
    no_show: int

    @property
    def rate(self) -> int | None:
        """Percent of the seated classes gone by that the member came to; None before any."""
        counted = self.attended + self.no_show
        return round(100 * self.attended / counted) if counted else None


@dataclass(frozen=True)
class MemberOverview:
    """The staff member page: one member's profile, membership, money, bookings, visits and notes."""

    member: Member
    today: datetime.date
    membership: MembershipState
    freezes: list[MembershipFreeze]
    balance: Decimal
    invoices: list[InvoiceWithTotals]
    credit_packs: list[CreditPack]
    credits: int
    upcoming_classes: list[ClassRegistration]
    past_classes: list[ClassRegistration]
    upcoming_sessions: list[PersonalTrainingSession]
    past_sessions: list[PersonalTrainingSession]
    attendance: Attendance
    visits: list[Visit]
    visits_this_month: int
    notes: list[StaffNote] = field(default_factory=list)


def member_overview(*, member: Member, today: datetime.date) -> MemberOverview:
    """Everything the staff member page shows, in fifteen queries whatever the
    member's history: the latest ``RECENT`` of each list, counts for the rest."""
    now = timezone.now()
    state = membership_state(member=member, day=today)
    freezes = list(membership_freezes(membership=state.membership)) if state.membership is not None else []
    registrations = ClassRegistration.objects.filter(member=member).select_related(
        "group_class__booking__room", "group_class__booking__trainer__user"
    )
    sessions = PersonalTrainingSession.objects.filter(member=member).select_related(
        "booking__room", "booking__trainer__user"
    )
    attendance = ClassRegistration.objects.filter(member=member).aggregate(
        attended=Count("id", filter=Q(status=ClassRegistration.Status.ATTENDED)),
        no_show=Count("id", filter=Q(status=ClassRegistration.Status.NO_SHOW)),
    )
    month_start, _ = day_bounds(today.replace(day=1))
    return MemberOverview(
        member=member,
        today=today,
        membership=state,
        freezes=freezes,
        balance=member_outstanding_balance(member=member),
        invoices=list(
            invoices_with_totals(Invoice.objects.filter(member=member)).order_by("-period_start", "-id")[:RECENT]
        ),
        credit_packs=list(member_credit_packs(member=member)[:RECENT]),
        credits=credits_left(member=member, day=today),
        upcoming_classes=list(
            registrations.filter(
                status__in=ClassRegistration.LIVE,
                group_class__booking__status=Booking.Status.SCHEDULED,
                group_class__booking__start_time__gt=now,
            ).order_by("group_class__booking__start_time", "id")[:RECENT]
        ),
        past_classes=list(
            registrations.filter(status__in=ClassRegistration.TAKEN, group_class__booking__start_time__lte=now)
            .exclude(group_class__booking__status=Booking.Status.CANCELLED)
            .order_by("-group_class__booking__start_time", "-id")[:RECENT]
        ),
        upcoming_sessions=list(
            sessions.filter(booking__status=Booking.Status.SCHEDULED, booking__start_time__gt=now).order_by(
                "booking__start_time", "id"
            )[:RECENT]
        ),
        past_sessions=list(
            sessions.filter(booking__start_time__lte=now)
            .exclude(booking__status=Booking.Status.CANCELLED)
            .order_by("-booking__start_time", "-id")[:RECENT]
        ),
        attendance=Attendance(attended=attendance["attended"], no_show=attendance["no_show"]),
        visits=list(member_visits(member=member)[:RECENT]),
        visits_this_month=Visit.objects.filter(member=member, checked_in_at__gte=month_start).count(),
        notes=list(
            StaffNote.objects.filter(member=member)
            .select_related("author")
            .order_by("-created_at", "-id")[: RECENT * 2]
        ),
    )
