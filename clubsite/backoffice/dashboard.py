"""The dashboard on the admin index: one per staff role, each section the work of that role.

The front desk sees today's classes with their bookings and check-ins, the waitlists coming up and what today's
visitors owe; billing the overdue invoices, this month's billing run and the month's revenue by day and by plan;
maintenance the open issues by room and age; the manager (and a superuser) all of those, with members joining
and leaving, attendance and class fill as charts. A section is shown only to whom may open the pages it links
to (its permissions); a staff member without a role sees every section their permissions allow.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from billing.models import VIEW_RUNS, ZERO
from billing.selectors import revenue_by_day
from clubsite.charts import bar_chart, grouped_bar_chart, named_bar_chart, series_line_chart
from clubsite.frontdesk.models import VIEW_VISITS
from clubsite.frontdesk.selectors import visits_per_hour
from clubsite.privacy.selectors import inactive_members, pending_erasure_requests
from members.models import Member
from members.templatetags.member_tags import money
from operations.models import AdminStaff, GroupClass

from . import reports
from .reports import SHOWN  # noqa: F401 - how long the lists are, as the dashboard tests read it

Role = AdminStaff.Role

#: Each section and the permissions whoever sees it must hold: those of the pages it links to.
SECTIONS: dict[str, tuple[str, ...]] = {
    "visits": (VIEW_VISITS,),
    "classes": ("operations.view_groupclass",),
    "waitlists": ("operations.view_groupclass",),
    "visitors_owing": (VIEW_VISITS, "billing.view_invoice"),
    "maintenance": ("operations.view_maintenancerecord",),
    "overdue": ("billing.view_invoice",),
    "billing_run": (VIEW_RUNS,),
    "revenue": ("billing.change_invoice", "billing.view_payment"),
    "members": ("billing.view_membership",),
    "classes_trend": ("operations.view_groupclass",),
    # GDPR: accounts nobody uses (the members list's filter) and erasure requests waiting for a manager.
    "privacy": ("members.view_member",),
}

FRONT_DESK = ("visits", "classes", "waitlists", "visitors_owing")
BILLING = ("overdue", "billing_run", "revenue")
MAINTENANCE = ("maintenance",)
#: The sections of each role's dashboard, in the order shown.
ROLE_SECTIONS: dict[str, tuple[str, ...]] = {
    Role.FRONT_DESK: FRONT_DESK,
    Role.BILLING: BILLING,
    Role.MAINTENANCE: MAINTENANCE,
    Role.MANAGER: ("members", "privacy", "classes_trend", *BILLING, *FRONT_DESK, *MAINTENANCE),
}
#: The heading of each role's dashboard.
ROLE_TITLES: dict[str, str] = {
    Role.FRONT_DESK: "The front desk today",
    Role.BILLING: "Billing",
    Role.MAINTENANCE: "Repairs",
    Role.MANAGER: "The club at a glance",
}


def dashboard_sections(user) -> tuple[str | None, tuple[str, ...]]:
    """The user's role (a superuser is a manager) and the sections of its dashboard they may see; one query
    (their role), none for a superuser."""
    if user.is_superuser:
        role: str | None = Role.MANAGER
    else:
        role = AdminStaff.objects.filter(user=user).values_list("role", flat=True).first()
    wanted = ROLE_SECTIONS.get(role, tuple(SECTIONS)) if role else tuple(SECTIONS)
    return role, tuple(section for section in wanted if user.has_perms(SECTIONS[section]))


@dataclass
class StaffDashboard:
    """What one staff member sees; a section they do not see stays None."""

    today: datetime.date
    role: str | None = None
    title: str = "Today at the club"
    sections: tuple[str, ...] = ()
    # The front desk
    visits_today: int | None = None
    visits_chart: str = ""
    classes: list[GroupClass] | None = None
    waitlists: list[GroupClass] | None = None
    visitors_owing: list[Member] | None = None
    # Maintenance
    maintenance: list | None = None
    maintenance_count: int = 0
    rooms_with_issues: list[reports.RoomIssues] = field(default_factory=list)
    ages: tuple[str, ...] = tuple(name for name, _at_least, _younger in reports.AGES)
    # Billing
    overdue: list | None = None
    overdue_count: int = 0
    billing_run: reports.MonthsRun | None = None
    month_start: datetime.date | None = None
    revenue_month: Decimal | None = None
    revenue_days: list[tuple[datetime.date, Decimal]] = field(default_factory=list)
    revenue_chart: str = ""
    revenue_plans: list[tuple[str, Decimal]] = field(default_factory=list)
    plans_chart: str = ""
    # The manager's trends
    active_members: int | None = None
    months: list[reports.MonthTrend] = field(default_factory=list)
    members_chart: str = ""
    weeks: list[reports.WeekTrend] | None = None
    classes_chart: str = ""
    # Privacy: members inactive for CLUB_INACTIVE_ACCOUNT_YEARS; erasure requests pending
    inactive_members: int | None = None
    inactive_years: int = 0
    erasures_pending: int = 0


def staff_dashboard(*, user, today: datetime.date, now: datetime.datetime | None = None) -> StaffDashboard:
    """The dashboard of ``user``'s role, each section in a fixed number of queries whatever the data."""
    now = now or timezone.now()
    role, sections = dashboard_sections(user)
    dashboard = StaffDashboard(today=today, role=role, sections=sections)
    if role:
        dashboard.title = ROLE_TITLES[role]
    for section in sections:
        FILL[section](dashboard, now)
    return dashboard


