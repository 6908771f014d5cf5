import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from clubsite.accounts.tests.factories import UserFactory
from members.tests.factories import MemberFactory
from operations.models import (
    AdminStaff,
    Booking,
    ClassRegistration,
    Equipment,
    GroupClass,
    MaintenanceRecord,
    PersonalTrainingSession,
    Room,
)
from trainers.tests.factories import TrainerFactory


def _tomorrow_at(hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


class AdminStaffFactory(DjangoModelFactory):
    class Meta:
        model = AdminStaff

    user = factory.SubFactory(UserFactory, is_staff=True)
    role = AdminStaff.Role.MANAGER


class RoomFactory(DjangoModelFactory):
    class Meta:
        model = Room
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Studio {n}")
    location = factory.Iterator(["Ground floor", "First floor", "Basement"])
    capacity = 20


class EquipmentFactory(DjangoModelFactory):
    class Meta:
        model = Equipment

    room = factory.SubFactory(RoomFactory)
    name = factory.Iterator(["Treadmill", "Rowing machine", "Spin bike", "Squat rack"])
    asset_tag = factory.Sequence(lambda n: f"EQ-{n:05d}")


class MaintenanceRecordFactory(DjangoModelFactory):
    class Meta:
        model = MaintenanceRecord

    equipment = factory.SubFactory(EquipmentFactory)
    issue_description = "Belt slipping under load"


class BookingFactory(DjangoModelFactory):
    """A room-only event booking tomorrow 10:00-11:00 unless told otherwise."""

    class Meta:
        model = Booking

    room = factory.SubFactory(RoomFactory)
    trainer = None
    start_time = factory.LazyFunction(lambda: _tomorrow_at(10))
    end_time = factory.LazyAttribute(lambda o: o.start_time + datetime.timedelta(hours=1))
    kind = Booking.Kind.EVENT
    title = "Open day"


class GroupClassFactory(DjangoModelFactory):
    class Meta:
        model = GroupClass

    name = factory.Iterator(["Spin", "Yoga Flow", "HIIT", "Pilates", "Boxfit"])
    capacity = 10
    price = Decimal("8.00")
    # The day after tomorrow: outside the class cancellation cut-off whatever the time of day the tests run, so
    # giving a seat up is never late unless a test says so.
    booking = factory.SubFactory(
        BookingFactory,
        kind=Booking.Kind.GROUP_CLASS,
        title="",
        trainer=factory.SubFactory(TrainerFactory),
        start_time=factory.LazyFunction(lambda: local_time(days=2, hour=10)),
    )


class ClassRegistrationFactory(DjangoModelFactory):
    class Meta:
        model = ClassRegistration

    member = factory.SubFactory(MemberFactory)
    group_class = factory.SubFactory(GroupClassFactory)
    status = ClassRegistration.Status.REGISTERED


class PersonalTrainingSessionFactory(DjangoModelFactory):
    class Meta:
        model = PersonalTrainingSession

    member = factory.SubFactory(MemberFactory)
    booking = factory.SubFactory(
        BookingFactory,
        kind=Booking.Kind.PERSONAL_TRAINING,
        title="",
        trainer=factory.SubFactory(TrainerFactory),
        start_time=factory.LazyFunction(lambda: _tomorrow_at(14)),
    )
    price = Decimal("40.00")


def local_time(*, days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """An aware time ``days`` from today at ``hour:minute`` on the club's clock."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
