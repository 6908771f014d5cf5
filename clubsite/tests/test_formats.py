"""One style for dates and times on every page: "07:00" and "24 Nov 2026", in the admin as in the portals.

British English's own formats write "7 a.m."; the templates mostly spell out "H:i", so the admin's lists
(which use the locale's formats) and a template's bare ``|time`` disagreed with them.
"""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from clubsite.frontdesk.tests.factories import VisitFactory
from clubsite.testing.roles import staff_user
from clubsite.testing.twofactor import sign_in
from operations.tests.factories import local_time


def rendered(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_a_time_a_date_and_both_are_written_the_sites_way():
    moment = timezone.make_aware(datetime.datetime(2026, 11, 24, 7, 0))

    assert rendered("{{ moment|time }}", moment=moment) == "07:00"
    assert rendered("{{ moment|date }}", moment=moment) == "24 Nov 2026"
    assert rendered("{{ moment }}", moment=moment) == "24 Nov 2026, 07:00"
    assert rendered('{{ moment|date:"SHORT_DATETIME_FORMAT" }}', moment=moment) == "24/11/2026 07:00"
    assert rendered("{{ at|time }}", at=datetime.time(19, 30)) == "19:30"


@pytest.mark.django_db
def test_the_admin_lists_a_morning_visit_at_07_00(client):
    VisitFactory(checked_in_at=local_time(days=0, hour=7))
    sign_in(client, staff_user("manager"))

    page = client.get(reverse("admin:frontdesk_visit_changelist")).content.decode()

    assert ", 07:00" in page
    assert "a.m." not in page
