"""What a person sees when a page is missing, not theirs, expired or broken: the site's layout, a plain
sentence and a way on, never Django's bare error text."""

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.views.defaults import server_error

from members.portal.mixins import NOT_A_MEMBER
from members.tests.factories import FitnessGoalFactory, MemberFactory
from trainers.portal.mixins import NOT_A_TRAINER
from trainers.tests.factories import TrainerFactory

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


def test_another_members_goal_is_a_not_found_page_in_the_sites_layout(client):
    owner, visitor = MemberFactory(), MemberFactory()
    goal = FitnessGoalFactory(member=owner)
    client.force_login(visitor.user)

    response = client.get(reverse("members:goal-update", args=[goal.pk]))

    assert response.status_code == 404
    text = page_text(response)
    assert "Page not found" in text
    assert 'class="navbar' in text and "Sign out" in text
    assert reverse("home") in text


def test_a_trainer_on_the_member_pages_is_told_why_and_offered_their_own(client):
    client.force_login(TrainerFactory().user)

    response = client.get(reverse("members:dashboard"))

    assert response.status_code == 403
    assert NOT_A_MEMBER in page_text(response)
    assert reverse("accounts:landing") in page_text(response)


def test_a_member_on_the_trainer_pages_is_told_why(client):
    client.force_login(MemberFactory().user)

    response = client.get(reverse("trainers:schedule"))

    assert response.status_code == 403
    assert NOT_A_TRAINER in page_text(response)


def test_an_expired_form_asks_to_reload_and_send_again():
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(reverse("accounts:login"), {"username": "ann@club.test", "password": "x"})

    assert response.status_code == 403
    assert "The form you sent had expired" in page_text(response)
    assert "Nothing was saved" in page_text(response)


def test_the_server_error_page_renders_without_any_request_context(rf):
    response = server_error(rf.get("/member/"))

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_pages_carry_a_favicon_served_from_the_repository(client):
    response = client.get(reverse("home"))

    assert 'rel="icon"' in response.content.decode()
    assert finders.find("clubsite/favicon.svg")
