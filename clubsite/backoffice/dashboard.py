"""The staff dashboard's reads: today's classes and how full they are, open maintenance, overdue invoices, revenue."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from billing.models import ZERO
from billing.selectors import overdue_invoice_count, overdue_invoices, revenue_by_day
from clubsite.charts import bar_chart
from clubsite.core.clock import day_bounds
from clubsite.frontdesk.selectors import visits_per_hour
from members.templatetags.member_tags import money
from operations.selectors import class_timetable, open_maintenance, rooms_with_open_issues

SHOWN = 10


@dataclass
class StaffDashboard:
    """What one staff member may see; a section they may not see stays None."""

    today: datetime.date
    classes: list | None = None
    maintenance: list | None = None
    maintenance_count: int = 0
    rooms_with_issues: list = field(default_factory=list)
    overdue: list | None = None
    overdue_count: int = 0
    revenue_month: Decimal | None = None
    revenue_chart: str = ""
    month_start: datetime.date | None = None
    visits_today: int | None = None
    visits_chart: str = ""


def staff_dashboard(
    *, today: datetime.date, classes: bool, maintenance: bool, invoices: bool, revenue: bool, visits: bool = False
) -> StaffDashboard:
    """The sections asked for, each in a fixed number of queries (at most nine in all), whatever the data.

    Each query reads along an index what it shows, never every invoice or registration of the club.
    """
    dashboard = StaffDashboard(today=today)
    if classes:
        start, end = day_bounds(today)
        dashboard.classes = list(class_timetable(start=start, end=end))
        for group_class in dashboard.classes:
            group_class.fill_percent = round(100 * group_class.seated_count / group_class.capacity)
    if maintenance:
        records = open_maintenance()
        dashboard.maintenance = list(records[:SHOWN])
        dashboard.maintenance_count = records.count()
        dashboard.rooms_with_issues = list(rooms_with_open_issues(only_with_issues=True))
    if invoices:
        # The oldest ten, read in (due_date, id) order along the index of issued invoices until ten owe money.
        dashboard.overdue = list(overdue_invoices(today=today)[:SHOWN])
        # Counted from the index alone. No total owed: it would sum the lines and payments of every overdue
        # invoice, a quarter of a second at 50,000 of them; each one shown carries its own balance.
        dashboard.overdue_count = overdue_invoice_count(today=today)
    if revenue:
        # Day by day so far this month: a month's payments are a short range of the received_at index, where
        # a year of them (a quarter of a million at chain scale) took 170 ms on every admin index page.
        month_start = today.replace(day=1)
        days = revenue_by_day(first=month_start, last=today)
        dashboard.month_start = month_start
        dashboard.revenue_month = sum((net for _day, net in days), ZERO)
        dashboard.revenue_chart = bar_chart(
            bars=days, title="Received each day this month", unit=settings.CLUB_CURRENCY_SYMBOL, value_text=money
        )
    if visits:
        # One grouped count over today's stretch of the checked_in_at index.
        hours = visits_per_hour(day=today)
        dashboard.visits_today = sum(count for _hour, count in hours)
        dashboard.visits_chart = bar_chart(bars=hours, title="Visits per hour today", unit="visits", label_format="H:i")
    return dashboard
