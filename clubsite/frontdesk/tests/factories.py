import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from clubsite.frontdesk.models import StaffNote, Visit
from members.tests.factories import MemberFactory


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    member = factory.SubFactory(MemberFactory)
    checked_in_at = factory.LazyFunction(timezone.now)
    method = Visit.Method.CARD
    membership_status = Visit.MembershipStatus.ACTIVE


class StaffNoteFactory(DjangoModelFactory):
    class Meta:
        model = StaffNote

    member = factory.SubFactory(MemberFactory)
    text = "Prefers the early spin class."
