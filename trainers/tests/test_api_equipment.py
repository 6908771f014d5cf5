"""Reporting an equipment issue over the API: the portal's service; the equipment is broken until seen to."""

import pytest

from clubsite.testing.api import ApiClient
from operations.models import Equipment, MaintenanceRecord
from operations.tests.factories import EquipmentFactory, RoomFactory

pytestmark = pytest.mark.django_db


def test_lists_the_equipment_by_room(trainer, django_assert_max_num_queries):
    EquipmentFactory(room=RoomFactory(name="Weights"), name="Squat rack")
    EquipmentFactory(room=RoomFactory(name="Cardio"), name="Treadmill")
    api = ApiClient(trainer.user)

    with django_assert_max_num_queries(4):  # token, its last use, trainer, equipment with rooms
        response = api.get("/trainer/equipment")

    assert response.status_code == 200
    assert [(e["room"], e["name"]) for e in response.json()] == [("Cardio", "Treadmill"), ("Weights", "Squat rack")]


@pytest.mark.parametrize("session", [False, True], ids=["token", "session"])
def test_reports_an_issue_which_marks_the_equipment_broken(trainer, session):
    treadmill = EquipmentFactory(name="Treadmill", room=RoomFactory(name="Cardio"))

    response = ApiClient(trainer.user, session=session).post(
        "/trainer/equipment-issues", {"equipment": treadmill.pk, "issue_description": "  Belt slips at speed 8.  "}
    )

    assert response.status_code == 201, response.content
    record = MaintenanceRecord.objects.get()
    assert (record.issue_description, record.reported_by, record.status) == (
        "Belt slips at speed 8.",
        trainer.user,
        MaintenanceRecord.Status.OPEN,
    )
    body = response.json()
    assert body["id"] == record.pk
    assert (body["equipment"]["room"], body["equipment"]["status"]) == ("Cardio", Equipment.Status.BROKEN)
    treadmill.refresh_from_db()
    assert treadmill.status == Equipment.Status.BROKEN


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"equipment": 999999, "issue_description": "Broken"}, "equipment_required", "equipment"),
        ({"issue_description": "Broken"}, "invalid", "equipment"),
        ({"equipment": "known", "issue_description": "   "}, "issue_required", "issue_description"),
    ],
    ids=["unknown-equipment", "no-equipment", "blank-description"],
)
def test_refusals_name_their_field(trainer, body, code, field):
    if body.get("equipment") == "known":
        body = {**body, "equipment": EquipmentFactory().pk}

    response = ApiClient(trainer.user).post("/trainer/equipment-issues", body)

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert not MaintenanceRecord.objects.exists()


def test_a_member_cannot_report_over_the_trainer_api(member):
    response = ApiClient(member.user).post(
        "/trainer/equipment-issues", {"equipment": EquipmentFactory().pk, "issue_description": "Broken"}
    )

    assert response.status_code == 403
    assert not MaintenanceRecord.objects.exists()
