"""The database records every insert, update and delete of the audited tables, whoever writes and however."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import DatabaseError, connection, transaction

from billing.tests.factories import (
    InvoiceFactory,
    InvoiceLineFactory,
    MembershipFactory,
    MembershipFreezeFactory,
    PaymentFactory,
)
from clubsite.accounts.tests.factories import UserFactory
from clubsite.audit.context import audit_context
from clubsite.audit.models import AuditEvent
from clubsite.audit.tables import AUDITED
from operations.models import Booking
from operations.tests.factories import (
    AdminStaffFactory,
    BookingFactory,
    ClassRegistrationFactory,
    GroupClassFactory,
    PersonalTrainingSessionFactory,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    make: Callable[[], tuple[int, int]]  # -> (the trail's object id, the row's id)
    column: str  # a column the update sets
    value: str  # its new value, as SQL


def _row(obj) -> tuple[int, int]:
    return obj.pk, obj.pk


def _user_group() -> tuple[int, int]:
    user = UserFactory()
    user.groups.add(Group.objects.create(name="Audited group"))
    Group.objects.create(name="Other group")
    return user.pk, user.groups.through.objects.get(user=user).pk


def _user_permission() -> tuple[int, int]:
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_invoice"))
    return user.pk, user.user_permissions.through.objects.get(user=user).pk


def _group_permission() -> tuple[int, int]:
    group = Group.objects.create(name="Audited group")
    group.permissions.add(Permission.objects.get(codename="view_invoice"))
    return group.pk, group.permissions.through.objects.get(group=group).pk


def _other_permission() -> str:
    return str(Permission.objects.get(codename="view_payment").pk)


CASES: dict[str, Case] = {
    "billing_invoice": Case(lambda: _row(InvoiceFactory()), "status", "'void'"),
    "billing_invoiceline": Case(lambda: _row(InvoiceLineFactory()), "voided", "true"),
    "billing_payment": Case(lambda: _row(PaymentFactory()), "kind", "'refund'"),
    "billing_membership": Case(lambda: _row(MembershipFactory()), "cancelled_on", "'2026-01-31'"),
    "billing_membershipfreeze": Case(lambda: _row(MembershipFreezeFactory()), "reason", "'holiday'"),
    "operations_adminstaff": Case(lambda: _row(AdminStaffFactory()), "role", "'billing'"),
    "operations_booking": Case(lambda: _row(BookingFactory()), "status", "'cancelled'"),
    "operations_groupclass": Case(lambda: _row(GroupClassFactory()), "capacity", "3"),
    "operations_classregistration": Case(lambda: _row(ClassRegistrationFactory()), "status", "'cancelled'"),
    "operations_personaltrainingsession": Case(lambda: _row(PersonalTrainingSessionFactory()), "price", "55.00"),
    "accounts_user": Case(lambda: _row(UserFactory()), "is_superuser", "true"),
    "accounts_user_groups": Case(_user_group, "group_id", "(SELECT id FROM auth_group WHERE name = 'Other group')"),
    "accounts_user_user_permissions": Case(_user_permission, "permission_id", "-1"),
    "auth_group": Case(lambda: _row(Group.objects.create(name="Audited group")), "name", "'Renamed'"),
    "auth_group_permissions": Case(_group_permission, "permission_id", "-1"),
}


def trail(table: str, object_id: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(table_name=table, object_id=str(object_id)).order_by("id"))


def test_every_audited_table_has_a_case_here():
    assert set(CASES) == set(AUDITED)


@pytest.mark.parametrize("table", sorted(CASES))
def test_an_insert_an_update_and_a_delete_are_recorded(table):
    case = CASES[table]
    with audit_context(door="command", actor_label="tests"):
        object_id, row_id = case.make()
    value = _other_permission() if case.value == "-1" else case.value
    with connection.cursor() as cursor:
        # Raw SQL with no context: door "sql".
        cursor.execute(f"UPDATE {table} SET {case.column} = {value} WHERE id = %s", [row_id])
        with audit_context(door="admin", actor_id=7, actor_label="ann@club.test"):
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [row_id])

    events = [event for event in trail(table, object_id) if event.action != "insert" or _is_row(event, row_id)]
    actions = [(event.action, event.door, event.actor_id, event.actor_label) for event in events]
    assert actions == [
        ("insert", "command", None, "tests"),
        ("update", "sql", None, ""),
        ("delete", "admin", 7, "ann@club.test"),
    ]
    inserted, updated, deleted = events
    assert inserted.before is None and inserted.after["id"] == row_id
    assert list(updated.before) == list(updated.after) == [case.column]
    assert updated.before != updated.after
    assert deleted.after is None and deleted.before["id"] == row_id


def _is_row(event: AuditEvent, row_id: int) -> bool:
    return event.after is not None and event.after.get("id") == row_id


def test_the_user_row_keeps_only_what_grants_powers_never_the_password_or_the_email():
    user = UserFactory(email="ann@club.test")
    user.set_password("s3cret-pass")
    user.last_name = "Renamed"
    user.save()  # nothing that grants a power changed: no event
    user.is_staff = True
    user.save()

    inserted, updated = trail("accounts_user", user.pk)
    assert set(inserted.after) == {"id", "is_active", "is_staff", "is_superuser"}
    assert (updated.before, updated.after) == ({"is_staff": False}, {"is_staff": True})


def test_a_pt_session_s_notes_are_recorded_as_changed_never_their_text():
    session = PersonalTrainingSessionFactory(notes="")
    session.notes = "Bad knee since the marathon"
    session.save()

    inserted, updated = trail("operations_personaltrainingsession", session.pk)
    assert inserted.after["notes"] == ""
    assert (updated.before, updated.after) == ({"notes": ""}, {"notes": "(not kept)"})
    assert "knee" not in str(AuditEvent.objects.values_list("after", flat=True))


def test_a_bulk_write_is_one_event_per_row_in_one_statement():
    ids = [BookingFactory().pk for _ in range(3)]

    with audit_context(door="command", actor_label="bulk"):
        assert Booking.objects.filter(pk__in=ids).update(title="Closed") == 3

    events = AuditEvent.objects.filter(table_name="operations_booking", action="update")
    assert sorted(int(event.object_id) for event in events) == sorted(ids)
    assert {(event.after["title"], event.actor_label) for event in events} == {("Closed", "bulk")}
    assert len({event.at for event in events}) == 1


def test_an_update_that_changes_nothing_is_not_recorded():
    booking = BookingFactory()
    booking.save()
    assert [event.action for event in trail("operations_booking", booking.pk)] == ["insert"]


@pytest.mark.parametrize("statement", ["UPDATE audit_auditevent SET door = 'job'", "DELETE FROM audit_auditevent"])
def test_the_trail_cannot_be_changed_or_deleted(statement):
    BookingFactory()
    assert AuditEvent.objects.exists()

    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)

    assert refused.value.__cause__.diag.constraint_name == "audit_auditevent_append_only"
    assert AuditEvent.objects.filter(door="sql").exists()


def test_the_orm_refuses_too():
    BookingFactory()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(actor_label="someone else")


def test_every_audited_table_has_its_three_triggers():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname IN ('audit_insert', 'audit_update', 'audit_delete') AND NOT t.tgisinternal"
        )
        found = set(cursor.fetchall())
    expected = {(table, f"audit_{event}") for table in AUDITED for event in ("insert", "update", "delete")}
    assert found == expected


def test_the_migration_s_table_list_is_the_app_s():
    import importlib

    migration = importlib.import_module("clubsite.audit.migrations.0002_audit_triggers")
    assert migration.AUDITED == AUDITED
