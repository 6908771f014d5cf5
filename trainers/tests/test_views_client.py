"""The client page (a member as a trainer sees them), notes after a session, and the trainer's navigation."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clubsite.testing.scenes import ago, member_named, session_at
from members.models import FitnessGoal
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory
from operations.errors import SchedulingError
from operations.models import Booking
from operations.services import PT_NOTE_MAX_LENGTH

pytestmark = pytest.mark.django_db


def client_url(member) -> str:
    return reverse("trainers:member-profile", args=[member.pk])


def notes_url(session) -> str:
    return reverse("trainers:session-notes", args=[session.pk])


def soon(**delta: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**delta)


@pytest.fixture
def morgan():
    member = member_named("Morgan", "Lee")
    FitnessGoalFactory(
        member=member,
        goal_type=FitnessGoal.GoalType.LOSE_WEIGHT,
        target_value=Decimal("70"),
        unit="kg",
        created_at=ago(days=25),
    )
    HealthMetricFactory(member=member, weight=Decimal("80.4"), heart_rate=70, recorded_at=ago(days=20))
    HealthMetricFactory(member=member, weight=Decimal("75.2"), heart_rate=64, recorded_at=ago(days=1))
    return member


class TestClientPage:
    def test_shows_the_chart_goals_with_progress_and_this_trainers_sessions_with_their_notes(
        self, trainer_client, trainer, other_trainer, morgan
    ):
        done = session_at(trainer=trainer, member=morgan, start=ago(days=3), status=Booking.Status.COMPLETED)
        done.trainer_notes = "Squats 3x8; knees fine."
        done.save()
        coming = session_at(trainer=trainer, member=morgan, start=soon(days=2))
        session_at(trainer=trainer, member=morgan, start=soon(days=3), status=Booking.Status.CANCELLED)
        elsewhere = session_at(trainer=other_trainer, member=morgan, start=ago(days=5))
        elsewhere.trainer_notes = "Another trainer's secret"
        elsewhere.save()

        page = trainer_client.get(client_url(morgan)).content.decode()

        assert "chart-weight" in page and "chart-heart-rate" in page
        assert "first 80.4 kg, latest 75.2 kg" in page
        assert "Lose weight: 70 kg" in page and "50%" in page
        assert reverse("trainers:session-detail", args=[done.pk]) in page
        assert reverse("trainers:session-detail", args=[coming.pk]) in page
        assert "Squats 3x8; knees fine." in page
        assert "Another trainer's secret" not in page
        assert reverse("trainers:session-detail", args=[elsewhere.pk]) not in page
        assert page.count("/trainer/sessions/") == 2  # the cancelled upcoming session is not listed

    def test_a_member_without_anything_yet(self, trainer_client):
        page = trainer_client.get(client_url(member_named("Nina", "New"))).content.decode()

        assert "No measurements yet." in page and "No active goals." in page
        assert "No sessions booked with you." in page and "No sessions with you yet." in page

    def test_the_query_count_holds_whatever_the_amount_of_data(
        self, trainer_client, trainer, morgan, django_assert_num_queries
    ):
        # Session, user, trainer, member profile (header); member, latest metric, chart, goals, two session lists.
        with django_assert_num_queries(10):
            trainer_client.get(client_url(morgan))
        for days in range(1, 8):
            session_at(trainer=trainer, member=morgan, start=ago(days=days * 2, hours=1))
            session_at(trainer=trainer, member=morgan, start=soon(days=days, hours=1))
            FitnessGoalFactory(member=morgan)
            HealthMetricFactory(member=morgan, recorded_at=ago(days=days * 3, hours=2))
        with django_assert_num_queries(10):
            response = trainer_client.get(client_url(morgan))

        assert (len(response.context["client"].upcoming), len(response.context["client"].past)) == (7, 7)

    def test_an_unknown_member_is_a_404(self, trainer_client):
        assert trainer_client.get(reverse("trainers:member-profile", args=[987654])).status_code == 404


class TestSessionNotes:
    def test_the_trainer_writes_notes_after_the_session_and_sees_them_on_the_session_and_client_pages(
        self, trainer_client, trainer, morgan
    ):
        session = session_at(trainer=trainer, member=morgan, start=ago(hours=2), status=Booking.Status.COMPLETED)
        detail = reverse("trainers:session-detail", args=[session.pk])
        assert f'action="{notes_url(session)}"' in trainer_client.get(detail).content.decode()

        response = trainer_client.post(notes_url(session), {"trainer_notes": "Deadlifts next time."}, follow=True)

        assert response.redirect_chain[-1][0] == detail
        page = response.content.decode()
        assert "Your notes on the session are saved." in page and "Deadlifts next time." in page
        assert "Deadlifts next time." in trainer_client.get(client_url(morgan)).content.decode()

    def test_a_session_not_started_yet_is_refused_with_the_reason_on_the_form(self, trainer_client, trainer, morgan):
        session = session_at(trainer=trainer, member=morgan, start=soon(days=1))
        assert (
            'name="trainer_notes"'
            not in trainer_client.get(reverse("trainers:session-detail", args=[session.pk])).content.decode()
        )

        response = trainer_client.post(notes_url(session), {"trainer_notes": "Too early"})

        assert response.status_code == 200
        assert response.context["form"].errors["trainer_notes"] == [SchedulingError("pt_note_too_early").message]
        session.refresh_from_db()
        assert session.trainer_notes == ""

    def test_notes_over_the_limit_are_a_form_error(self, trainer_client, trainer, morgan):
        session = session_at(trainer=trainer, member=morgan, start=ago(hours=2), status=Booking.Status.COMPLETED)

        response = trainer_client.post(notes_url(session), {"trainer_notes": "x" * (PT_NOTE_MAX_LENGTH + 1)})

        assert response.status_code == 200 and response.context["form"].errors["trainer_notes"]

    def test_another_trainers_session_is_a_404(self, trainer_client, other_trainer, morgan):
        session = session_at(trainer=other_trainer, member=morgan, start=ago(hours=2))

        assert trainer_client.get(notes_url(session)).status_code == 404
        assert trainer_client.post(notes_url(session), {"trainer_notes": "Mine"}).status_code == 404


class TestNavigation:
    @pytest.mark.parametrize(
        ("url", "current"),
        [
            (reverse("trainers:schedule"), "My schedule"),
            (reverse("trainers:availability"), "Availability"),
            (reverse("trainers:time-off"), "Availability"),
            (reverse("trainers:availability-template"), "Availability"),
            (reverse("trainers:member-lookup"), "Member lookup"),
            (reverse("trainers:equipment-issue"), "Report an issue"),
        ],
    )
    def test_the_current_pages_link_is_marked_for_screen_readers_and_only_it(self, trainer_client, url, current):
        header = trainer_client.get(url).content.decode().split('id="main-nav"')[1].split("</nav>")[0]

        marked = re.findall(r'<a class="nav-link active" aria-current="page" href="[^"]*">([^<]+)</a>', header)
        assert marked == [current], header
