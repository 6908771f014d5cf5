"""Every migration can be unapplied and applied again: the hand-written SQL has a working reverse."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor

from clubsite.core.db import violated_constraint

# What the RunSQL migrations add beside the models' tables.
VIEWS = {"members_latest_metric"}
TRIGGERS = {
    "members_healthmetric_append_only",
    "members_member_track_last_metric",
    "operations_classregistration_capacity",
}
FUNCTIONS = {
    "members_healthmetric_refuse_update",
    "members_member_track_last_metric",
    "operations_classregistration_enforce_capacity",
}
INDEXES = {"members_healthmetric_member_recorded", "accounts_user_first_name_trgm", "accounts_user_last_name_trgm"}
# The job queue's schema is procrastinate's, installed by migrations it cannot reverse: it stays at "zero".
QUEUE_APP = "procrastinate"


def _ours(names: set[str]) -> set[str]:
    return {name for name in names if not name.startswith(QUEUE_APP)}


def _schema() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = {name for (name,) in cursor.fetchall()}
        cursor.execute("SELECT viewname FROM pg_views WHERE schemaname = 'public'")
        views = {name for (name,) in cursor.fetchall()}
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        triggers = {name for (name,) in cursor.fetchall()}
        cursor.execute(
            "SELECT p.proname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang"
            " WHERE p.pronamespace = 'public'::regnamespace AND l.lanname = 'plpgsql'"
        )
        functions = {name for (name,) in cursor.fetchall()}
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
        indexes = {name for (name,) in cursor.fetchall()}
    return {"tables": tables, "views": views, "triggers": triggers, "functions": functions, "indexes": indexes}


def _migrate(targets) -> None:
    # A fresh executor each time: it reads which migrations are applied when it is built.
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()


@pytest.mark.django_db(transaction=True)
def test_every_app_migrates_to_zero_and_back_to_the_latest():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    apps_with_migrations = sorted({app for app, _ in latest} - {QUEUE_APP})
    before = _schema()
    assert VIEWS <= before["views"]
    assert TRIGGERS <= before["triggers"]
    assert FUNCTIONS <= before["functions"]
    assert INDEXES <= before["indexes"]

    try:
        _migrate([(app, None) for app in apps_with_migrations])
        at_zero = _schema()
        assert {app for app, _ in MigrationExecutor(connection).loader.applied_migrations} <= {QUEUE_APP}
    finally:
        # Whatever happened above, later tests need the full schema back.
        _migrate(latest)
    after = _schema()

    assert _ours(at_zero["tables"]) == {"django_migrations"}
    assert _ours(at_zero["views"]) == set()
    assert _ours(at_zero["triggers"]) == set()
    assert at_zero["functions"] & FUNCTIONS == set()
    assert at_zero["indexes"] & INDEXES == set()
    assert after == before
    assert MigrationExecutor(connection).migration_plan(latest) == []


@pytest.mark.django_db(transaction=True)
def test_the_rules_work_again_after_migrating_back():
    # Runs after the round trip above (same module, in order): the triggers are live, not just present.
    from members.models import HealthMetric
    from members.tests.factories import MemberFactory

    member = MemberFactory()
    metric = HealthMetric.objects.create(member=member, weight=Decimal("70.0"))
    member.refresh_from_db()
    assert member.last_metric_at == metric.recorded_at
    with pytest.raises(IntegrityError) as raised:
        HealthMetric.objects.filter(pk=metric.pk).update(weight=Decimal("71.0"))
    assert violated_constraint(raised.value) == "members_healthmetric_append_only"
