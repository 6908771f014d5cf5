"""The API's client page, session notes, weekly template and time off: the portal's rules, as problem documents."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from clubsite.core.clock import club_datetime, club_today
from clubsite.testing.api import ApiClient
from clubsite.testing.scenes import ago, member_named, session_at
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory
from operations.models import Booking
from operations.services import PT_NOTE_MAX_LENGTH
from trainers.models import TimeOff, TrainerAvailability, WeeklySlot
from trainers.tests.factories import TrainerAvailabilityFactory

pytestmark = pytest.mark.django_db

PRIVATE_KEYS = {"email", "phone", "date_of_birth", "gender", "invoices", "balance", "membership", "plan", "user"}


def keys_of(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for inner in value.values() for key in keys_of(inner)}
    if isinstance(value, list):
        return {key for inner in value for key in keys_of(inner)}
    return set()


def next_monday() -> datetime.date:
    today = club_today()
    return today + datetime.timedelta(days=7 - today.weekday())


def problem(response) -> tuple[int, str, str | None]:
    body = response.json()
    return response.status_code, body["code"], body.get("field")


class TestClient:
    def test_the_client_page_over_the_api(self, trainer, other_trainer, django_assert_max_num_queries):
        morgan = member_named("Morgan", "Lee", phone="07123 456789")
        FitnessGoalFactory(member=morgan)
        HealthMetricFactory(member=morgan, weight=Decimal("80.4"), recorded_at=ago(days=3))
        HealthMetricFactory(member=morgan, weight=Decimal("79.9"), recorded_at=ago(days=1))
        done = session_at(trainer=trainer, member=morgan, start=ago(days=2), status=Booking.Status.COMPLETED)
        done.trainer_notes = "Good form"
        done.save()
        session_at(trainer=trainer, member=morgan, start=timezone.now() + datetime.timedelta(days=2))
        session_at(trainer=other_trainer, member=morgan, start=ago(days=4))
        api = ApiClient(trainer.user)

        # Token, its last use, trainer; member, latest metric, chart entries, goals, two session lists.
        with django_assert_max_num_queries(9):
            response = api.get(f"/trainer/members/{morgan.pk}/client")

        assert response.status_code == 200
        body = response.json()
        assert [entry["weight"] for entry in body["metrics"]] == ["80.4", "79.9"]
        assert len(body["active_goals"]) == 1 and "percent" in body["active_goals"][0]
        assert [s["trainer_notes"] for s in body["past_sessions"]] == ["Good form"]
        assert len(body["upcoming_sessions"]) == 1
        assert keys_of(body) & PRIVATE_KEYS == set()
        assert "07123 456789" not in response.content.decode()

    def test_an_unknown_member_is_a_404(self, trainer):
        assert ApiClient(trainer.user).get("/trainer/members/987654/client").status_code == 404


class TestNotes:
    def test_notes_are_written_and_read_back(self, trainer, member):
        session = session_at(trainer=trainer, member=member, start=ago(hours=2))
        api = ApiClient(trainer.user)

        response = api.put(f"/trainer/pt-sessions/{session.pk}/notes", {"trainer_notes": "Core work next"})

        assert response.status_code == 200
        assert response.json()["trainer_notes"] == "Core work next"
        assert api.get(f"/trainer/pt-sessions/{session.pk}").json()["trainer_notes"] == "Core work next"

    def test_refusals_are_problem_documents_with_code_and_field(self, trainer, other_trainer, member):
        api = ApiClient(trainer.user)
        early = session_at(trainer=trainer, member=member, start=timezone.now() + datetime.timedelta(days=1))
        started = session_at(trainer=trainer, member=member, start=ago(days=1))
        theirs = session_at(trainer=other_trainer, member=member, start=ago(days=2))

        assert problem(api.put(f"/trainer/pt-sessions/{early.pk}/notes", {"trainer_notes": "x"})) == (
            409,
            "pt_note_too_early",
            "trainer_notes",
        )
        too_long = {"trainer_notes": "x" * (PT_NOTE_MAX_LENGTH + 1)}
        assert problem(api.put(f"/trainer/pt-sessions/{started.pk}/notes", too_long)) == (
            422,
            "pt_note_too_long",
            "trainer_notes",
        )
        assert api.put(f"/trainer/pt-sessions/{theirs.pk}/notes", {"trainer_notes": "x"}).status_code == 404


class TestTemplate:
    def test_rows_are_added_listed_and_removed(self, trainer):
        api = ApiClient(trainer.user)

        added = api.post("/trainer/availability/template", {"weekday": 0, "start_time": "09:00", "end_time": "12:00"})
        assert added.status_code == 201
        assert added.json()["weekday_label"] == "Monday"
        assert problem(
            api.post("/trainer/availability/template", {"weekday": 0, "start_time": "11:00", "end_time": "13:00"})
        ) == (409, "slot_overlaps", "start_time")
        assert problem(
            api.post("/trainer/availability/template", {"weekday": 1, "start_time": "13:00", "end_time": "11:00"})
        ) == (422, "slot_end_not_after_start", "end_time")
        assert [row["start_time"] for row in api.get("/trainer/availability/template").json()] == ["09:00"]
        assert problem(
            api.post("/trainer/availability/template", {"weekday": 2, "start_time": "09:00+02:00", "end_time": "10:00"})
        ) == (422, "slot_time_has_zone", "start_time")

        assert api.delete(f"/trainer/availability/template/{added.json()['id']}").status_code == 204
        assert not WeeklySlot.objects.exists()

    def test_apply_makes_what_fits_and_lists_the_collisions(self, trainer):
        WeeklySlot.objects.create(trainer=trainer, weekday=0, start_time=datetime.time(9), end_time=datetime.time(12))
        monday = next_monday()
        TrainerAvailabilityFactory(
            trainer=trainer,
            start_time=club_datetime(monday, datetime.time(11)),
            end_time=club_datetime(monday, datetime.time(13)),
        )
        api = ApiClient(trainer.user)

        response = api.post("/trainer/availability/template/apply", {"first_day": monday.isoformat(), "weeks": 2})

        assert response.status_code == 200
        body = response.json()
        assert (len(body["created"]), len(body["collisions"])) == (1, 1)
        assert "overlaps your window" in body["collisions"][0]["message"]
        assert TrainerAvailability.objects.filter(trainer=trainer).count() == 2

    def test_apply_refusals(self, trainer):
        api = ApiClient(trainer.user)
        body = {"first_day": next_monday().isoformat(), "weeks": 1}

        assert problem(api.post("/trainer/availability/template/apply", body)) == (409, "template_empty", None)
        WeeklySlot.objects.create(trainer=trainer, weekday=0, start_time=datetime.time(9), end_time=datetime.time(12))
        past = {"first_day": "2001-01-01", "weeks": 1}
        assert problem(api.post("/trainer/availability/template/apply", past)) == (
            422,
            "template_start_in_past",
            "first_day",
        )

    def test_another_trainers_row_is_a_404(self, trainer, other_trainer):
        slot = WeeklySlot.objects.create(
            trainer=other_trainer, weekday=0, start_time=datetime.time(9), end_time=datetime.time(12)
        )

        assert ApiClient(trainer.user).delete(f"/trainer/availability/template/{slot.pk}").status_code == 404


class TestTimeOff:
    def test_time_off_is_taken_listed_and_cancelled(self, trainer):
        monday = next_monday()
        TrainerAvailabilityFactory(
            trainer=trainer,
            start_time=club_datetime(monday, datetime.time(9)),
            end_time=club_datetime(monday, datetime.time(12)),
        )
        api = ApiClient(trainer.user)

        taken = api.post(
            "/trainer/time-off", {"first_day": monday.isoformat(), "last_day": monday.isoformat(), "note": "Dentist"}
        )

        assert taken.status_code == 201
        assert (taken.json()["windows_removed"], taken.json()["time_off"]["note"]) == (1, "Dentist")
        [listed] = api.get("/trainer/time-off").json()
        assert listed["first_day"] == monday.isoformat()
        assert api.delete(f"/trainer/time-off/{listed['id']}").status_code == 204
        assert not TimeOff.objects.exists()

    def test_booked_days_are_refused_naming_the_session(self, trainer, member):
        monday = next_monday()
        session_at(trainer=trainer, member=member, start=club_datetime(monday, datetime.time(9)))

        response = ApiClient(trainer.user).post(
            "/trainer/time-off", {"first_day": monday.isoformat(), "last_day": monday.isoformat()}
        )

        assert problem(response)[:2] == (409, "time_off_booked")
        assert "Ann Archer" in response.json()["detail"]

    def test_bad_days_are_problem_documents(self, trainer):
        api = ApiClient(trainer.user)
        monday = next_monday()

        reversed_days = {"first_day": monday.isoformat(), "last_day": (monday - datetime.timedelta(days=1)).isoformat()}
        assert problem(api.post("/trainer/time-off", reversed_days)) == (422, "time_off_reversed", "last_day")
        far = api.post("/trainer/time-off", {"first_day": "9999-12-31", "last_day": "9999-12-31"})
        assert far.status_code == 422
