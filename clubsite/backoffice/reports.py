"""What the staff dashboards read: the day at the desk, the books, the repairs and the club's trends.

A door's reads (``docs/architecture.md``: a read that joins several apps' tables belongs to the door that shows
it): each function reads any app's models, reuses the apps' selectors where one exists, and costs a fixed number
of queries whatever the data (pinned by ``clubsite/backoffice/tests/test_reports.py``). Each query reads along an
index what it shows (a day's classes, a month's payments, the open repairs), never every row of the club.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek
from django.utils import timezone

from billing.models import ZERO, BillingRun, Invoice, InvoiceLine, Membership, Payment
from billing.selectors import (
    MONEY,
    InvoiceWithTotals,
    billing_runs,
    invoices_with_totals,
    overdue_invoice_count,
    overdue_invoices,
)
from billing.tasks import previous_month
from clubsite.core.clock import add_months, club_zone, day_bounds, day_start, month_end, month_start
from clubsite.frontdesk.models import Visit
from members.models import Member
from operations.models import Booking, ClassRegistration, GroupClass, MaintenanceRecord
from operations.selectors import class_timetable, open_maintenance

#: How many rows a dashboard list shows (the full list is a link away).
SHOWN = 10
#: How far ahead the waitlists look.
WAITLIST_DAYS = 7
#: How many months the joins and leavers cover, this one included.
TREND_MONTHS = 6
#: How many weeks attendance and fill cover, this one included.
TREND_WEEKS = 8
#: A payment whose invoice bills no plan month is counted under this name.
NO_PLAN = "No plan (classes, packs, fees)"


def _count_of(registrations: QuerySet[ClassRegistration]) -> Coalesce:
    """How many of ``registrations`` (filtered on the outer class) there are; a correlated subquery, run only for
    the classes read."""
    return Coalesce(
        Subquery(
            registrations.order_by().values("group_class").annotate(total=Count("pk")).values("total"),
            output_field=IntegerField(),
        ),
        0,
    )


def _fill(classes: list[GroupClass]) -> list[GroupClass]:
    for group_class in classes:
        group_class.fill_percent = (  # type: ignore[attr-defined]
            round(100 * group_class.seated_count / group_class.capacity)  # type: ignore[attr-defined]
            if group_class.capacity
            else 0
        )
    return classes


# -- the front desk -----------------------------------------------------------------------------------------------


def todays_classes(*, today: datetime.date) -> list[GroupClass]:
    """Today's classes in time order with ``seated_count``, ``waitlist_count``, ``checked_in_count`` (marked
    attended) and ``fill_percent``; two queries."""
    start, end = day_bounds(today)
    attended = ClassRegistration.objects.filter(group_class=OuterRef("pk"), status=ClassRegistration.Status.ATTENDED)
    return _fill(list(class_timetable(start=start, end=end).annotate(checked_in_count=_count_of(attended))))


def upcoming_waitlists(*, now: datetime.datetime) -> list[GroupClass]:
    """The next ``SHOWN`` classes of the coming ``WAITLIST_DAYS`` days with someone waiting, soonest first, with
    their seat counts; two queries."""
    classes = class_timetable(start=now, end=now + datetime.timedelta(days=WAITLIST_DAYS))
    return _fill(list(classes.filter(waitlist_count__gt=0)[:SHOWN]))  # type: ignore[misc]  # with_seat_counts' annotation


def visitors_owing(*, today: datetime.date) -> list[Member]:
    """Today's visitors who owe money on issued invoices, latest arrival first, each with ``owed`` and
    ``arrived_at``; one query (the first ``SHOWN``)."""
    start, end = day_bounds(today)
    visits = Visit.objects.filter(member=OuterRef("pk"), checked_in_at__gte=start, checked_in_at__lt=end)
    issued = invoices_with_totals(Invoice.objects.filter(member=OuterRef("pk"), status=Invoice.Status.ISSUED))
    owed = issued.order_by().values("member").annotate(owed=Sum("balance_amount")).values("owed")
    return list(
        Member.objects.filter(Exists(visits))
        .annotate(
            owed=Subquery(owed, output_field=MONEY),
            arrived_at=Subquery(visits.order_by("-checked_in_at").values("checked_in_at")[:1]),
        )
        .filter(owed__gt=ZERO)
        .select_related("user")
        .order_by("-arrived_at", "-pk")[:SHOWN]
    )


# -- billing ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overdue:
    """The oldest overdue invoices (with their balances) and how many there are."""

    invoices: list[InvoiceWithTotals]
    count: int


def overdue(*, today: datetime.date) -> Overdue:
    """Two queries: the oldest ``SHOWN``, read in (due_date, id) order along the index of issued invoices until
    that many owe money, and their number from the index alone (no sums: an issued invoice owes money)."""
    return Overdue(invoices=list(overdue_invoices(today=today)[:SHOWN]), count=overdue_invoice_count(today=today))


@dataclass(frozen=True)
class MonthsRun:
    """This month's billing run: the month just over it bills, and its latest run (None before it ran)."""

    period_start: datetime.date
    period_end: datetime.date
    run: BillingRun | None


