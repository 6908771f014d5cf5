import re

import pytest
from django.urls import reverse

from clubsite.accounts.tests.factories import UserFactory
from operations.models import Equipment, MaintenanceRecord
from operations.tests.factories import EquipmentFactory, MaintenanceRecordFactory, RoomFactory

pytestmark = pytest.mark.django_db

URL = reverse("trainers:equipment-issue")


@pytest.fixture
def treadmill():
    return EquipmentFactory(room=RoomFactory(name="PT Suite"), name="Treadmill", asset_tag="PS-002")


def test_the_equipment_select_is_grouped_by_room(trainer_client, treadmill):
    EquipmentFactory(room=RoomFactory(name="Spin Room"), name="Spin bike", asset_tag="SR-001", status="broken")

    page = trainer_client.get(URL).content.decode()

    groups = re.findall(r'<optgroup label="([^"]+)">', page)
    assert groups == ["PT Suite", "Spin Room"]
    assert "Treadmill (PS-002)" in page
    assert "Spin bike (SR-001) – broken" in page
    assert 'for="id_equipment"' in page and 'for="id_issue_description"' in page


def test_reporting_an_issue_records_it_and_marks_the_equipment_broken(trainer_client, trainer, treadmill):
    response = trainer_client.post(
        URL, {"equipment": treadmill.pk, "issue_description": "  Belt slips at speed 12  "}, follow=True
    )

    assert response.redirect_chain == [(URL, 302)]
    record = MaintenanceRecord.objects.get()
    assert (record.equipment, record.issue_description, record.reported_by) == (
        treadmill,
        "Belt slips at speed 12",
        trainer.user,
    )
    assert record.status == MaintenanceRecord.Status.OPEN
    treadmill.refresh_from_db()
    assert treadmill.status == Equipment.Status.BROKEN
    page = response.content.decode()
    assert "the issue with Treadmill (PS-002) in PT Suite is reported" in page
    assert "Belt slips at speed 12" in page  # under "Your recent reports"


@pytest.mark.parametrize(
    "data",
    [
        {"issue_description": "Broken"},
        {"equipment": "", "issue_description": "Broken"},
        {"equipment": "999999", "issue_description": "Broken"},
        {"equipment": "abc", "issue_description": "Broken"},
        {"equipment": "TREADMILL", "issue_description": "   "},
    ],
    ids=["no-equipment", "blank-equipment", "unknown-equipment", "not-an-id", "no-description"],
)
def test_incomplete_reports_are_form_errors_and_record_nothing(trainer_client, treadmill, data):
    data = {key: (treadmill.pk if value == "TREADMILL" else value) for key, value in data.items()}

    response = trainer_client.post(URL, data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not MaintenanceRecord.objects.exists()


def test_recent_reports_are_the_trainers_own(trainer_client, trainer, treadmill):
    MaintenanceRecordFactory(equipment=treadmill, reported_by=trainer.user, issue_description="Mine: squeaks")
    MaintenanceRecordFactory(equipment=treadmill, reported_by=UserFactory(), issue_description="Theirs: rattles")

    page = trainer_client.get(URL).content.decode()

    assert "Mine: squeaks" in page
    assert "Theirs: rattles" not in page


def test_the_query_count_holds_whatever_the_amount_of_data(trainer_client, trainer, django_assert_num_queries):
    def add(count: int) -> None:
        room = RoomFactory()
        for _ in range(count):
            item = EquipmentFactory(room=room)
            MaintenanceRecordFactory(equipment=item, reported_by=trainer.user)

    # Session, user, trainer profile, member profile (header), equipment, reports.
    add(1)
    with django_assert_num_queries(6):
        trainer_client.get(URL)
    add(15)
    with django_assert_num_queries(6):
        trainer_client.get(URL)
