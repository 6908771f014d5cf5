import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from clubsite.accounts.tests.factories import UserFactory
from members.models import FitnessGoal, HealthMetric, Member, MetricsConsent


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=75)
    gender = factory.Iterator([choice for choice, _ in Member.Gender.choices])
    phone = factory.Faker("numerify", text="07### ######")

    @factory.post_generation
    def metrics_consent(self, create, extracted, **kwargs):
        """Test members consent to processing their health metrics unless ``metrics_consent=False``."""
        if create and extracted is not False:
            MetricsConsent.objects.create(member=self, notice_version="test")


class FitnessGoalFactory(DjangoModelFactory):
    class Meta:
        model = FitnessGoal

    member = factory.SubFactory(MemberFactory)
    goal_type = FitnessGoal.GoalType.LOSE_WEIGHT
    target_value = Decimal("75.0")
    unit = "kg"
    target_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))


class HealthMetricFactory(DjangoModelFactory):
    class Meta:
        model = HealthMetric

    member = factory.SubFactory(MemberFactory)
    weight = factory.Faker("pydecimal", left_digits=3, right_digits=1, min_value=55, max_value=110)
    heart_rate = factory.Faker("pyint", min_value=50, max_value=90)
    body_fat = factory.Faker("pydecimal", left_digits=2, right_digits=1, min_value=10, max_value=35)
    recorded_at = factory.LazyFunction(timezone.now)