def this_months_run(*, today: datetime.date) -> MonthsRun:
    """The run that bills last month (on the 1st, or again by staff since); one query."""
    start, end = previous_month(today)
    return MonthsRun(
        period_start=start, period_end=end, run=billing_runs().filter(period_start=start, period_end=end).first()
    )


def _signed_amount() -> Case:
    return Case(When(kind=Payment.Kind.REFUND, then=-F("amount")), default=F("amount"), output_field=MONEY)


def revenue_by_plan(*, first: datetime.date, last: datetime.date) -> list[tuple[str, Decimal]]:
    """Money received from ``first`` to ``last`` (club time), net of refunds, by the plan its invoice bills a month
    of (``NO_PLAN`` when it bills none), most first; one query, over the same stretch of the received_at index
    as ``billing.selectors.revenue_by_day``, so the plans add up to the days."""
    start, end = day_bounds(first, last)
    plan = InvoiceLine.objects.filter(
        invoice=OuterRef("invoice"), kind=InvoiceLine.Kind.PLAN_MONTH, voided=False
    ).order_by("id")
    rows = (
        Payment.objects.filter(received_at__gte=start, received_at__lt=end)
        .annotate(plan=Coalesce(Subquery(plan.values("membership__plan__name")[:1]), Value(NO_PLAN)))
        .order_by()
        .values("plan")
        .annotate(net=Sum(_signed_amount()))
        .values_list("plan", "net")
    )
    return sorted(rows, key=lambda row: (-row[1], row[0]))


# -- maintenance --------------------------------------------------------------------------------------------------

#: The ages an open issue is counted in: (name, at least this old, younger than this); None is open-ended.
AGES: tuple[tuple[str, datetime.timedelta, datetime.timedelta | None], ...] = (
    ("under a day", datetime.timedelta(0), datetime.timedelta(days=1)),
    ("1–7 days", datetime.timedelta(days=1), datetime.timedelta(days=7)),
    ("1–4 weeks", datetime.timedelta(days=7), datetime.timedelta(days=28)),
    ("over 4 weeks", datetime.timedelta(days=28), None),
)


@dataclass(frozen=True)
class RoomIssues:
    """One room's open issues (open or in progress), counted by how long ago they were reported."""

    room_id: int
    name: str
    open_issues: int
    by_age: tuple[int, ...]


@dataclass(frozen=True)
class Repairs:
    """The oldest open issues, how many there are, and every room with open issues by age."""

    oldest: list[MaintenanceRecord]
    count: int
    rooms: list[RoomIssues]


def repairs(*, now: datetime.datetime) -> Repairs:
    """Three queries over the open records only (the (equipment, status) index): the oldest ``SHOWN`` with their
    equipment and room, their number, and their counts by room and age."""
    records = open_maintenance()
    ages = {
        f"age_{index}": Count(
            "pk",
            filter=Q(reported_at__lte=now - at_least)
            & (Q(reported_at__gt=now - younger_than) if younger_than is not None else Q()),
        )
        for index, (_name, at_least, younger_than) in enumerate(AGES)
    }
    rows = (
        records.order_by()
        .values("equipment__room_id", "equipment__room__name")
        .annotate(open_issues=Count("pk"), **ages)
        .order_by("equipment__room__name")
    )
    return Repairs(
        oldest=list(records[:SHOWN]),
        count=records.count(),
        rooms=[
            RoomIssues(
                room_id=row["equipment__room_id"],
                name=row["equipment__room__name"],
                open_issues=row["open_issues"],
                by_age=tuple(row[f"age_{index}"] for index in range(len(AGES))),
            )
            for row in rows
        ],
    )


# -- the manager's trends -----------------------------------------------------------------------------------------


