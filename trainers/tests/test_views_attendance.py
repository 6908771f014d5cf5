import re

import pytest
from django.urls import reverse

from clubsite.testing.scenes import ago, class_at, member_named, session_at
from operations.errors import SchedulingError
from operations.models import Booking, ClassRegistration
from operations.tests.factories import ClassRegistrationFactory, local_time

pytestmark = pytest.mark.django_db

S = ClassRegistration.Status


def class_url(group_class) -> str:
    return reverse("trainers:class-detail", args=[group_class.pk])


def session_url(session) -> str:
    return reverse("trainers:session-detail", args=[session.pk])


def statuses(group_class) -> dict[str, str]:
    return {r.member.user.first_name: r.status for r in group_class.registrations.select_related("member__user")}


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


class TestClassAttendance:
    def test_a_started_class_has_a_checkbox_per_seated_member(self, trainer_client, started_class):
        response = trainer_client.get(class_url(started_class))

        page = response.content.decode()
        assert page.count('type="checkbox"') == 3
        for first in ("Ann", "Ben", "Cat"):
            assert f"{first} Seated" in page
        assert "Wes Waiting" not in page and "Col Gone" not in page
        assert "3 / 5" in page and "1 waitlisted" in page
        # Who attended already is ticked.
        checked = re.findall(r'<input type="checkbox"[^>]*value="(\d+)"[^>]*checked>', page)
        assert checked == [str(member_id(started_class, "Cat"))]

    def test_marks_the_ticked_members_attended_and_the_others_not(self, trainer_client, started_class):
        ticked = [member_id(started_class, "Ann"), member_id(started_class, "Ben")]

        response = trainer_client.post(class_url(started_class), {"attended": ticked}, follow=True)

        assert response.redirect_chain == [(class_url(started_class), 302)]
        assert "Attendance saved: 2 of 3 attended." in response.content.decode()
        assert statuses(started_class) == {
            "Ann": S.ATTENDED,
            "Ben": S.ATTENDED,
            "Cat": S.NO_SHOW,
            "Wes": S.WAITLISTED,
            "Col": S.CANCELLED,
        }

    def test_nobody_ticked_marks_nobody(self, trainer_client, started_class):
        trainer_client.post(class_url(started_class), {})

        assert [s for s in statuses(started_class).values() if s == S.ATTENDED] == []

    def test_a_member_without_a_seat_cannot_be_marked(self, trainer_client, started_class):
        response = trainer_client.post(class_url(started_class), {"attended": [member_id(started_class, "Wes")]})

        assert response.status_code == 200
        assert response.context["form"].errors["attended"]
        assert statuses(started_class)["Wes"] == S.WAITLISTED
        assert statuses(started_class)["Cat"] == S.ATTENDED

    def test_before_the_start_the_roster_shows_and_marking_is_refused(self, trainer_client, trainer):
        group_class = class_at(trainer=trainer, start=local_time(days=1, hour=9))
        registration = ClassRegistrationFactory(group_class=group_class, member=member_named("Ann", "Early"))

        page = trainer_client.get(class_url(group_class)).content.decode()
        response = trainer_client.post(class_url(group_class), {"attended": [registration.member_id]})

        assert "Ann Early" in page and 'type="checkbox"' not in page
        assert "Attendance can be taken once the class has started." in page
        assert SchedulingError.messages["attendance_too_early"].text in response.content.decode()
        registration.refresh_from_db()
        assert registration.status == S.REGISTERED

    def test_a_cancelled_class_cannot_be_marked(self, trainer_client, trainer):
        group_class = class_at(trainer=trainer, start=ago(hours=1))
        group_class.booking.status = Booking.Status.CANCELLED
        group_class.booking.save()

        response = trainer_client.post(class_url(group_class), {})

        assert SchedulingError.messages["class_cancelled"].text in response.content.decode()


class TestSessionMarking:
    def test_a_started_session_offers_completed_and_no_show(self, trainer_client, trainer):
        session = session_at(trainer=trainer, start=ago(minutes=30), member=member_named("Noah", "Price"))

        page = trainer_client.get(session_url(session)).content.decode()

        assert "Personal training with Noah Price" in page
        assert 'name="status" value="completed"' in page and 'name="status" value="no_show"' in page
        assert reverse("trainers:member-profile", args=[session.member_id]) in page

    @pytest.mark.parametrize(
        ("status", "label"), [(Booking.Status.COMPLETED, "completed"), (Booking.Status.NO_SHOW, "no-show")]
    )
    def test_marks_a_started_session(self, trainer_client, trainer, status, label):
        session = session_at(trainer=trainer, start=ago(hours=2))

        response = trainer_client.post(session_url(session), {"status": status}, follow=True)

        assert response.redirect_chain == [(session_url(session), 302)]
        assert f"Session marked as {label}." in response.content.decode()
        session.booking.refresh_from_db()
        assert session.booking.status == status

    def test_a_mark_can_be_corrected(self, trainer_client, trainer):
        session = session_at(trainer=trainer, start=ago(hours=2), status=Booking.Status.COMPLETED)

        trainer_client.post(session_url(session), {"status": Booking.Status.NO_SHOW})

        session.booking.refresh_from_db()
        assert session.booking.status == Booking.Status.NO_SHOW

    def test_before_the_start_there_are_no_buttons_and_marking_is_refused(self, trainer_client, trainer):
        session = session_at(trainer=trainer, start=local_time(days=1, hour=9))

        page = trainer_client.get(session_url(session)).content.decode()
        response = trainer_client.post(session_url(session), {"status": Booking.Status.COMPLETED})

        assert 'name="status"' not in page
        assert SchedulingError.messages["pt_not_started"].text in response.content.decode()
        session.booking.refresh_from_db()
        assert session.booking.status == Booking.Status.SCHEDULED

    def test_a_cancelled_session_cannot_be_marked(self, trainer_client, trainer):
        session = session_at(trainer=trainer, start=ago(hours=2), status=Booking.Status.CANCELLED)

        response = trainer_client.post(session_url(session), {"status": Booking.Status.COMPLETED})

        assert SchedulingError.messages["pt_cancelled"].text in response.content.decode()
        session.booking.refresh_from_db()
        assert session.booking.status == Booking.Status.CANCELLED

    @pytest.mark.parametrize("status", ["cancelled", "scheduled", "", "anything"])
    def test_only_completed_or_no_show(self, trainer_client, trainer, status):
        session = session_at(trainer=trainer, start=ago(hours=2))

        response = trainer_client.post(session_url(session), {"status": status})

        assert response.status_code == 200
        assert response.context["form"].errors["status"]
        session.booking.refresh_from_db()
        assert session.booking.status == Booking.Status.SCHEDULED
