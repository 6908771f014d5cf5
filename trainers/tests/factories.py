import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from clubsite.accounts.tests.factories import UserFactory
from trainers.models import TimeOff, Trainer, TrainerAvailability, WeeklySlot


class TrainerFactory(DjangoModelFactory):
    class Meta:
        model = Trainer

    user = factory.SubFactory(UserFactory)
    specialization = factory.Iterator(["Strength", "Yoga", "HIIT", "Pilates", "Rehabilitation"])
    phone = factory.Faker("numerify", text="07### ######")
    hourly_rate = Decimal("40.00")


def _next_morning() -> datetime.datetime:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(8, 0)))


class TrainerAvailabilityFactory(DjangoModelFactory):
    """By default tomorrow 08:00-18:00 in the club's time zone."""

    class Meta:
        model = TrainerAvailability

    trainer = factory.SubFactory(TrainerFactory)
    start_time = factory.LazyFunction(_next_morning)
    end_time = factory.LazyAttribute(lambda o: o.start_time + datetime.timedelta(hours=10))


class WeeklySlotFactory(DjangoModelFactory):
    """Mondays 09:00-12:00, for a trainer of its own."""

    class Meta:
        model = WeeklySlot

    trainer = factory.SubFactory(TrainerFactory)
    weekday = WeeklySlot.Weekday.MONDAY
    start_time = datetime.time(9)
    end_time = datetime.time(12)


class TimeOffFactory(DjangoModelFactory):
    """Three days off starting in a week, for a trainer of its own."""

    class Meta:
        model = TimeOff

    trainer = factory.SubFactory(TrainerFactory)
    first_day = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    last_day = factory.LazyAttribute(lambda o: o.first_day + datetime.timedelta(days=2))
