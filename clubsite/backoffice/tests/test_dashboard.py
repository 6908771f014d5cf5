"""The staff dashboard's reads (its page is tested with the admin index, in billing/tests/test_admin_backoffice.py)."""

import pytest

from clubsite.backoffice.dashboard import staff_dashboard
from clubsite.core.clock import club_today

pytestmark = pytest.mark.django_db


def test_the_dashboard_reads_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    today = club_today()
    with django_assert_max_num_queries(8):
        dashboard = staff_dashboard(today=today, classes=True, maintenance=True, invoices=True, revenue=True)
    assert dashboard.classes == [] and dashboard.maintenance == [] and dashboard.overdue == []

    nothing = staff_dashboard(today=today, classes=False, maintenance=False, invoices=False, revenue=False)
    assert (nothing.classes, nothing.maintenance, nothing.overdue, nothing.revenue_month) == (None,) * 4
