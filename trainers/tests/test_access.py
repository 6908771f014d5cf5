"""Who may use the trainer portal, and that a trainer reaches only their own rows."""

import pytest
from django.test import Client
from django.urls import reverse

from clubsite.accounts.tests.factories import UserFactory
from clubsite.testing.scenes import ago, class_at, session_at
from members.tests.factories import MemberFactory
from operations.models import Booking, ClassRegistration
from operations.tests.factories import ClassRegistrationFactory, local_time
from trainers.models import TrainerAvailability
from trainers.portal.mixins import NOT_A_TRAINER
from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(trainer):
    """One of each row a portal URL can name, all belonging to ``trainer``."""
    member = MemberFactory()
    return {
        "window": TrainerAvailabilityFactory(trainer=trainer),
        "class": class_at(trainer=trainer, start=ago(hours=3)),
        "session": session_at(trainer=trainer, start=ago(hours=1)),
        "member": member,
    }


def portal_urls(scene) -> list[str]:
    return [
        reverse("trainers:schedule"),
        reverse("trainers:schedule-list"),
        reverse("trainers:availability"),
        reverse("trainers:availability-create"),
        reverse("trainers:availability-update", args=[scene["window"].pk]),
        reverse("trainers:availability-delete", args=[scene["window"].pk]),
        reverse("trainers:class-detail", args=[scene["class"].pk]),
        reverse("trainers:session-detail", args=[scene["session"].pk]),
        reverse("trainers:member-lookup") + "?q=a",
        reverse("trainers:member-profile", args=[scene["member"].pk]),
        reverse("trainers:equipment-issue"),
    ]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(client, scene):
    login = reverse("accounts:login")
    for url in portal_urls(scene):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(f"{login}?next=/trainer/"), url


@pytest.mark.parametrize(
    "person",
    [
        lambda: MemberFactory().user,
        lambda: UserFactory(is_staff=True),
        lambda: UserFactory(),
        lambda: TrainerFactory(is_active=False).user,
    ],
    ids=["member", "staff", "no-role", "inactive-trainer"],
)
def test_signed_in_people_who_are_not_active_trainers_get_403_everywhere(scene, person):
    client = signed_in(person())
    for url in portal_urls(scene):
        response = client.get(url)
        assert response.status_code == 403, url
        assert NOT_A_TRAINER.replace("'", "&#x27;") in response.content.decode()
        assert client.post(url).status_code == 403, url

    assert TrainerAvailability.objects.filter(pk=scene["window"].pk).exists()
    assert Booking.objects.get(pk=scene["session"].booking_id).status == Booking.Status.SCHEDULED


def test_a_trainer_opens_every_page(trainer_client, scene):
    for url in portal_urls(scene):
        assert trainer_client.get(url).status_code == 200, url


def test_a_trainer_who_is_also_a_member_uses_the_trainer_portal(scene):
    trainer = TrainerFactory()
    MemberFactory(user=trainer.user)

    response = signed_in(trainer.user).get(reverse("trainers:schedule"))

    assert response.status_code == 200


def test_signing_in_as_a_trainer_lands_on_the_week_schedule(trainer):
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": trainer.user.email, "password": "correct-horse-battery"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("trainers:schedule")
    assert response.status_code == 200


def test_the_header_offers_the_trainer_links_to_trainers_only(trainer_client):
    links = [
        reverse("trainers:schedule"),
        reverse("trainers:availability"),
        reverse("trainers:member-lookup"),
        reverse("trainers:equipment-issue"),
    ]
    trainer_page = trainer_client.get(reverse("trainers:schedule")).content.decode()
    home_for_member = signed_in(MemberFactory().user).get(reverse("home")).content.decode()

    for link in links:
        assert f'href="{link}"' in trainer_page
        assert f'href="{link}"' not in home_for_member


class TestAnotherTrainersRowsAre404:
    """Trainer A typing trainer B's ids into a URL finds nothing, and changes nothing."""

    @pytest.fixture
    def theirs(self, other_trainer):
        group_class = class_at(trainer=other_trainer, start=ago(hours=3))
        ClassRegistrationFactory(group_class=group_class)
        return {
            "window": TrainerAvailabilityFactory(
                trainer=other_trainer, start_time=local_time(days=3, hour=9), end_time=local_time(days=3, hour=17)
            ),
            "class": group_class,
            "session": session_at(trainer=other_trainer, start=ago(hours=1)),
        }

    def test_their_window_cannot_be_seen_changed_or_removed(self, trainer_client, theirs):
        window = theirs["window"]
        update = reverse("trainers:availability-update", args=[window.pk])
        delete = reverse("trainers:availability-delete", args=[window.pk])

        assert trainer_client.get(update).status_code == 404
        assert trainer_client.get(delete).status_code == 404
        moved = {"start_time": "2030-01-01T09:00", "end_time": "2030-01-01T10:00"}
        assert trainer_client.post(update, moved).status_code == 404
        assert trainer_client.post(delete).status_code == 404

        window.refresh_from_db()
        assert (window.start_time, window.end_time) == (local_time(days=3, hour=9), local_time(days=3, hour=17))

    def test_their_class_cannot_be_seen_or_marked(self, trainer_client, theirs):
        group_class = theirs["class"]
        url = reverse("trainers:class-detail", args=[group_class.pk])
        registration = group_class.registrations.get()

        assert trainer_client.get(url).status_code == 404
        assert trainer_client.post(url, {"attended": [registration.member_id]}).status_code == 404

        registration.refresh_from_db()
        assert registration.status == ClassRegistration.Status.REGISTERED

    def test_their_session_cannot_be_seen_or_marked(self, trainer_client, theirs):
        session = theirs["session"]
        url = reverse("trainers:session-detail", args=[session.pk])

        assert trainer_client.get(url).status_code == 404
        assert trainer_client.post(url, {"status": Booking.Status.NO_SHOW}).status_code == 404

        session.booking.refresh_from_db()
        assert session.booking.status == Booking.Status.SCHEDULED

    def test_their_schedule_and_windows_stay_out_of_mine(self, trainer_client, theirs, trainer):
        class_at(trainer=trainer, start=local_time(days=1, hour=9), name="Mine Only")
        week = trainer_client.get(reverse("trainers:schedule"), {"week": local_time(days=3, hour=9).date()})
        upcoming = trainer_client.get(reverse("trainers:schedule-list"))
        past = trainer_client.get(reverse("trainers:schedule-list"), {"when": "past"})
        windows = trainer_client.get(reverse("trainers:availability"))

        for response in (week, upcoming, past):
            page = response.content.decode()
            assert reverse("trainers:class-detail", args=[theirs["class"].pk]) not in page
            assert reverse("trainers:session-detail", args=[theirs["session"].pk]) not in page
        assert "Mine Only" in upcoming.content.decode()
        assert reverse("trainers:availability-update", args=[theirs["window"].pk]) not in windows.content.decode()
