import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from clubsite.accounts.tests.factories import UserFactory
from trainers.models import Trainer, TrainerAvailability


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
