import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from billing.models import Invoice
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
        seated=Count("registrations", filter=Q(registrations__status=ClassRegistration.Status.REGISTERED)),
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
