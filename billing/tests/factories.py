import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from billing.models import (
    BillingRun,
    ClassPack,
    CreditPack,
    Invoice,
    InvoiceLine,
    Membership,
    MembershipFreeze,
    MembershipPlan,
    Payment,
)
from clubsite.core.clock import club_datetime
from members.tests.factories import MemberFactory
from operations.models import Booking
from operations.tests.factories import ClassRegistrationFactory, PersonalTrainingSessionFactory


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


class MembershipFreezeFactory(DjangoModelFactory):
    """A freeze written straight to the table (the service checks the rules; these set up a scene)."""

    class Meta:
        model = MembershipFreeze

    membership = factory.SubFactory(MembershipFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=13))


class ClassPackFactory(DjangoModelFactory):
    class Meta:
        model = ClassPack
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"{n + 5}-class pack")
    credits = 5
    price = Decimal("40.00")
    valid_days = 90


class CreditPackFactory(DjangoModelFactory):
    """Credits a member holds, bought without an invoice (``credit_pack_buy`` bills them; this sets up a scene)."""

    class Meta:
        model = CreditPack

    member = factory.SubFactory(MemberFactory)
    pack = factory.SubFactory(ClassPackFactory)
    credits = factory.LazyAttribute(lambda o: o.pack.credits)
    credits_left = factory.LazyAttribute(lambda o: o.credits)
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))


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


class RefundFactory(PaymentFactory):
    kind = Payment.Kind.REFUND


class BillingRunFactory(DjangoModelFactory):
    """A finished scheduled run of last month, one member not billed."""

    class Meta:
        model = BillingRun

    period_end = factory.LazyFunction(lambda: timezone.localdate().replace(day=1) - datetime.timedelta(days=1))
    period_start = factory.LazyAttribute(lambda o: o.period_end.replace(day=1))
    trigger = BillingRun.Trigger.SCHEDULE
    status = BillingRun.Status.FINISHED
    members_billed = 3
    invoices_created = 3
    invoices_issued = 3
    failures = 1
    failure_details = factory.LazyFunction(
        lambda: [{"member_id": MemberFactory().pk, "member": "Bob Baker", "code": "conflict", "message": "No."}]
    )


def club_time(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A wall-clock time at the club."""
    return club_datetime(datetime.date(year, month, day), datetime.time(hour, minute))


def pt_session(member, start: datetime.datetime, price: str = "40.00", status: str = Booking.Status.SCHEDULED):
    """A PT session of ``member`` at ``start`` (own trainer and room, so sessions never clash)."""
    return PersonalTrainingSessionFactory(
        member=member, booking__start_time=start, booking__status=status, price=Decimal(price)
    )


def class_registration(
    member, start: datetime.datetime, price: str = "8.00", class_status=Booking.Status.SCHEDULED, **extra
):
    """A registration of ``member`` for a class of its own at ``start``."""
    return ClassRegistrationFactory(
        member=member,
        group_class__booking__start_time=start,
        group_class__booking__status=class_status,
        group_class__price=Decimal(price),
        **extra,
    )
