"""Plans with terms: joining (the first invoice at once), changing plan at the next period, giving notice."""

import datetime
from decimal import Decimal

import pytest

from billing import services
from billing.models import Invoice, InvoiceLine, Membership, MembershipPlan
from billing.selectors import cancellation_end, membership_state
from billing.tests.factories import MembershipFactory, MembershipFreezeFactory, MembershipPlanFactory
from clubsite.core.clock import club_datetime
from clubsite.testing.errors import refused

pytestmark = pytest.mark.django_db

DEC_3 = datetime.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def third_of_december(time_machine):
    time_machine.move_to(club_datetime(DEC_3, datetime.time(9, 30)), tick=False)


@pytest.fixture
def classes8():
    return MembershipPlanFactory(
        name="Classes 8",
        monthly_fee=Decimal("45.00"),
        joining_fee=Decimal("20.00"),
        classes=MembershipPlan.Classes.ALLOWANCE,
        classes_per_month=8,
        minimum_term_months=3,
        notice_months=1,
    )


@pytest.fixture
def off_peak():
    return MembershipPlanFactory(name="Off-Peak", monthly_fee=Decimal("25.00"), notice_months=1)


def lines_of(invoice):
    return [(line.kind, line.description, line.unit_price) for line in invoice.lines.order_by("id")]


class TestJoin:
    def test_the_first_invoice_holds_the_joining_fee_and_the_month_prorated_to_the_day_and_is_issued(
        self, member, classes8
    ):
        joined = services.membership_join(member=member, plan=classes8)

        assert joined.membership.started_on == DEC_3
        assert joined.invoice.status == Invoice.Status.ISSUED
        assert joined.invoice.number
        # 45.00 x 29/31 days (3-31 December) = 42.096...
        assert lines_of(joined.invoice) == [
            ("joining", "Joining fee — Classes 8", Decimal("20.00")),
            ("plan", "Classes 8 membership — December 2026 (29 of 31 days)", Decimal("42.10")),
        ]
        assert (joined.invoice.period_start, joined.invoice.period_end) == (DEC_3, datetime.date(2026, 12, 31))

    def test_the_monthly_run_does_not_bill_the_joining_month_again(self, member, classes8):
        services.membership_join(member=member, plan=classes8)

        again = services.invoice_generate(
            member=member, period_start=datetime.date(2026, 12, 1), period_end=datetime.date(2026, 12, 31)
        )

        assert again is None

    def test_no_joining_fee_no_joining_line(self, member, off_peak):
        joined = services.membership_join(member=member, plan=off_peak)

        assert [kind for kind, _text, _price in lines_of(joined.invoice)] == ["plan"]

    def test_refused_while_a_membership_runs(self, member, classes8, off_peak):
        services.membership_join(member=member, plan=classes8)

        with refused("membership_exists", plan="Classes 8"):
            services.membership_join(member=member, plan=off_peak)
        assert Membership.objects.filter(member=member).count() == 1

    def test_refused_for_a_plan_no_longer_offered(self, member):
        retired = MembershipPlanFactory(name="Retired", is_active=False)

        with refused("plan_inactive"):
            services.membership_join(member=member, plan=retired)
        assert not Invoice.objects.exists()

    def test_sign_up_with_a_plan_creates_the_member_and_the_first_invoice_together(self, classes8):
        signed_up = services.member_sign_up(
            email="new@example.com",
            password="a long pass phrase 42",
            first_name="Nia",
            last_name="New",
            date_of_birth=datetime.date(1995, 3, 1),
            gender="female",
            plan=classes8,
        )

        assert signed_up.joined is not None
        assert signed_up.joined.invoice.member == signed_up.member

    def test_a_refused_plan_at_sign_up_leaves_no_account(self):
        retired = MembershipPlanFactory(name="Retired", is_active=False)

        with refused("plan_inactive"):
            services.member_sign_up(
                email="new@example.com",
                password="a long pass phrase 42",
                first_name="Nia",
                last_name="New",
                date_of_birth=datetime.date(1995, 3, 1),
                gender="female",
                plan=retired,
            )
        from clubsite.accounts.models import User

        assert not User.objects.filter(email="new@example.com").exists()


