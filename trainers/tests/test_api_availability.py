"""Availability over the API: the same services, and the same refusals, as the trainer portal's pages."""

import pytest

from clubsite.testing.api import ApiClient
from clubsite.testing.errors import span_text
from clubsite.testing.scenes import session_at
from operations.tests.factories import local_time
from trainers.models import TrainerAvailability
from trainers.tests.factories import TrainerAvailabilityFactory

pytestmark = pytest.mark.django_db


def windows_of(trainer) -> list[tuple]:
    return list(trainer.availability.order_by("start_time").values_list("start_time", "end_time"))


def window_body(start, end, **extra) -> dict:
    return {"start_time": start.isoformat(), "end_time": end.isoformat(), **extra}


class TestList:
    def test_upcoming_windows_soonest_first_with_their_bookings_and_paged(
        self, trainer, other_trainer, django_assert_max_num_queries
    ):
        later = TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=3, hour=8), end_time=local_time(days=3, hour=12)
        )
        sooner = TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=1, hour=8), end_time=local_time(days=1, hour=12)
        )
        TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=-2, hour=8), end_time=local_time(days=-2, hour=12)
        )
        TrainerAvailabilityFactory(trainer=other_trainer)
        session_at(trainer=trainer, start=local_time(days=1, hour=9))
        api = ApiClient(trainer.user)

        with django_assert_max_num_queries(5):  # token, its last use, trainer, windows, count
            response = api.get("/trainer/availability")
        with django_assert_max_num_queries(4):
            second_page = api.get("/trainer/availability", limit=1, offset=1)

        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 2
        assert [(w["id"], w["booking_count"]) for w in body["items"]] == [(sooner.pk, 1), (later.pk, 0)]
        assert [w["id"] for w in second_page.json()["items"]] == [later.pk]

    def test_from_and_to_keep_the_windows_touching_those_days(self, trainer):
        days = [1, 3, 5]
        made = [
            TrainerAvailabilityFactory(
                trainer=trainer, start_time=local_time(days=d, hour=8), end_time=local_time(days=d, hour=12)
            )
            for d in days
        ]
        api = ApiClient(trainer.user)
        day = local_time(days=3, hour=8).date()

        only_the_third = api.get("/trainer/availability", **{"from": day.isoformat(), "to": day.isoformat()})
        from_the_third = api.get("/trainer/availability", **{"from": day.isoformat()})
        backwards = api.get("/trainer/availability", **{"from": day.isoformat(), "to": "2000-01-01"})

        assert [w["id"] for w in only_the_third.json()["items"]] == [made[1].pk]
        assert [w["id"] for w in from_the_third.json()["items"]] == [made[1].pk, made[2].pk]
        assert backwards.status_code == 422
        assert (backwards.json()["code"], backwards.json()["field"]) == ("range_reversed", "to")


