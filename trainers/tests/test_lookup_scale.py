"""The member lookup when a search matches more people than anyone would page through."""

import pytest
from django.urls import reverse

from members.tests.factories import MemberFactory
from trainers.portal import views


@pytest.mark.django_db
def test_a_search_matching_more_than_the_cap_asks_for_more_of_the_name(trainer_client, monkeypatch):
    monkeypatch.setattr(views, "LOOKUP_COUNT_CAP", 3)
    for last_name in ["Anders", "Annan", "Banner", "Danny"]:
        MemberFactory(user__first_name="Sam", user__last_name=last_name)

    response = trainer_client.get(reverse("trainers:member-lookup"), {"q": "an"})

    page = response.context["page_obj"]
    assert page.paginator.capped
    assert "More than 3 members match “an”" in response.content.decode()
    assert [member.user.last_name for member, _metric in response.context["results"]] == [
        "Anders", "Annan", "Banner", "Danny"
    ]


@pytest.mark.django_db
def test_a_search_under_the_cap_shows_the_exact_count(trainer_client, monkeypatch):
    monkeypatch.setattr(views, "LOOKUP_COUNT_CAP", 3)
    for last_name in ["Anders", "Annan"]:
        MemberFactory(user__first_name="Sam", user__last_name=last_name)

    response = trainer_client.get(reverse("trainers:member-lookup"), {"q": "an"})

    assert not response.context["page_obj"].paginator.capped
    assert "2 members matching “an”" in response.content.decode()
