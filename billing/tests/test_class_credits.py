"""How a seat is paid for (plan, credit, drop-in), credits given back or kept, late-cancel and no-show fees."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from billing import services
from billing.models import ClassCover, CreditPack, Invoice, InvoiceLine, MembershipPlan
from billing.services import Settlement
from billing.tests.factories import ClassPackFactory, CreditPackFactory, MembershipFactory, MembershipPlanFactory
from clubsite.testing.errors import refused
from clubsite.testing.races import race
from members.models import Member
from members.tests.factories import MemberFactory
from operations import services as operations
from operations.models import ClassRegistration, GroupClass
from operations.tests.factories import GroupClassFactory, local_time

pytestmark = pytest.mark.django_db


def a_class(*, days=2, hour=10, price="8.00", **fields) -> GroupClass:
    return GroupClassFactory(booking__start_time=local_time(days=days, hour=hour), price=Decimal(price), **fields)


def plan_member(member, classes, per_month=None) -> None:
    plan = MembershipPlanFactory(
        name=f"Plan {classes} {per_month}", monthly_fee=Decimal("45.00"), classes=classes, classes_per_month=per_month
    )
    MembershipFactory(member=member, plan=plan)


def cover_of(registration) -> ClassCover:
    return ClassCover.objects.get(registration=registration)


def credits(pack) -> int:
    pack.refresh_from_db()
    return pack.credits_left


class TestPayingForASeat:
    def test_an_unlimited_plan_covers_every_class(self, member):
        plan_member(member, MembershipPlan.Classes.UNLIMITED)

        registration = operations.class_register(member=member, group_class=a_class())

        assert cover_of(registration).kind == ClassCover.Kind.PLAN

    def test_an_allowance_covers_that_many_classes_a_month_then_a_credit_then_a_drop_in(self, member):
        plan_member(member, MembershipPlan.Classes.ALLOWANCE, per_month=2)
        pack = CreditPackFactory(member=member, credits=1, credits_left=1)

        kinds = [
            cover_of(operations.class_register(member=member, group_class=a_class(days=2, hour=hour))).kind
            for hour in (8, 10, 12, 14)
        ]

        assert kinds == ["plan", "plan", "credit", "drop_in"]
        assert credits(pack) == 0

    def test_gym_only_uses_the_pack_that_expires_first(self, member):
        plan_member(member, MembershipPlan.Classes.NONE)
        later = CreditPackFactory(member=member, expires_on=local_time(days=90, hour=0).date())
        sooner = CreditPackFactory(member=member, expires_on=local_time(days=10, hour=0).date())

        cover = cover_of(operations.class_register(member=member, group_class=a_class()))

        assert cover.credit_pack == sooner
        assert (credits(sooner), credits(later)) == (4, 5)

    def test_an_expired_pack_is_not_used(self, member):
        CreditPackFactory(member=member, expires_on=local_time(days=1, hour=0).date())

        cover = cover_of(operations.class_register(member=member, group_class=a_class(days=3)))

        assert cover.kind == ClassCover.Kind.DROP_IN

    def test_a_drop_in_is_billed_at_the_class_price_a_covered_seat_is_not(self, member):
        plan_member(member, MembershipPlan.Classes.ALLOWANCE, per_month=1)
        covered = operations.class_register(member=member, group_class=a_class(hour=8))
        drop_in = operations.class_register(member=member, group_class=a_class(hour=12))
        day = local_time(days=2, hour=0).date()

        invoice = services.invoice_generate(member=member, period_start=day, period_end=day)

        billed = {line.class_registration_id for line in invoice.lines.filter(kind=InvoiceLine.Kind.CLASS)}
        assert billed == {drop_in.pk}
        assert covered.pk not in billed

    def test_with_drop_ins_off_a_seat_nothing_pays_for_is_refused(self, member, settings):
        settings.CLUB_CLASS_DROP_IN = False
        group_class = a_class()

        with refused("class_needs_credit"):
            operations.class_register(member=member, group_class=group_class)
        assert not group_class.registrations.exists()

    def test_a_waitlist_place_spends_nothing(self, member):
        pack = CreditPackFactory(member=member)
        full = a_class(capacity=1)
        operations.class_register(member=MemberFactory(), group_class=full)

        waiting = operations.class_register(member=member, group_class=full)

        assert waiting.status == ClassRegistration.Status.WAITLISTED
        assert not ClassCover.objects.filter(registration=waiting).exists()
        assert credits(pack) == 5

    def test_the_database_never_lets_credits_go_below_zero(self, member):
        pack = CreditPackFactory(member=member, credits=1, credits_left=0)

        with pytest.raises(IntegrityError) as caught, transaction.atomic():
            CreditPack.objects.filter(pk=pack.pk).update(credits_left=F("credits_left") - 1)

        # PositiveSmallIntegerField's own CHECK refuses it first; billing_creditpack_credits_left_in_range too.
        assert "billing_creditpack_credits_left" in str(caught.value)
        with pytest.raises(IntegrityError) as caught, transaction.atomic():
            CreditPack.objects.filter(pk=pack.pk).update(credits_left=2)
        assert "billing_creditpack_credits_left_in_range" in str(caught.value)


class TestGivingUpASeat:
    def test_in_time_the_credit_comes_back(self, member):
        pack = CreditPackFactory(member=member)
        registration = operations.class_register(member=member, group_class=a_class(days=3))

        outcome = operations.class_registration_cancel(registration=registration)

        assert credits(pack) == 5
        assert outcome.effect(Settlement).credits_returned == 1
        assert not ClassCover.objects.exists()

    def test_late_the_credit_is_kept_and_no_fee_is_charged(self, member, time_machine):
        pack = CreditPackFactory(member=member)
        group_class = a_class(days=3)
        registration = operations.class_register(member=member, group_class=group_class)
        time_machine.move_to(group_class.booking.start_time - datetime.timedelta(hours=2))

        outcome = operations.class_registration_cancel(registration=registration)

        settlement = outcome.effect(Settlement)
        assert (settlement.credits_kept, settlement.fees_charged) == (1, 0)
        assert credits(pack) == 4
        assert not InvoiceLine.objects.filter(kind=InvoiceLine.Kind.FEE).exists()

    def test_late_a_plan_seat_is_charged_the_late_cancel_fee_on_this_months_bill(self, member, time_machine):
        plan_member(member, MembershipPlan.Classes.UNLIMITED)
        group_class = a_class(days=3)
        registration = operations.class_register(member=member, group_class=group_class)
        time_machine.move_to(group_class.booking.start_time - datetime.timedelta(hours=11))

        outcome = operations.class_registration_cancel(registration=registration)

        assert outcome.effect(Settlement).fees_charged == 1
        fee = InvoiceLine.objects.get(kind=InvoiceLine.Kind.FEE)
        assert fee.unit_price == Decimal("5.00")
        assert fee.description.startswith(f"Late cancellation — {group_class.name}")
        assert fee.invoice.status == Invoice.Status.DRAFT

    def test_a_drop_in_given_up_late_is_charged_the_fee_instead_of_the_class(self, member, time_machine):
        group_class = a_class(days=3)
        registration = operations.class_register(member=member, group_class=group_class)
        time_machine.move_to(group_class.booking.start_time - datetime.timedelta(hours=1))

        operations.class_registration_cancel(registration=registration)

        assert [line.kind for line in InvoiceLine.objects.all()] == [InvoiceLine.Kind.FEE]

    def test_a_cancelled_class_gives_every_credit_back_and_charges_nobody(self, member, time_machine):
        pack = CreditPackFactory(member=member)
        group_class = a_class(days=3)
        operations.class_register(member=member, group_class=group_class)
        time_machine.move_to(group_class.booking.start_time - datetime.timedelta(hours=1))

        operations.class_cancel(group_class=group_class)

        assert credits(pack) == 5
        assert not InvoiceLine.objects.exists()


class TestNoShows:
    def _roll_call(self, group_class, time_machine, attended):
        time_machine.move_to(group_class.booking.start_time + datetime.timedelta(minutes=10))
        operations.class_attendance_mark(group_class=group_class, attended_member_ids=attended)

    def test_a_plan_seat_not_used_is_charged_the_no_show_fee_and_a_correction_takes_it_back(
        self, member, time_machine
    ):
        plan_member(member, MembershipPlan.Classes.UNLIMITED)
        group_class = a_class(days=3)
        operations.class_register(member=member, group_class=group_class)

        self._roll_call(group_class, time_machine, attended=[])
        fee = InvoiceLine.objects.get(kind=InvoiceLine.Kind.FEE)
        assert (fee.unit_price, fee.description.split(" — ")[0]) == (Decimal("10.00"), "No-show")

        operations.class_attendance_mark(group_class=group_class, attended_member_ids=[member.pk])
        assert not InvoiceLine.objects.filter(kind=InvoiceLine.Kind.FEE).exists()

    def test_marking_twice_charges_once(self, member, time_machine):
        plan_member(member, MembershipPlan.Classes.UNLIMITED)
        group_class = a_class(days=3)
        operations.class_register(member=member, group_class=group_class)

        self._roll_call(group_class, time_machine, attended=[])
        operations.class_attendance_mark(group_class=group_class, attended_member_ids=[])

        assert InvoiceLine.objects.filter(kind=InvoiceLine.Kind.FEE).count() == 1

    def test_a_credit_seat_not_used_keeps_its_credit_spent_and_owes_no_fee(self, member, time_machine):
        pack = CreditPackFactory(member=member)
        group_class = a_class(days=3)
        operations.class_register(member=member, group_class=group_class)

        self._roll_call(group_class, time_machine, attended=[])

        assert credits(pack) == 4
        assert not InvoiceLine.objects.filter(kind=InvoiceLine.Kind.FEE).exists()


class TestBuyingAPack:
    def test_the_credits_are_usable_at_once_and_the_invoice_is_issued(self, member):
        pack = ClassPackFactory(name="10-class pack", credits=10, price=Decimal("70.00"), valid_days=180)

        bought = services.credit_pack_buy(member=member, pack=pack)

        assert (bought.credits, bought.credits_left) == (10, 10)
        today = local_time(days=0, hour=12).date()
        assert bought.expires_on == today + datetime.timedelta(days=179)
        line = bought.invoice_lines.get()
        assert (line.kind, line.unit_price, line.invoice.status) == ("pack", Decimal("70.00"), Invoice.Status.ISSUED)

    def test_a_pack_no_longer_sold_is_refused(self, member):
        with refused("pack_inactive"):
            services.credit_pack_buy(member=member, pack=ClassPackFactory(is_active=False))
        assert not CreditPack.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_forty_registrations_racing_for_the_last_credit_give_exactly_one(settings):
    settings.CLUB_CLASS_DROP_IN = False
    member = MemberFactory()
    pack = CreditPackFactory(member=member, credits=5, credits_left=1)
    classes = [a_class(days=2 + index // 10, hour=8 + index % 10) for index in range(40)]

    outcome = race(
        lambda index: operations.class_register(member=Member(pk=member.pk), group_class=classes[index]),
        workers=40,
    )

    assert len(outcome.results) == 1
    assert {error.code for error in outcome.errors} == {"class_needs_credit"}
    assert len(outcome.errors) == 39
    assert credits(pack) == 0
    assert ClassRegistration.objects.count() == 1
    assert ClassCover.objects.get().kind == ClassCover.Kind.CREDIT
