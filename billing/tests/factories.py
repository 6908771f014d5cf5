import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from billing.models import Invoice, InvoiceLine, Membership, MembershipPlan, Payment
from members.tests.factories import MemberFactory


class MembershipPlanFactory(DjangoModelFactory):
    class Meta:
        model = MembershipPlan
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Plan {n}")
    monthly_fee = Decimal("39.00")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    member = factory.SubFactory(MemberFactory)
    plan = factory.SubFactory(MembershipPlanFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate().replace(day=1) - datetime.timedelta(days=60))


class InvoiceFactory(DjangoModelFactory):
    """A draft invoice for the current month."""

    class Meta:
        model = Invoice

    member = factory.SubFactory(MemberFactory)
    period_start = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    period_end = factory.LazyAttribute(
        lambda o: (o.period_start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    )


class InvoiceLineFactory(DjangoModelFactory):
    class Meta:
        model = InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory)
    kind = InvoiceLine.Kind.MANUAL
    description = "Towel hire"
    quantity = 1
    unit_price = Decimal("5.00")


class PaymentFactory(DjangoModelFactory):
    class Meta:
        model = Payment

    invoice = factory.SubFactory(InvoiceFactory)
    amount = Decimal("5.00")
    method = Payment.Method.CARD
