import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from billing import services as billing
from billing.models import (
    ClassCover,
    ClassPack,
    CreditPack,
    Invoice,
    InvoiceLine,
    Membership,
    MembershipFreeze,
    MembershipPlan,
)
from billing.selectors import credits_left, membership_state, plan_month_charge
from clubsite.accounts.models import User
from clubsite.demo.management.commands.seed_demo import (
    DEMO_ADMIN_EMAIL,
    DEMO_MEMBER_EMAIL,
    DEMO_PASSWORD,
    DEMO_TRAINER_EMAIL,
)
from clubsite.testing import sign_in
from members.models import FitnessGoal, HealthMetric, Member
from operations.models import (
    AdminStaff,
    Booking,
    ClassRegistration,
    GroupClass,
    MaintenanceRecord,
    PersonalTrainingSession,
    Room,
)
from trainers.models import Trainer, TrainerAvailability


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module (it takes a few seconds) and clean up afterwards."""
    with django_db_blocker.unblock():
        output = _seed()
        yield output
        from django.core.management import call_command as run

        run("flush", "--no-input", verbosity=0)
        from django.db import connection

        from conftest import PROCRASTINATE_TABLES

        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {PROCRASTINATE_TABLES} RESTART IDENTITY CASCADE")


@pytest.mark.django_db
def test_seed_demo_builds_a_realistic_club(seeded):
    now = timezone.now()
    fortnight = now + datetime.timedelta(days=14)

    assert Member.objects.count() >= 40
    assert Member.objects.filter(metrics__isnull=False).distinct().count() == Member.objects.count()
    assert HealthMetric.objects.count() >= 40 * 5
    assert FitnessGoal.objects.filter(is_active=True).count() >= 40
    assert Trainer.objects.count() == 6
    for trainer in Trainer.objects.all():
        upcoming_days = {
            timezone.localtime(window.start_time).date()
            for window in TrainerAvailability.objects.filter(
                trainer=trainer, start_time__gte=now, start_time__lt=fortnight
            )
        }
        assert len(upcoming_days) >= 13, trainer
    assert Room.objects.count() == 5
    assert MaintenanceRecord.objects.values("status").distinct().count() == 3
    upcoming = GroupClass.objects.filter(booking__start_time__gte=now, booking__status=Booking.Status.SCHEDULED)
    assert upcoming.count() >= 30
    full_with_waitlist = upcoming.annotate(
        seated=Count("registrations", filter=Q(registrations__status__in=ClassRegistration.SEATED)),
        waiting=Count("registrations", filter=Q(registrations__status=ClassRegistration.Status.WAITLISTED)),
    ).filter(waiting__gt=0)
    assert full_with_waitlist.exists()
    assert all(group_class.seated == group_class.capacity for group_class in full_with_waitlist)
    assert PersonalTrainingSession.objects.filter(booking__start_time__gte=now).exists()
    assert PersonalTrainingSession.objects.filter(booking__status=Booking.Status.COMPLETED).exists()
    assert set(Invoice.objects.values_list("status", flat=True)) == {status for status, _ in Invoice.Status.choices}
    assert "Demo club ready" in seeded


@pytest.mark.django_db
def test_seed_demo_logins_work(seeded, client):
    admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
    assert admin.is_superuser and admin.admin_staff.role == AdminStaff.Role.MANAGER
    assert User.objects.get(email=DEMO_MEMBER_EMAIL).member
    assert User.objects.get(email=DEMO_TRAINER_EMAIL).trainer
    assert sign_in(client, email=DEMO_ADMIN_EMAIL, password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing(seeded):
    counts = (User.objects.count(), HealthMetric.objects.count(), Booking.objects.count(), Invoice.objects.count())

    output = _seed()

    assert "already present" in output
    assert counts == (
        User.objects.count(),
        HealthMetric.objects.count(),
        Booking.objects.count(),
        Invoice.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_tells_nobody_of_the_history_it_writes(seeded):
    # Its registrations, sessions and invoices are history: no confirmation, invoice mail or webhook is queued.
    from clubsite.testing.jobs import queued

    assert ClassRegistration.objects.exists()
    assert queued() == []


# -- plans with terms, packs, freezes, offers: what the demo member tries after `make run` -------------------------


def _demo_member() -> Member:
    return Member.objects.get(user__email=DEMO_MEMBER_EMAIL)


@pytest.mark.django_db
def test_the_demo_club_sells_plans_with_terms_and_class_packs(seeded):
    plans = {plan.name: plan for plan in MembershipPlan.objects.all()}
    assert set(plans) == {"Off-Peak Gym", "Student", "Classes 8", "Unlimited"}
    assert (plans["Off-Peak Gym"].classes, plans["Off-Peak Gym"].joining_fee) == ("none", Decimal("0.00"))
    eight = plans["Classes 8"]
    assert (eight.classes_per_month, eight.joining_fee, eight.minimum_term_months, eight.notice_months) == (
        8,
        Decimal("20.00"),
        3,
        1,
    )
    assert (plans["Unlimited"].classes, plans["Unlimited"].minimum_term_months) == ("unlimited", 12)
    assert set(ClassPack.objects.values_list("name", "credits", "price", "valid_days")) == {
        ("5-class pack", 5, Decimal("40.00"), 90),
        ("10-class pack", 10, Decimal("70.00"), 180),
    }
    # Members on every plan; some bought packs, some froze, gave notice or change plan next month.
    assert Membership.objects.values("plan").distinct().count() == 4
    assert CreditPack.objects.count() >= 5
    assert MembershipFreeze.objects.filter(ends_on__lt=timezone.localdate()).exists()
    assert MembershipFreeze.objects.filter(starts_on__gt=timezone.localdate()).exists()
    assert Membership.objects.filter(cancelled_on__isnull=False).exists()
    assert Membership.objects.filter(started_on__gt=timezone.localdate()).exists()


@pytest.mark.django_db
def test_every_seat_of_the_demo_is_paid_for_and_history_has_no_shows(seeded):
    taken = ClassRegistration.objects.filter(status__in=ClassRegistration.TAKEN)

    assert not taken.filter(cover__isnull=True).exists()
    assert set(ClassCover.objects.values_list("kind", flat=True)) == {"plan", "credit", "drop_in"}
    assert ClassRegistration.objects.filter(status=ClassRegistration.Status.NO_SHOW).exists()
    assert ClassRegistration.objects.filter(status=ClassRegistration.Status.ATTENDED).exists()
    assert InvoiceLine.objects.filter(kind=InvoiceLine.Kind.FEE).exists()
    # A pack's credits left are what it bought less the seats it paid for.
    for pack in CreditPack.objects.annotate(spent=Count("covers")):
        assert pack.credits_left == pack.credits - pack.spent, pack


@pytest.mark.django_db
def test_the_demo_member_has_a_plan_credits_an_offer_and_a_class_soon(seeded):
    member = _demo_member()
    today = timezone.localdate()
    now = timezone.now()

    state = membership_state(member=member, day=today)
    assert (state.status, state.plan_name) == ("active", "Classes 8")
    assert credits_left(member=member, day=today) > 0
    offer = ClassRegistration.objects.get(member=member, status=ClassRegistration.Status.OFFERED)
    assert timezone.localtime(offer.group_class.booking.start_time).date() == today + datetime.timedelta(days=1)
    assert offer.offer_expires_at > now
    assert offer.group_class.registrations.filter(status=ClassRegistration.Status.WAITLISTED).exists()
    soon = ClassRegistration.objects.get(
        member=member,
        status=ClassRegistration.Status.REGISTERED,
        group_class__booking__start_time__gt=now,
        group_class__booking__start_time__lte=now + datetime.timedelta(minutes=30),
    )
    assert soon.group_class.booking.start_time - now >= datetime.timedelta(minutes=15)
    assert ClassRegistration.objects.filter(member=member, status=ClassRegistration.Status.NO_SHOW).exists()


@pytest.mark.django_db
def test_the_demo_member_books_in_the_next_days_and_can_freeze_the_fortnight_after(seeded):
    member = _demo_member()
    today = timezone.localdate()
    upcoming = ClassRegistration.objects.filter(
        member=member, status__in=ClassRegistration.LIVE, group_class__booking__start_time__gt=timezone.now()
    )
    assert upcoming.count() >= 3
    starts_on = today + datetime.timedelta(days=4)

    freeze = billing.membership_freeze(
        member=member, starts_on=starts_on, ends_on=starts_on + datetime.timedelta(days=13)
    )

    charge = plan_month_charge(membership=freeze.membership, month=starts_on, freezes=[freeze])
    assert charge.days_frozen > 0
    assert charge.amount < freeze.membership.plan.monthly_fee
