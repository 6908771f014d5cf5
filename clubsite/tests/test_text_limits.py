"""Every free-text column is limited in the database, and a text over the limit is a clear refusal at every door.

A limit only in a form holds for that form: the admin took a 1,000,000-character maintenance description the
trainer's form caps at 2,000. The database's CHECK holds for every door and script; the field's max_length
makes forms, the admin and the API say so where it was typed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.urls import reverse

from clubsite.core.db import TEXT_LIMITS
from clubsite.testing.api import ApiClient
from clubsite.testing.roles import staff_user
from clubsite.testing.twofactor import sign_in
from operations.errors import SchedulingError
from operations.models import MaintenanceRecord
from operations.services import maintenance_record_create, maintenance_record_set_status
from operations.tests.factories import EquipmentFactory

PROJECT = Path(settings.BASE_DIR)


def project_models() -> list[type[models.Model]]:
    """The concrete tables of the project's own apps (not Django's or the packages')."""
    return [
        model
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(PROJECT) and ".venv" not in Path(config.path).parts
        for model in config.get_models()
        if model._meta.managed and not model._meta.proxy
    ]


def free_text_columns() -> list[tuple[type[models.Model], models.Field]]:
    return [
        (model, field)
        for model in project_models()
        for field in model._meta.local_concrete_fields
        if isinstance(field, models.TextField | models.CharField)
    ]


def check_constraints(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'c'",
            [table],
        )
        return dict(cursor.fetchall())


def test_the_walk_finds_the_project_s_text_columns():
    names = {f"{model._meta.db_table}.{field.column}" for model, field in free_text_columns()}

    assert "operations_maintenancerecord.issue_description" in names
    assert "accounts_user.email" in names
    assert not any(name.startswith(("auth_", "django_", "axes_")) for name in names)


@pytest.mark.django_db
def test_every_text_column_of_every_model_has_a_limit_in_the_database():
    unlimited = []
    for model, field in free_text_columns():
        table, column = model._meta.db_table, field.column
        if field.max_length is None:
            unlimited.append(f"{table}.{column}: no max_length (forms, the admin and the API take any length)")
        elif isinstance(field, models.TextField):
            definition = check_constraints(table).get(f"{table}_{column}_length", "")
            if f"<= {field.max_length})" not in definition:
                unlimited.append(f"{table}.{column}: no CHECK {table}_{column}_length at {field.max_length}")
        # A CharField with a max_length is varchar(n): the database holds its limit.
    assert not unlimited, "\n".join(unlimited)


def test_every_limit_is_known_to_the_coded_errors():
    text_columns = {
        f"{model._meta.db_table}_{field.column}_length": (field.column, field.max_length)
        for model, field in free_text_columns()
        if isinstance(field, models.TextField)
    }

    assert text_columns == TEXT_LIMITS


@pytest.mark.django_db
def test_a_service_meeting_the_limit_is_refused_with_a_code_under_the_field():
    record = maintenance_record_create(equipment=EquipmentFactory(), issue_description="Belt slipping")

    with pytest.raises(SchedulingError) as raised:
        maintenance_record_set_status(record=record, status="resolved", resolution_notes="x" * 2001)

    assert (raised.value.code, raised.value.field) == ("text_too_long", "resolution_notes")
    assert raised.value.message == "Write at most 2000 characters."
    record.refresh_from_db()
    assert record.status == MaintenanceRecord.Status.OPEN


@pytest.mark.django_db
def test_a_million_character_maintenance_description_is_refused_by_the_admin(client):
    sign_in(client, staff_user("manager"))
    equipment = EquipmentFactory()

    response = client.post(
        reverse("admin:operations_maintenancerecord_add"),
        {"equipment": equipment.pk, "issue_description": "x" * 1_000_000},
    )

    assert response.status_code == 200
    assert "Ensure this value has at most 2000 characters (it has 1000000)." in response.content.decode()
    assert not MaintenanceRecord.objects.exists()


@pytest.mark.django_db
def test_resolution_notes_over_the_limit_through_the_api_are_a_problem_under_the_field():
    record = maintenance_record_create(equipment=EquipmentFactory(), issue_description="Belt slipping")

    response = ApiClient(staff_user("manager")).put(
        f"/staff/maintenance/{record.pk}/status", {"status": "resolved", "resolution_notes": "x" * 5000}
    )

    assert response.status_code == 422, response.content
    assert (response.json()["code"], response.json()["field"]) == ("text_too_long", "resolution_notes")