def active_members(*, today: datetime.date) -> int:
    """How many members have a membership today (frozen ones too); one query. Memberships of a member never share
    a day (``billing_membership_no_overlap``), so each is one member."""
    return (
        Membership.objects.filter(started_on__lte=today).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    ).count()


@dataclass(frozen=True)
class MonthTrend:
    """A month of members: who joined (their first membership began) and who left (their last one ended)."""

    month: datetime.date
    joined: int
    left: int


def joins_and_leavers(*, today: datetime.date) -> list[MonthTrend]:
    """The last ``TREND_MONTHS`` months, this one included; two queries.

    A plan change ends one membership on a month's last day and starts the next on the 1st: neither a join nor
    a leaver. A notice that ends this month counts this month.
    """
    first = add_months(month_start(today), -(TREND_MONTHS - 1))
    last = month_end(today)
    earlier = Membership.objects.filter(member=OuterRef("member"), started_on__lt=OuterRef("started_on"))
    later = Membership.objects.filter(member=OuterRef("member"), started_on__gt=OuterRef("ended_on"))
    joined = dict(
        Membership.objects.filter(started_on__gte=first, started_on__lte=today)
        .filter(~Exists(earlier))
        .annotate(month=TruncMonth("started_on"))
        .order_by()
        .values("month")
        .annotate(count=Count("pk"))
        .values_list("month", "count")
    )
    left = dict(
        Membership.objects.filter(ended_on__gte=first, ended_on__lte=last)
        .filter(~Exists(later))
        .annotate(month=TruncMonth("ended_on"))
        .order_by()
        .values("month")
        .annotate(count=Count("pk"))
        .values_list("month", "count")
    )
    months = [add_months(first, offset) for offset in range(TREND_MONTHS)]
    return [MonthTrend(month=month, joined=joined.get(month, 0), left=left.get(month, 0)) for month in months]


@dataclass(frozen=True)
class WeekTrend:
    """A week of classes gone by: places taken of the seats offered, and who came of those marked."""

    week: datetime.date
    classes: int
    capacity: int
    taken: int
    attended: int
    no_show: int

    @property
    def fill_percent(self) -> int | None:
        """Places taken of the seats the week's classes offered; None for a week without classes."""
        return round(100 * self.taken / self.capacity) if self.capacity else None

    @property
    def attendance_percent(self) -> int | None:
        """Of the places marked at roll call, those who came; None before any was marked."""
        marked = self.attended + self.no_show
        return round(100 * self.attended / marked) if marked else None


def weekly_classes(*, now: datetime.datetime) -> list[WeekTrend]:
    """The last ``TREND_WEEKS`` weeks (Monday to Sunday, this one so far), counting classes that have started and
    were not cancelled; two queries over that stretch of the class bookings' start index."""
    today = timezone.localdate(now, club_zone())
    first = today - datetime.timedelta(days=today.weekday() + 7 * (TREND_WEEKS - 1))
    held = Q(booking__kind=Booking.Kind.GROUP_CLASS, booking__start_time__gte=day_start(first))
    held &= Q(booking__start_time__lt=now) & ~Q(booking__status=Booking.Status.CANCELLED)
    week = TruncWeek("booking__start_time", tzinfo=club_zone())
    offered = {
        row["week"].date(): row
        for row in GroupClass.objects.filter(held)
        .annotate(week=week)
        .order_by()
        .values("week")
        .annotate(classes=Count("pk"), capacity=Sum("capacity"))
    }
    status = ClassRegistration.Status
    marked = {
        row["week"].date(): row
        for row in ClassRegistration.objects.filter(
            group_class__in=GroupClass.objects.filter(held).values("pk"), status__in=ClassRegistration.TAKEN
        )
        .annotate(week=TruncWeek("group_class__booking__start_time", tzinfo=club_zone()))
        .order_by()
        .values("week")
        .annotate(
            taken=Count("pk"),
            attended=Count("pk", filter=Q(status=status.ATTENDED)),
            no_show=Count("pk", filter=Q(status=status.NO_SHOW)),
        )
    }
    weeks = [first + datetime.timedelta(days=7 * offset) for offset in range(TREND_WEEKS)]
    return [
        WeekTrend(
            week=week_start,
            classes=offered.get(week_start, {}).get("classes", 0),
            capacity=offered.get(week_start, {}).get("capacity") or 0,
            taken=marked.get(week_start, {}).get("taken", 0),
            attended=marked.get(week_start, {}).get("attended", 0),
            no_show=marked.get(week_start, {}).get("no_show", 0),
        )
        for week_start in weeks
    ]
