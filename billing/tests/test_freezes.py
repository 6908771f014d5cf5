"""Freezes: no charge for frozen days (exactly, in Decimal), no booking on them, never two over the same days."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from billing import services
from billing.models import InvoiceLine, MembershipFreeze
from billing.selectors import membership_state
from billing.tests.factories import MembershipFactory, MembershipFreezeFactory, MembershipPlanFactory
from clubsite.core.clock import club_datetime
from clubsite.testing.errors import refused
from operations import services as operations
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory, local_time
from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory

pytestmark = pytest.mark.django_db

DEC_3 = datetime.date(2026, 12, 3)


def day(month, number, year=2026):
    return datetime.date(year, month, number)


@pytest.fixture(autouse=True)
def third_of_december(time_machine):
    time_machine.move_to(club_datetime(DEC_3, datetime.time(9, 30)), tick=False)


@pytest.fixture
def membership(member):
    plan = MembershipPlanFactory(name="Gold 45", monthly_fee=Decimal("45.00"))
    return MembershipFactory(member=member, plan=plan, started_on=day(6, 1))


class TestBilling:
    def test_a_month_with_a_freeze_bills_exactly_the_days_not_frozen(self, member, membership):
        services.membership_freeze(member=member, starts_on=day(12, 10), ends_on=day(12, 23))

        invoice = services.invoice_generate(member=member, period_start=day(12, 1), period_end=day(12, 31))

        line = invoice.lines.get()
        # 45.00 x 17/31 = 24.677...: to the penny, half up.
        assert (line.description, line.unit_price) == (
            "Gold 45 membership — December 2026 (17 of 31 days, 14 frozen)",
            Decimal("24.68"),
        )

    def test_a_freeze_across_two_months_lowers_each_by_its_own_days(self, member, membership):
        services.membership_freeze(member=member, starts_on=day(12, 25), ends_on=day(1, 10, 2027))

        invoice = services.invoice_generate(member=member, period_start=day(12, 1), period_end=day(1, 31, 2027))

        assert [line.unit_price for line in invoice.lines.order_by("period_start")] == [
            Decimal("34.84"),  # 45 x 24/31: 1-24 December
            Decimal("30.48"),  # 45 x 21/31: 11-31 January
        ]

    def test_a_month_frozen_throughout_has_no_plan_line(self, member, membership):
        MembershipFreezeFactory(membership=membership, starts_on=day(1, 1, 2027), ends_on=day(1, 31, 2027))

        invoice = services.invoice_generate(member=member, period_start=day(1, 1, 2027), period_end=day(1, 31, 2027))

        assert invoice is None

    def test_a_month_billed_already_is_credited_for_the_frozen_days(self, member):
        plan = MembershipPlanFactory(name="Flexi", monthly_fee=Decimal("31.00"))
        services.membership_join(member=member, plan=plan)  # 3-31 December billed in advance: 29.00

        services.membership_freeze(member=member, starts_on=day(12, 10), ends_on=day(12, 19))

        adjustment = InvoiceLine.objects.get(kind=InvoiceLine.Kind.PLAN_ADJUSTMENT)
        assert adjustment.unit_price == Decimal("-10.00")
        assert "19 of 31 days, 10 frozen" in adjustment.description

    def test_a_plan_line_still_on_a_draft_is_rewritten(self, member, membership):
        draft = services.invoice_generate(member=member, period_start=day(12, 1), period_end=day(12, 31))

        services.membership_freeze(member=member, starts_on=day(12, 10), ends_on=day(12, 23))

        line = draft.lines.get()
        assert line.unit_price == Decimal("24.68")
        assert not InvoiceLine.objects.filter(kind=InvoiceLine.Kind.PLAN_ADJUSTMENT).exists()

    def test_ending_a_freeze_early_bills_from_that_day(self, member, membership):
        freeze = services.membership_freeze(member=member, starts_on=day(12, 5), ends_on=day(12, 25))

        services.membership_freeze_end(freeze=freeze, back_on=day(12, 12))

        freeze.refresh_from_db()
        assert freeze.ends_on == day(12, 11)
        invoice = services.invoice_generate(member=member, period_start=day(12, 1), period_end=day(12, 31))
        assert invoice.lines.get().unit_price == Decimal("34.84")  # 45 x 24/31: 7 days frozen (5-11)

    def test_a_freeze_not_started_is_called_off(self, member, membership):
        freeze = services.membership_freeze(member=member, starts_on=day(12, 10), ends_on=day(12, 20))

        assert services.membership_freeze_end(freeze=freeze, back_on=DEC_3) is None
        assert not MembershipFreeze.objects.exists()


class TestRules:
    @pytest.mark.parametrize(
        ("starts_on", "ends_on", "code"),
        [
            (day(12, 2), day(12, 20), "freeze_in_past"),
            (day(12, 10), day(12, 15), "freeze_too_short"),
            (day(12, 10), day(2, 20, 2027), "freeze_too_long"),
            (day(12, 20), day(12, 10), "freeze_end_before_start"),
        ],
    )
    def test_each_limit_is_refused_with_its_code(self, member, membership, starts_on, ends_on, code):
        with refused(code):
            services.membership_freeze(member=member, starts_on=starts_on, ends_on=ends_on)
        assert not MembershipFreeze.objects.exists()

    def test_the_yearly_limit_counts_the_days_already_frozen_that_year(self, member, membership, settings):
        settings.CLUB_FREEZE_DAYS_PER_YEAR = 30
        MembershipFreezeFactory(membership=membership, starts_on=day(7, 1), ends_on=day(7, 20))

        with refused("freeze_yearly_limit", used=20, left=10, year=2026):
            services.membership_freeze(member=member, starts_on=day(12, 10), ends_on=day(12, 20))
        # Across the new year, each year counts its own days.
        services.membership_freeze(member=member, starts_on=day(12, 28), ends_on=day(1, 10, 2027))

    def test_an_overlapping_freeze_is_refused_with_the_one_in_the_way(self, member, membership):
        services.membership_freeze(member=member, starts_on=day(12, 10), ends_on=day(12, 20))

        with refused("freeze_overlaps", span="Thu 10 Dec 2026 – Sun 20 Dec 2026"):
            services.membership_freeze(member=member, starts_on=day(12, 20), ends_on=day(12, 30))

    def test_the_database_refuses_overlapping_freezes_whoever_writes_them(self, membership):
        MembershipFreeze.objects.create(membership=membership, starts_on=day(12, 10), ends_on=day(12, 20))

        with pytest.raises(IntegrityError) as caught, transaction.atomic():
            MembershipFreeze.objects.create(membership=membership, starts_on=day(12, 20), ends_on=day(12, 30))

        assert "billing_membershipfreeze_no_overlap" in str(caught.value)
        # Back to back is fine: both ends are included, so the 21st follows the 20th.
        MembershipFreeze.objects.create(membership=membership, starts_on=day(12, 21), ends_on=day(12, 30))

    def test_a_freeze_must_lie_within_the_membership(self, member, membership):
        services.membership_cancel(member=member)  # no notice period: ends today

        with refused("membership_none"):
            services.membership_freeze(member=member, starts_on=day(12, 10), ends_on=day(12, 20))

    def test_days_that_hold_a_booking_cannot_be_frozen(self, member, membership):
        registration = ClassRegistrationFactory(
            member=member, group_class__booking__start_time=local_time(days=9, hour=18)
        )

        with refused("freeze_has_bookings") as caught:
            services.membership_freeze(member=member, starts_on=day(12, 10), ends_on=day(12, 20))
        assert registration.group_class.name in caught.value.message

    def test_frozen_status_shows_until_the_freeze_ends(self, member, membership):
        freeze = MembershipFreezeFactory(membership=membership, starts_on=DEC_3, ends_on=day(12, 12))

        state = membership_state(member=member, day=DEC_3)

        assert (state.status, state.freeze) == ("frozen", freeze)
        assert membership_state(member=member, day=day(12, 13)).status == "active"


class TestNoBookingWhileFrozen:
    def test_a_class_on_a_frozen_day_is_refused(self, member, membership):
        MembershipFreezeFactory(membership=membership, starts_on=day(12, 4), ends_on=day(12, 12))
        group_class = GroupClassFactory(booking__start_time=local_time(days=2, hour=10))

        with refused("membership_frozen", starts_on="Fri 4 Dec 2026", ends_on="Sat 12 Dec 2026"):
            operations.class_register(member=member, group_class=group_class)
        assert not group_class.registrations.exists()

    def test_a_class_after_the_freeze_is_fine(self, member, membership):
        MembershipFreezeFactory(membership=membership, starts_on=day(12, 4), ends_on=day(12, 4))
        group_class = GroupClassFactory(booking__start_time=local_time(days=2, hour=10))

        assert operations.class_register(member=member, group_class=group_class).pk

    def test_a_pt_session_on_a_frozen_day_is_refused(self, member, membership):
        MembershipFreezeFactory(membership=membership, starts_on=day(12, 4), ends_on=day(12, 12))
        trainer = TrainerFactory()
        TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=2, hour=8), end_time=local_time(days=2, hour=18)
        )

        with refused("membership_frozen"):
            operations.pt_session_book(
                member=member,
                trainer=trainer,
                start_time=local_time(days=2, hour=10),
                end_time=local_time(days=2, hour=11),
            )