class TestCreate:
    @pytest.mark.parametrize("session", [False, True], ids=["token", "session"])
    def test_adds_one_window(self, trainer, session):
        start, end = local_time(days=2, hour=9), local_time(days=2, hour=12)

        response = ApiClient(trainer.user, session=session).post("/trainer/availability", window_body(start, end))

        assert response.status_code == 201, response.content
        window = TrainerAvailability.objects.get()
        assert response.json()["id"] == window.pk
        assert windows_of(trainer) == [(start, end)]

    def test_an_overlap_is_a_409_naming_the_window(self, trainer):
        start, end = local_time(days=2, hour=9), local_time(days=2, hour=12)
        TrainerAvailabilityFactory(trainer=trainer, start_time=start, end_time=end)

        response = ApiClient(trainer.user).post(
            "/trainer/availability", window_body(local_time(days=2, hour=11), local_time(days=2, hour=14))
        )

        assert response.status_code == 409
        problem = response.json()
        assert problem["code"] == "availability_overlaps"
        assert span_text(start, end) in problem["detail"]
        assert problem["params"]["window"] == span_text(start, end)
        assert windows_of(trainer) == [(start, end)]

    def test_a_window_without_a_time_zone_is_refused_by_the_schema(self, trainer):
        response = ApiClient(trainer.user).post(
            "/trainer/availability", {"start_time": "2030-01-01T09:00:00", "end_time": "2030-01-01T10:00:00"}
        )

        assert response.status_code == 422
        assert response.json()["field"] == "start_time"
        assert not TrainerAvailability.objects.exists()

    def test_a_too_long_window_is_refused_on_its_end(self, trainer):
        response = ApiClient(trainer.user).post(
            "/trainer/availability", window_body(local_time(days=2, hour=1), local_time(days=2, hour=23))
        )

        assert response.status_code == 422
        assert (response.json()["code"], response.json()["field"]) == ("availability_too_long", "end_time")

    def test_weekly_adds_every_week(self, trainer):
        start, end = local_time(days=1, hour=9), local_time(days=1, hour=12)

        response = ApiClient(trainer.user).post("/trainer/availability/weekly", window_body(start, end, weeks=3))

        assert response.status_code == 201, response.content
        assert len(response.json()) == 3
        assert [s for s, _e in windows_of(trainer)][0] == start
        assert trainer.availability.count() == 3

    def test_weekly_creates_none_when_one_week_collides(self, trainer):
        start, end = local_time(days=1, hour=9), local_time(days=1, hour=12)
        TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=8, hour=10), end_time=local_time(days=8, hour=11)
        )

        response = ApiClient(trainer.user).post("/trainer/availability/weekly", window_body(start, end, weeks=3))

        assert response.status_code == 409
        assert response.json()["code"] == "availability_weeks_overlap"
        assert response.json()["params"]["weeks"] == "2"
        assert trainer.availability.count() == 1

    def test_a_member_cannot_add_availability(self, member):
        response = ApiClient(member.user).post(
            "/trainer/availability", window_body(local_time(days=2, hour=9), local_time(days=2, hour=12))
        )

        assert response.status_code == 403
        assert not TrainerAvailability.objects.exists()


class TestChangeAndRemove:
    @pytest.fixture
    def window(self, trainer):
        return TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=2, hour=8), end_time=local_time(days=2, hour=12)
        )

    def test_moves_a_window(self, trainer, window):
        start, end = local_time(days=2, hour=9), local_time(days=2, hour=13)

        response = ApiClient(trainer.user).put(f"/trainer/availability/{window.pk}", window_body(start, end))

        assert response.status_code == 200, response.content
        assert windows_of(trainer) == [(start, end)]

    def test_a_change_leaving_a_booking_outside_is_refused(self, trainer, window):
        session_at(trainer=trainer, start=local_time(days=2, hour=8))

        response = ApiClient(trainer.user).put(
            f"/trainer/availability/{window.pk}",
            window_body(local_time(days=2, hour=10), local_time(days=2, hour=12)),
        )

        assert response.status_code == 409
        assert response.json()["code"] == "availability_strands_bookings"
        window.refresh_from_db()
        assert window.start_time == local_time(days=2, hour=8)

    def test_removes_a_window_with_204(self, trainer, window):
        response = ApiClient(trainer.user).delete(f"/trainer/availability/{window.pk}")

        assert response.status_code == 204
        assert not TrainerAvailability.objects.exists()

    @pytest.mark.parametrize("session", [False, True], ids=["token", "session"])
    def test_a_window_with_a_booking_cannot_be_removed(self, trainer, window, session):
        booked = session_at(trainer=trainer, start=local_time(days=2, hour=9), member=None)

        response = ApiClient(trainer.user, session=session).delete(f"/trainer/availability/{window.pk}")

        assert response.status_code == 409
        assert response.json()["code"] == "availability_strands_bookings"
        assert booked.member.user.get_full_name() in response.json()["detail"]
        assert TrainerAvailability.objects.filter(pk=window.pk).exists()

    def test_another_trainers_window_is_404(self, other_trainer, window):
        api = ApiClient(other_trainer.user)
        body = window_body(local_time(days=2, hour=9), local_time(days=2, hour=13))

        assert api.put(f"/trainer/availability/{window.pk}", body).status_code == 404
        assert api.delete(f"/trainer/availability/{window.pk}").status_code == 404
        window.refresh_from_db()
        assert window.start_time == local_time(days=2, hour=8)
