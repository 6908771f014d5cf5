"""The mail about memberships and offered seats, and what a late cancellation cost: queued by the change, sent by
the worker, and not sent when it no longer applies."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail

from billing import services as billing
from billing.models import MembershipPlan
from billing.tests.factories import (
    ClassPackFactory,
    CreditPackFactory,
    MembershipFactory,
    MembershipFreezeFactory,
    MembershipPlanFactory,
    club_time,
)
from clubsite.testing.jobs import run_jobs
from members.tests.factories import MemberFactory
from operations import services as scheduling
from operations.models import ClassRegistration
from operations.tests.factories import GroupClassFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def december_tenth(time_machine):
    time_machine.move_to(club_time(2026, 12, 10, 10))


@pytest.fixture
def gold(db) -> MembershipPlan:
    return MembershipPlanFactory(name="Gold", monthly_fee=Decimal("45.00"), classes=MembershipPlan.Classes.UNLIMITED)


@pytest.fixture
def on_gold(member, gold):
    return MembershipFactory(member=member, plan=gold, started_on=D(2026, 6, 1))


def subjects() -> list[str]:
    return [message.subject for message in mail.outbox]


def one_mail():
    [message] = mail.outbox
    return message


# -- memberships -----------------------------------------------------------------------------------


def test_a_plan_change_is_told_with_the_new_plan_and_its_first_day(member, on_gold):
    platinum = MembershipPlanFactory(name="Platinum", monthly_fee=Decimal("60.00"))

    billing.membership_change_plan(member=member, plan=platinum)
    run_jobs()

    message = one_mail()
    assert message.subject == "Your plan changes to Platinum on 1 January"
    assert message.to == [member.user.email]
    assert "From Friday 1 January 2027 your plan is Platinum." in message.body
    assert "£60.00" in message.body
    assert f"{settings.CLUB_SITE_URL}/member/membership/" in message.body


def test_a_change_called_off_before_the_worker_sends_says_only_that_the_plan_runs_on(member, on_gold, gold):
    platinum = MembershipPlanFactory(name="Platinum", monthly_fee=Decimal("60.00"))
    billing.membership_change_plan(member=member, plan=platinum)
    billing.membership_change_plan(member=member, plan=gold)

    run_jobs()

    assert subjects() == ["Your Gold membership runs on"]


def test_notice_is_told_with_the_last_day(member, on_gold):
    billing.membership_cancel(member=member)
    run_jobs()

    message = one_mail()
    assert message.subject == "Your membership ends on 10 December 2026"  # no notice, no term: today
    assert "Notice given" in message.body


def test_notice_withdrawn_before_the_worker_sends_is_not_announced(member, on_gold):
    billing.membership_cancel(member=member)
    billing.membership_cancel_withdraw(member=member)

    run_jobs()

    assert subjects() == ["Your Gold membership runs on"]


def test_a_freeze_is_told_with_its_dates(member, on_gold):
    billing.membership_freeze(member=member, starts_on=D(2026, 12, 14), ends_on=D(2026, 12, 27))
    run_jobs()

    message = one_mail()
    assert message.subject == "Your membership is frozen"
    assert "frozen from Monday 14 December 2026 to Sunday 27 December 2026" in message.body
    assert "Monday 28 December 2026" in message.body  # back on


def test_a_freeze_called_off_is_told_and_its_freeze_mail_no_longer_goes(member, on_gold):
    freeze = billing.membership_freeze(member=member, starts_on=D(2026, 12, 14), ends_on=D(2026, 12, 27))
    billing.membership_freeze_end(freeze=freeze, back_on=D(2026, 12, 14))

    run_jobs()

    assert subjects() == ["Your freeze is called off"]


def test_a_freeze_ended_early_is_told_with_the_day_back(member, on_gold):
    freeze = MembershipFreezeFactory(membership=on_gold, starts_on=D(2026, 12, 5), ends_on=D(2026, 12, 20))

    billing.membership_freeze_end(freeze=freeze, back_on=D(2026, 12, 12))
    run_jobs()

    message = one_mail()
    assert message.subject == "Your freeze ends early"
    assert "runs again from Saturday 12 December 2026" in message.body


# -- offered seats and late cancellations --------------------------------------------------------


def test_an_offered_seat_is_mailed_with_its_deadline_and_a_link_to_accept(member, on_gold):
    group_class = GroupClassFactory(
        name="Spin",
        capacity=1,
        booking__start_time=club_time(2026, 12, 10, 13),
        booking__end_time=club_time(2026, 12, 10, 14),
    )
    seated = scheduling.class_register(member=MemberFactory(), group_class=group_class)
    scheduling.class_register(member=member, group_class=group_class)
    scheduling.class_registration_cancel(registration=seated)
    run_jobs()

    offered = next(
        message for message in mail.outbox if message.to == [member.user.email] and "offered" in message.subject
    )
    assert offered.subject == "A seat in Spin is offered to you"
    assert "accept it by Thu 10 Dec 12:00" in offered.body
    assert f"{settings.CLUB_SITE_URL}/member/" in offered.body


def test_an_offer_accepted_before_the_worker_sends_is_not_mailed_as_an_offer(member, on_gold):
    group_class = GroupClassFactory(
        name="Spin",
        capacity=1,
        booking__start_time=club_time(2026, 12, 10, 13),
        booking__end_time=club_time(2026, 12, 10, 14),
    )
    seated = scheduling.class_register(member=MemberFactory(), group_class=group_class)
    waiting = scheduling.class_register(member=member, group_class=group_class)
    run_jobs()
    mail.outbox.clear()
    scheduling.class_registration_cancel(registration=seated)
    scheduling.class_offer_accept(registration=ClassRegistration.objects.get(pk=waiting.pk))

    run_jobs()

    mine = [message.subject for message in mail.outbox if message.to == [member.user.email]]
    assert mine == ["You have a place in Spin"]


def test_a_late_cancellation_mail_says_the_fee_is_charged(member, on_gold):
    soon = GroupClassFactory(name="Spin", booking__start_time=club_time(2026, 12, 10, 14))
    registration = scheduling.class_register(member=member, group_class=soon)
    run_jobs()
    mail.outbox.clear()

    scheduling.class_registration_cancel(registration=registration)
    run_jobs()

    message = one_mail()
    assert message.subject == "Your place in Spin is cancelled"
    assert "less than 12 hours before the class, so the £5.00 late-cancel fee is added to this month's bill" in (
        message.body
    )


def test_a_late_cancellation_mail_says_the_credit_is_kept(member):
    MembershipFactory(member=member, plan=MembershipPlanFactory(name="Gym"), started_on=D(2026, 6, 1))
    CreditPackFactory(member=member, pack=ClassPackFactory(credits=3))
    soon = GroupClassFactory(name="Spin", booking__start_time=club_time(2026, 12, 10, 14))
    registration = scheduling.class_register(member=member, group_class=soon)
    run_jobs()
    mail.outbox.clear()

    scheduling.class_registration_cancel(registration=registration)
    run_jobs()

    assert "so the class credit that paid for it is not given back" in one_mail().body


def test_a_cancellation_in_time_says_nothing_of_fees(member, on_gold):
    registration = scheduling.class_register(member=member, group_class=GroupClassFactory(name="Spin"))
    run_jobs()
    mail.outbox.clear()

    scheduling.class_registration_cancel(registration=registration)
    run_jobs()

    message = one_mail()
    assert message.subject == "Your place in Spin is cancelled"
    assert "late" not in message.body
