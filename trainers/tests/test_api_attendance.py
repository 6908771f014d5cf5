"""Attendance over the API: a class's seated members and its roll call, a PT session's mark; own ones only."""

import pytest

from clubsite.testing.api import ApiClient
from clubsite.testing.scenes import ago, class_at, member_named, session_at
from operations.models import Booking, ClassRegistration
from operations.tests.factories import ClassRegistrationFactory, local_time

pytestmark = pytest.mark.django_db

S = ClassRegistration.Status


@pytest.fixture
def started_class(trainer):
    group_class = class_at(trainer=trainer, start=ago(minutes=20), name="Barbell Club", capacity=5)
    for first, status in [("Ann", S.REGISTERED), ("Ben", S.REGISTERED), ("Cat", S.ATTENDED)]:
        ClassRegistrationFactory(group_class=group_class, member=member_named(first, "Seated"), status=status)
    ClassRegistrationFactory(group_class=group_class, member=member_named("Wes", "Waiting"), status=S.WAITLISTED)
    ClassRegistrationFactory(group_class=group_class, member=member_named("Col", "Gone"), status=S.CANCELLED)
    return group_class


def member_id(group_class, first: str) -> int:
    return group_class.registrations.get(member__user__first_name=first).member_id


def statuses(group_class) -> dict[str, str]:
    return {r.member.user.first_name: r.status for r in group_class.registrations.select_related("member__user")}


class TestClass:
    def test_the_class_with_its_seated_members_by_name(self, trainer, started_class, django_assert_max_num_queries):
        api = ApiClient(trainer.user)

        with django_assert_max_num_queries(5):  # token, its last use, trainer, class, roll call
            response = api.get(f"/trainer/classes/{started_class.pk}")

        assert response.status_code == 200
        body = response.json()
        assert (body["name"], body["capacity"], body["registered"], body["waitlisted"]) == ("Barbell Club", 5, 3, 1)
        assert body["has_started"] is True
        assert [(s["name"], s["status"]) for s in body["seated"]] == [
            ("Ann Seated", "registered"),
            ("Ben Seated", "registered"),
            ("Cat Seated", "attended"),
        ]
        assert set(body["seated"][0]) == {"member_id", "name", "status"}

    @pytest.mark.parametrize("session", [False, True], ids=["token", "session"])
    def test_marks_the_listed_members_attended_and_the_other_seated_not(self, trainer, started_class, session):
        ticked = [member_id(started_class, "Ann"), member_id(started_class, "Ben")]

        response = ApiClient(trainer.user, session=session).put(
            f"/trainer/classes/{started_class.pk}/attendance", {"attended": ticked}
        )

        assert response.status_code == 200, response.content
        assert [s["status"] for s in response.json()["seated"]] == ["attended", "attended", "no_show"]
        assert statuses(started_class) == {
            "Ann": S.ATTENDED,
            "Ben": S.ATTENDED,
            "Cat": S.NO_SHOW,
            "Wes": S.WAITLISTED,
            "Col": S.CANCELLED,
        }

    def test_a_member_without_a_seat_is_refused(self, trainer, started_class):
        response = ApiClient(trainer.user).put(
            f"/trainer/classes/{started_class.pk}/attendance", {"attended": [member_id(started_class, "Wes")]}
        )

        assert response.status_code == 422
        assert response.json()["code"] == "attendance_not_seated"
        assert statuses(started_class)["Cat"] == S.ATTENDED

    def test_before_the_start_marking_is_a_409(self, trainer):
        group_class = class_at(trainer=trainer, start=local_time(days=1, hour=9))
        registration = ClassRegistrationFactory(group_class=group_class, member=member_named("Ann", "Early"))

        response = ApiClient(trainer.user).put(
            f"/trainer/classes/{group_class.pk}/attendance", {"attended": [registration.member_id]}
        )

        assert response.status_code == 409
        assert response.json()["code"] == "attendance_too_early"
        registration.refresh_from_db()
        assert registration.status == S.REGISTERED

    def test_another_trainers_class_is_404(self, other_trainer, started_class):
        api = ApiClient(other_trainer.user)

        assert api.get(f"/trainer/classes/{started_class.pk}").status_code == 404
        response = api.put(f"/trainer/classes/{started_class.pk}/attendance", {"attended": []})
        assert response.status_code == 404
        assert statuses(started_class)["Cat"] == S.ATTENDED


class TestSession:
    def test_reads_one_of_the_trainers_sessions(self, trainer, django_assert_max_num_queries):
        session = session_at(trainer=trainer, start=ago(minutes=30), member=member_named("Noah", "Price"))
        api = ApiClient(trainer.user)

        with django_assert_max_num_queries(4):  # token, its last use, trainer, session
            response = api.get(f"/trainer/pt-sessions/{session.pk}")

        assert response.status_code == 200
        assert response.json()["title"] == "Personal training with Noah Price"
        assert response.json()["member_name"] == "Noah Price"

    @pytest.mark.parametrize("status", [Booking.Status.COMPLETED, Booking.Status.NO_SHOW])
    def test_marks_a_started_session(self, trainer, status):
        session = session_at(trainer=trainer, start=ago(hours=2))

        response = ApiClient(trainer.user).put(f"/trainer/pt-sessions/{session.pk}/attendance", {"status": status})

        assert response.status_code == 200, response.content
        assert response.json()["status"] == status
        session.booking.refresh_from_db()
        assert session.booking.status == status

    @pytest.mark.parametrize("status", ["cancelled", "scheduled", ""])
    def test_only_completed_or_no_show(self, trainer, status):
        session = session_at(trainer=trainer, start=ago(hours=2))

        response = ApiClient(trainer.user).put(f"/trainer/pt-sessions/{session.pk}/attendance", {"status": status})

        assert response.status_code == 422
        assert response.json()["field"] == "status"
        session.booking.refresh_from_db()
        assert session.booking.status == Booking.Status.SCHEDULED

    def test_before_the_start_it_is_a_409(self, trainer):
        session = session_at(trainer=trainer, start=local_time(days=1, hour=9))

        response = ApiClient(trainer.user).put(f"/trainer/pt-sessions/{session.pk}/attendance", {"status": "completed"})

        assert response.status_code == 409
        assert response.json()["code"] == "pt_not_started"

    def test_a_cancelled_session_is_a_409(self, trainer):
        session = session_at(trainer=trainer, start=ago(hours=2), status=Booking.Status.CANCELLED)

        response = ApiClient(trainer.user).put(f"/trainer/pt-sessions/{session.pk}/attendance", {"status": "completed"})

        assert response.status_code == 409
        assert response.json()["code"] == "pt_cancelled"

    def test_another_trainers_session_is_404(self, trainer, other_trainer):
        session = session_at(trainer=trainer, start=ago(hours=2))
        api = ApiClient(other_trainer.user)

        assert api.get(f"/trainer/pt-sessions/{session.pk}").status_code == 404
        assert api.put(f"/trainer/pt-sessions/{session.pk}/attendance", {"status": "completed"}).status_code == 404
        session.booking.refresh_from_db()
        assert session.booking.status == Booking.Status.SCHEDULED
