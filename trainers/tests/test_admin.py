import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clubsite.testing.admin import split_datetime
from operations.errors import SchedulingError
from operations.tests.factories import GroupClassFactory, local_time
from trainers.models import TrainerAvailability
from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory

pytestmark = pytest.mark.django_db


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:trainers_{model}_{view}", args=args)


def test_trainer_autocomplete_finds_by_name(admin_client):
    trainer = TrainerFactory(user__first_name="Imogen", user__last_name="Quayle")
    TrainerFactory(user__first_name="Bob", user__last_name="Smith")

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "quay", "app_label": "trainers", "model_name": "traineravailability", "field_name": "trainer"},
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(trainer.pk)]


class TestAvailabilityAdmin:
    def test_adding_a_window_repeated_weekly(self, admin_client):
        trainer = TrainerFactory()
        start = local_time(days=1, hour=9)

        response = admin_client.post(
            url("traineravailability", "add"),
            {
                "trainer": trainer.pk,
                **split_datetime(start, "start_time"),
                **split_datetime(start + datetime.timedelta(hours=3), "end_time"),
                "weeks": 3,
            },
        )

        assert response.status_code == 302
        assert TrainerAvailability.objects.filter(trainer=trainer).count() == 3

    def test_an_overlap_is_a_form_error_naming_the_window(self, admin_client):
        window = TrainerAvailabilityFactory()

        response = admin_client.post(
            url("traineravailability", "add"),
            {
                "trainer": window.trainer.pk,
                **split_datetime(window.start_time + datetime.timedelta(hours=1), "start_time"),
                **split_datetime(window.start_time + datetime.timedelta(hours=2), "end_time"),
                "weeks": 1,
            },
        )

        assert response.status_code == 200
        local_start, local_end = timezone.localtime(window.start_time), timezone.localtime(window.end_time)
        shown = f"{local_start:%a} {local_start.day} {local_start:%b %H:%M}–{local_end:%H:%M}"
        assert SchedulingError("availability_overlaps", window=shown).message in response.content.decode()
        assert TrainerAvailability.objects.count() == 1

    def test_changing_a_window(self, admin_client):
        window = TrainerAvailabilityFactory()
        start = local_time(days=2, hour=7)

        response = admin_client.post(
            url("traineravailability", "change", window.pk),
            {**split_datetime(start, "start_time"), **split_datetime(start + datetime.timedelta(hours=2), "end_time")},
        )

        assert response.status_code == 302
        window.refresh_from_db()
        assert window.start_time == start

    def test_the_delete_action_keeps_windows_that_bookings_rely_on(self, admin_client):
        relied_on = TrainerAvailabilityFactory()
        GroupClassFactory(booking__trainer=relied_on.trainer, booking__start_time=relied_on.start_time)  # inside
        free = TrainerAvailabilityFactory()

        response = admin_client.post(
            url("traineravailability", "changelist"),
            {"action": "delete_windows", "_selected_action": [relied_on.pk, free.pk]},
            follow=True,
        )

        assert "These bookings would be left outside your availability" in response.content.decode()
        assert list(TrainerAvailability.objects.values_list("pk", flat=True)) == [relied_on.pk]
