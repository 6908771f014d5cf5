"""Accounts nobody uses: no sign-in and no visit for CLUB_INACTIVE_ACCOUNT_YEARS are flagged to staff (the members
list's filter, a count and a link on the manager's dashboard), in a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clubsite.accounts.models import User
from clubsite.frontdesk.tests.factories import VisitFactory
from clubsite.privacy.selectors import inactive_members
from clubsite.testing.admin import query_count
from clubsite.testing.roles import sign_in_as
from members.models import Member
from members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

YEAR = datetime.timedelta(days=366)


def _member(name: str, *, joined_years: float, signed_in_years: float | None, visited_years: float | None = None):
    now = timezone.now()
    member = MemberFactory(user__first_name=name, user__last_name="Test")
    Member.objects.filter(pk=member.pk).update(created_at=now - joined_years * YEAR)
    last_login = None if signed_in_years is None else now - signed_in_years * YEAR
    User.objects.filter(pk=member.user_id).update(last_login=last_login)
    if visited_years is not None:
        VisitFactory(member=member, checked_in_at=now - visited_years * YEAR)
    return member


def test_inactive_means_no_sign_in_and_no_visit_for_the_set_years(settings):
    settings.CLUB_INACTIVE_ACCOUNT_YEARS = 3
    gone = _member("Gone", joined_years=5, signed_in_years=4)
    never = _member("Never", joined_years=4, signed_in_years=None)
    _member("Visits", joined_years=5, signed_in_years=4, visited_years=1)
    _member("Signs", joined_years=5, signed_in_years=1)
    _member("New", joined_years=0.1, signed_in_years=None)

    assert set(inactive_members()) == {gone, never}
    settings.CLUB_INACTIVE_ACCOUNT_YEARS = 5
    assert set(inactive_members()) == set()


def test_staff_see_them_in_the_members_list_and_on_the_dashboard(settings):
    settings.CLUB_INACTIVE_ACCOUNT_YEARS = 3
    _member("Gone", joined_years=5, signed_in_years=4)
    _member("Active", joined_years=5, signed_in_years=0.1)
    manager = Client()
    sign_in_as(manager, "manager")

    dashboard = manager.get(reverse("admin:index")).content.decode()
    assert 'id="inactive-members"' in dashboard and "1 inactive member<" in dashboard
    listed = manager.get(reverse("admin:members_member_changelist") + "?activity=inactive").content.decode()
    assert "Gone" in listed and "Active" not in listed
    assert "Inactive for 3 years" in listed

    address = reverse("admin:members_member_changelist") + "?activity=inactive"
    few = query_count(manager, address)
    for index in range(5):
        _member(f"More{index}", joined_years=5, signed_in_years=4, visited_years=4)
    assert query_count(manager, address) == few
