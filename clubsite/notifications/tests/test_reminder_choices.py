"""A member chooses which reminders they get: on the profile page, over the API, and from a reminder's link."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from clubsite.notifications.mail import preferences_token
from clubsite.testing.api import ApiClient

pytestmark = pytest.mark.django_db


def test_the_profile_page_shows_and_saves_the_choices(member, member_client):
    page = member_client.get(reverse("members:profile"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Remind me before each class I have a place in" in content
    assert f"Sent {settings.CLUB_REMINDER_HOURS} hours before" in content

    response = member_client.post(reverse("members:reminders"), {"remind_classes": "on"}, follow=True)

    member.refresh_from_db()
    assert (member.remind_classes, member.remind_pt_sessions) == (True, False)
    assert response.redirect_chain[-1][0] == reverse("members:profile")
    assert "Your reminder choices have been saved." in response.content.decode()


def test_the_api_reads_and_changes_the_choices(member):
    api = ApiClient(member.user)

    before = api.get("/member/reminders")
    after = api.put("/member/reminders", {"classes": False, "pt_sessions": True})

    assert before.json() == {"classes": True, "pt_sessions": True, "hours_before": settings.CLUB_REMINDER_HOURS}
    assert after.status_code == 200
    member.refresh_from_db()
    assert (member.remind_classes, member.remind_pt_sessions) == (False, True)


def test_a_choice_over_the_api_must_be_a_yes_or_no(member):
    response = ApiClient(member.user).put("/member/reminders", {"classes": "sometimes", "pt_sessions": True})

    assert response.status_code == 422
    member.refresh_from_db()
    assert member.remind_classes is True


def test_the_link_in_a_reminder_needs_no_sign_in_and_only_opens_its_own_members_choices(client, member, other_member):
    path = reverse("notifications:preferences", args=[preferences_token(member.pk)])

    page = client.get(path)
    client.post(path, {})

    assert page.status_code == 200
    assert str(member) in page.content.decode()
    member.refresh_from_db()
    other_member.refresh_from_db()
    assert (member.remind_classes, member.remind_pt_sessions) == (False, False)
    assert (other_member.remind_classes, other_member.remind_pt_sessions) == (True, True)
    forged = preferences_token(other_member.pk)[:-2] + "zz"
    assert client.get(reverse("notifications:preferences", args=[forged])).status_code == 404
