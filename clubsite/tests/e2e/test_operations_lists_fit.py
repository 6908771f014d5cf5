"""The back office's lists of classes and of maintenance at 1280 px: every column shows without scrolling the
table sideways, beside the filters, with the admin's navigation open."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clubsite.testing.roles import staff_user
from members.tests.factories import MemberFactory
from operations.models import AdminStaff
from operations.tests.factories import (
    ClassRegistrationFactory,
    EquipmentFactory,
    GroupClassFactory,
    MaintenanceRecordFactory,
    RoomFactory,
    local_time,
)
from trainers.tests.factories import TrainerFactory

from .conftest import DESKTOP
from .journeys import sign_in_to_the_admin, table_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ISSUE = (
    "The belt slips and the motor stutters at speeds above 12 km/h; it smells of burning rubber after ten minutes "
    "and the display resets itself when someone steps off quickly, which has happened to three members this week."
)


def test_the_class_list_shows_every_column_at_1280(open_page):
    trainer = TrainerFactory(user__first_name="Alexandra", user__last_name="Montgomery-Smythe")
    room = RoomFactory(name="Main studio (first floor)")
    for days, name in ((0, "Spin and core conditioning"), (1, "Yoga flow for beginners"), (2, "HIIT")):
        group_class = GroupClassFactory(
            name=name,
            booking__trainer=trainer,
            booking__room=room,
            booking__start_time=local_time(days=days, hour=23),
            booking__end_time=local_time(days=days, hour=23, minute=45),
        )
        ClassRegistrationFactory(group_class=group_class, member=MemberFactory())
    staff_user(AdminStaff.Role.MANAGER, email="max@clubsite.test", first_name="Max", last_name="Manager")

    page = open_page(viewport=DESKTOP)
    sign_in_to_the_admin(page, "max@clubsite.test")
    page.goto("/admin/operations/groupclass/")

    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    assert table_overflow(page) <= 0
    expect(page.get_by_role("columnheader", name="Status")).to_be_in_viewport()


def test_the_maintenance_list_shows_every_column_at_1280(open_page):
    equipment = EquipmentFactory(name="Treadmill with incline", room=RoomFactory(name="Cardio room (ground floor)"))
    reporter = staff_user(AdminStaff.Role.MAINTENANCE, email="mo@clubsite.test", first_name="Mo", last_name="Mend")
    for hours in (1, 5, 30):
        MaintenanceRecordFactory(
            equipment=equipment,
            issue_description=ISSUE,
            reported_by=reporter,
            reported_at=timezone.now() - datetime.timedelta(hours=hours),
        )

    page = open_page(viewport=DESKTOP)
    sign_in_to_the_admin(page, "mo@clubsite.test")
    page.goto("/admin/operations/maintenancerecord/")

    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    assert table_overflow(page) <= 0
    expect(page.get_by_role("columnheader", name="Reported")).to_be_in_viewport()