def _visits(dashboard: StaffDashboard, now: datetime.datetime) -> None:
    # One grouped count over today's stretch of the checked_in_at index.
    hours = visits_per_hour(day=dashboard.today)
    dashboard.visits_today = sum(count for _hour, count in hours)
    dashboard.visits_chart = bar_chart(bars=hours, title="Visits per hour today", unit="visits", label_format="H:i")


def _classes(dashboard: StaffDashboard, now: datetime.datetime) -> None:
    dashboard.classes = reports.todays_classes(today=dashboard.today)


def _waitlists(dashboard: StaffDashboard, now: datetime.datetime) -> None:
    dashboard.waitlists = reports.upcoming_waitlists(now=now)


def _visitors_owing(dashboard: StaffDashboard, now: datetime.datetime) -> None:
    dashboard.visitors_owing = reports.visitors_owing(today=dashboard.today)


def _maintenance(dashboard: StaffDashboard, now: datetime.datetime) -> None:
    repairs = reports.repairs(now=now)
    dashboard.maintenance = repairs.oldest
    dashboard.maintenance_count = repairs.count
    dashboard.rooms_with_issues = repairs.rooms


def _overdue(dashboard: StaffDashboard, now: datetime.datetime) -> None:
    overdue = reports.overdue(today=dashboard.today)
    dashboard.overdue = overdue.invoices
    dashboard.overdue_count = overdue.count


def _billing_run(dashboard: StaffDashboard, now: datetime.datetime) -> None:
    dashboard.billing_run = reports.this_months_run(today=dashboard.today)


def _revenue(dashboard: StaffDashboard, now: datetime.datetime) -> None:
    # Day by day so far this month: a month's payments are a short range of the received_at index, where a
    # year of them (a quarter of a million at chain scale) took 170 ms on every admin index page.
    first = dashboard.today.replace(day=1)
    days = revenue_by_day(first=first, last=dashboard.today)
    dashboard.month_start = first
    dashboard.revenue_days = days
    dashboard.revenue_month = sum((net for _day, net in days), ZERO)
    dashboard.revenue_chart = bar_chart(
        bars=days, title="Received each day this month", unit=settings.CLUB_CURRENCY_SYMBOL, value_text=money
    )
    dashboard.revenue_plans = reports.revenue_by_plan(first=first, last=dashboard.today)
    dashboard.plans_chart = named_bar_chart(
        bars=dashboard.revenue_plans,
        title="Received this month by plan",
        unit=settings.CLUB_CURRENCY_SYMBOL,
        value_text=money,
    )


def _members(dashboard: StaffDashboard, now: datetime.datetime) -> None:
    dashboard.active_members = reports.active_members(today=dashboard.today)
    dashboard.months = reports.joins_and_leavers(today=dashboard.today)
    dashboard.members_chart = grouped_bar_chart(
        groups=[(month.month, (month.joined, month.left)) for month in dashboard.months],
        series=("Joined", "Left"),
        title="Members joining and leaving each month",
        unit="members",
        label_format="M",
    )


def _classes_trend(dashboard: StaffDashboard, now: datetime.datetime) -> None:
    dashboard.weeks = reports.weekly_classes(now=now)
    dashboard.classes_chart = series_line_chart(
        days=[week.week for week in dashboard.weeks],
        series=(
            ("Attendance", [week.attendance_percent for week in dashboard.weeks]),
            ("Class fill", [week.fill_percent for week in dashboard.weeks]),
        ),
        title="Attendance and class fill by week",
        unit="%",
        high=100,
    )


def _privacy(dashboard: StaffDashboard, now: datetime.datetime) -> None:
    # Two counts: the inactive members (EXISTS on the visits' member index) and the pending requests.
    dashboard.inactive_members = inactive_members(now=now).count()
    dashboard.inactive_years = settings.CLUB_INACTIVE_ACCOUNT_YEARS
    dashboard.erasures_pending = pending_erasure_requests().count()


FILL = {
    "visits": _visits,
    "classes": _classes,
    "waitlists": _waitlists,
    "visitors_owing": _visitors_owing,
    "maintenance": _maintenance,
    "overdue": _overdue,
    "billing_run": _billing_run,
    "revenue": _revenue,
    "members": _members,
    "classes_trend": _classes_trend,
    "privacy": _privacy,
}