class TestChangePlan:
    def test_takes_effect_on_the_first_of_next_month(self, member, classes8, off_peak):
        current = MembershipFactory(member=member, plan=off_peak, started_on=datetime.date(2026, 6, 1))

        new = services.membership_change_plan(member=member, plan=classes8)

        current.refresh_from_db()
        assert current.ended_on == datetime.date(2026, 12, 31)
        assert (new.plan, new.started_on, new.ended_on) == (classes8, datetime.date(2027, 1, 1), None)
        state = membership_state(member=member, day=DEC_3)
        assert (state.status, state.membership, state.next_membership) == ("active", current, new)

    def test_each_month_is_billed_by_one_plan(self, member, classes8, off_peak):
        MembershipFactory(member=member, plan=off_peak, started_on=datetime.date(2026, 6, 1))
        services.membership_change_plan(member=member, plan=classes8)

        invoice = services.invoice_generate(
            member=member, period_start=datetime.date(2026, 12, 1), period_end=datetime.date(2027, 1, 31)
        )

        assert [(text, price) for _kind, text, price in lines_of(invoice)] == [
            ("Off-Peak membership — December 2026", Decimal("25.00")),
            ("Classes 8 membership — January 2027", Decimal("45.00")),
        ]

    def test_choosing_again_replaces_the_arranged_plan_and_the_current_one_calls_it_off(
        self, member, classes8, off_peak
    ):
        unlimited = MembershipPlanFactory(name="Unlimited", monthly_fee=Decimal("65.00"))
        current = MembershipFactory(member=member, plan=off_peak, started_on=datetime.date(2026, 6, 1))
        services.membership_change_plan(member=member, plan=classes8)

        replaced = services.membership_change_plan(member=member, plan=unlimited)
        assert replaced.plan == unlimited
        assert Membership.objects.filter(member=member).count() == 2

        services.membership_change_plan(member=member, plan=off_peak)
        current.refresh_from_db()
        assert current.ended_on is None
        assert list(Membership.objects.filter(member=member)) == [current]

    def test_the_same_plan_is_refused(self, member, off_peak):
        MembershipFactory(member=member, plan=off_peak, started_on=datetime.date(2026, 6, 1))

        with refused("plan_unchanged"):
            services.membership_change_plan(member=member, plan=off_peak)

    def test_inside_the_minimum_term_only_up(self, member, classes8, off_peak):
        MembershipFactory(member=member, plan=classes8, started_on=datetime.date(2026, 11, 1))

        with refused("plan_change_in_term", term_ends="Sun 31 Jan 2027"):
            services.membership_change_plan(member=member, plan=off_peak)
        unlimited = MembershipPlanFactory(name="Unlimited", monthly_fee=Decimal("65.00"))
        assert services.membership_change_plan(member=member, plan=unlimited).plan == unlimited

    def test_without_a_membership_the_member_joins_instead(self, member, classes8):
        with refused("membership_none"):
            services.membership_change_plan(member=member, plan=classes8)


class TestCancel:
    def test_ends_after_the_notice_period(self, member, off_peak):
        membership = MembershipFactory(member=member, plan=off_peak, started_on=datetime.date(2025, 1, 1))

        assert cancellation_end(membership=membership, today=DEC_3) == datetime.date(2027, 1, 2)
        services.membership_cancel(member=member)

        membership.refresh_from_db()
        assert (membership.ended_on, membership.cancelled_on) == (datetime.date(2027, 1, 2), DEC_3)

    def test_never_before_the_minimum_term_ends(self, member, classes8):
        # Joined 15 October on a 3-month term: it runs to 14 January, past the month's notice (2 January).
        membership = MembershipFactory(member=member, plan=classes8, started_on=datetime.date(2026, 10, 15))

        assert cancellation_end(membership=membership, today=DEC_3) == datetime.date(2027, 1, 14)
        assert services.membership_cancel(member=member).ended_on == datetime.date(2027, 1, 14)

    def test_the_last_month_is_billed_to_the_last_day(self, member, off_peak):
        MembershipFactory(member=member, plan=off_peak, started_on=datetime.date(2025, 1, 1))
        services.membership_cancel(member=member)

        invoice = services.invoice_generate(
            member=member, period_start=datetime.date(2027, 1, 1), period_end=datetime.date(2027, 1, 31)
        )

        # 25.00 x 2/31
        assert lines_of(invoice) == [("plan", "Off-Peak membership — January 2027 (2 of 31 days)", Decimal("1.61"))]

    def test_calls_off_an_arranged_plan_change_and_later_freezes(self, member, classes8, off_peak):
        current = MembershipFactory(member=member, plan=off_peak, started_on=datetime.date(2025, 1, 1))
        services.membership_change_plan(member=member, plan=classes8)
        MembershipFreezeFactory(
            membership=current, starts_on=datetime.date(2026, 12, 28), ends_on=datetime.date(2027, 1, 10)
        )

        services.membership_cancel(member=member)

        assert list(Membership.objects.filter(member=member)) == [current]
        freeze = current.freezes.get()
        assert freeze.ends_on == datetime.date(2027, 1, 2)

    def test_twice_is_refused_and_notice_can_be_withdrawn(self, member, off_peak):
        membership = MembershipFactory(member=member, plan=off_peak, started_on=datetime.date(2025, 1, 1))
        services.membership_cancel(member=member)

        with refused("membership_already_cancelled", ended_on="Sat 2 Jan 2027"):
            services.membership_cancel(member=member)
        with refused("membership_cancelling"):
            services.membership_change_plan(member=member, plan=MembershipPlanFactory(name="Other"))

        services.membership_cancel_withdraw(member=member)
        membership.refresh_from_db()
        assert (membership.ended_on, membership.cancelled_on) == (None, None)
        with refused("membership_not_cancelled"):
            services.membership_cancel_withdraw(member=member)

    def test_a_month_billed_in_advance_is_put_right_when_notice_ends_it_early(self, member):
        no_notice = MembershipPlanFactory(name="Flexi", monthly_fee=Decimal("31.00"))
        joined = services.membership_join(member=member, plan=no_notice)  # 3-31 Dec billed: 29.00

        services.membership_cancel(member=member)  # no notice: ends today, 3 December

        adjustment = InvoiceLine.objects.get(kind=InvoiceLine.Kind.PLAN_ADJUSTMENT)
        assert adjustment.unit_price == Decimal("-28.00")  # 1 day (1.00) instead of 29 (29.00)
        assert adjustment.invoice.status == Invoice.Status.DRAFT
        assert adjustment.invoice != joined.invoice
