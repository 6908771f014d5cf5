from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Max, Q

from billing.models import Invoice, Membership, MembershipPlan
from clubsite.demo.bulk import BASE
from members.models import HealthMetric, Member
from members.tests.factories import HealthMetricFactory
from operations.models import ClassRegistration, GroupClass, PersonalTrainingSession
from trainers.models import Trainer


def _trigger_enabled(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = %s", [name])
        return cursor.fetchone()[0] == "O"


@pytest.mark.django_db
def test_seed_bulk_loads_the_base_club_and_leaves_the_rules_in_force():
    out = StringIO()

    call_command("seed_bulk", "--scale", "1", stdout=out, stderr=StringIO())

    assert Member.objects.count() == BASE["members"]
    assert HealthMetric.objects.count() == BASE["members"] * BASE["metrics_per_member"]
    assert Trainer.objects.count() == BASE["trainers"]
    assert GroupClass.objects.count() == BASE["classes"]
    assert ClassRegistration.objects.count() == 10_000
    assert PersonalTrainingSession.objects.count() == BASE["pt_sessions"]
    assert Invoice.objects.count() == BASE["members"] * BASE["invoice_months"]
    assert set(Invoice.objects.values_list("status", flat=True)) == {s for s, _ in Invoice.Status.choices}
    assert "Loaded" in out.getvalue()
    # Every member is on one of the plans with terms; some gave notice, ending after the plan's month of it.
    plans = MembershipPlan.objects.filter(memberships__isnull=False).distinct()
    assert {(p.name, p.classes, p.minimum_term_months, p.notice_months) for p in plans} == {
        ("Off-Peak Gym", "none", 0, 1),
        ("Classes 8", "allowance", 3, 1),
        ("Unlimited", "unlimited", 12, 1),
    }
    assert Membership.objects.count() == BASE["members"]
    noticed = Membership.objects.filter(cancelled_on__isnull=False)
    assert noticed.count() == BASE["members"] // 25
    assert not noticed.filter(ended_on__isnull=True).exists()
    # The triggers set aside for the load are back, and what they maintain is right.
    assert _trigger_enabled("members_member_track_last_metric")
    assert _trigger_enabled("operations_classregistration_capacity")
    wrong = Member.objects.annotate(latest=Max("metrics__recorded_at")).exclude(last_metric_at=F("latest"))
    assert not wrong.exists()
    overfull = GroupClass.objects.annotate(
        seated=Count("registrations", filter=Q(registrations__status__in=ClassRegistration.SEATED))
    ).filter(seated__gt=F("capacity"))
    assert not overfull.exists()
    # The indexes dropped for the load were rebuilt, foreign key included.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'members_healthmetric_member_recorded'")
        assert cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'members_healthmetric'::regclass AND contype = 'f'"
        )
        assert cursor.fetchone()[0] == 1
    member = Member.objects.first()
    newest = HealthMetricFactory(member=member)
    member.refresh_from_db()
    assert member.last_metric_at == newest.recorded_at


@pytest.mark.django_db
def test_seed_bulk_refuses_to_load_twice_and_bad_scales():
    call_command("seed_bulk", "--scale", "1", stdout=StringIO(), stderr=StringIO())

    with pytest.raises(CommandError, match="already loaded"):
        call_command("seed_bulk", "--scale", "1", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="between 1 and 200"):
        call_command("seed_bulk", "--scale", "0", stdout=StringIO(), stderr=StringIO())
    assert Member.objects.count() == BASE["members"]

