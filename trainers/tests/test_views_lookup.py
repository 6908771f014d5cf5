import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.tests.factories import InvoiceLineFactory, MembershipFactory, MembershipPlanFactory
from clubsite.testing.scenes import ago, member_named
from members.models import FitnessGoal, HealthMetric, Member
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory

pytestmark = pytest.mark.django_db

LOOKUP_URL = reverse("trainers:member-lookup")


def profile_url(member) -> str:
    return reverse("trainers:member-profile", args=[member.pk])


def names(response) -> list[str]:
    return [member.user.get_full_name() for member, _metric in response.context["results"]]


@pytest.fixture
def bob():
    """A member with everything a trainer must not see, next to what they may."""
    member = member_named("Bob", "Smith", phone="07123 456789", date_of_birth=datetime.date(1987, 6, 5))
    FitnessGoalFactory(member=member, goal_type=FitnessGoal.GoalType.LOSE_WEIGHT, target_value=Decimal("75"))
    FitnessGoalFactory(member=member, goal_type=FitnessGoal.GoalType.GAIN_MUSCLE, is_active=False)
    HealthMetricFactory(member=member, weight=Decimal("81.4"), heart_rate=58, body_fat=None, recorded_at=ago(days=1))
    HealthMetricFactory(member=member, weight=Decimal("93.2"), heart_rate=71, recorded_at=ago(days=30))
    MembershipFactory(member=member, plan=MembershipPlanFactory(name="Platinum Plus"))
    InvoiceLineFactory(invoice__member=member, description="Locker rental", unit_price=Decimal("12.34"))
    return member


class TestSearch:
    def test_by_name_case_insensitive_and_partial(self, trainer_client, bob):
        member_named("Ann", "Bobrov")
        member_named("Harry", "Roberts")
        member_named("Alice", "Walker")

        # The whole name first, then a name starting with the word.
        assert names(trainer_client.get(LOOKUP_URL, {"q": "bOb"})) == ["Bob Smith", "Ann Bobrov"]
        assert names(trainer_client.get(LOOKUP_URL, {"q": "ROB"})) == ["Harry Roberts"]
        assert names(trainer_client.get(LOOKUP_URL, {"q": "walk"})) == ["Alice Walker"]
        assert names(trainer_client.get(LOOKUP_URL, {"q": "bob smi"})) == ["Bob Smith"]

    def test_shows_name_active_goals_and_latest_metric_only(self, trainer_client, bob):
        page = trainer_client.get(LOOKUP_URL, {"q": "bob"}).content.decode()

        assert "Bob Smith" in page
        assert "Lose weight: 75 kg" in page
        assert "Gain muscle" not in page
        assert "81.4 kg · 58 bpm" in page
        assert "93.2" not in page
        self.assert_nothing_private(page, bob)

    @staticmethod
    def assert_nothing_private(page: str, member: Member) -> None:
        for private in (
            member.user.email,
            "07123 456789",
            "1987",
            "Platinum Plus",
            "Locker rental",
            "12.34",
            "nvoice",
            "alance",
        ):
            assert private not in page
        # The birthday, not a goal's "by 25 Jun" (a goal's date is counted from today).
        assert not re.search(r"(?<!\d)5 Jun", page)

    def test_a_member_without_goals_or_metrics(self, trainer_client):
        member_named("Nina", "New")

        page = trainer_client.get(LOOKUP_URL, {"q": "nina"}).content.decode()

        assert "No active goals." in page and "No measurements yet." in page

    def test_no_term_finds_nobody_and_asks_for_a_name(self, trainer_client, bob):
        for params in ({}, {"q": "   "}):
            response = trainer_client.get(LOOKUP_URL, params)
            assert response.context["results"] == []
            assert "Type part of a first or last name" in response.content.decode()

    def test_nobody_matching_says_so(self, trainer_client, bob):
        response = trainer_client.get(LOOKUP_URL, {"q": "zzz"})

        assert "No member's name matches “zzz”." in response.content.decode()

    def test_an_absurdly_long_term_is_a_form_error(self, trainer_client, bob):
        response = trainer_client.get(LOOKUP_URL, {"q": "b" * 500})

        assert response.status_code == 200
        assert response.context["form"].errors["q"]
        assert response.context["results"] == []

    def test_results_are_paged_keeping_the_term(self, trainer_client):
        for index in range(23):
            member_named("Sam", f"Taylor{index:02d}")

        first = trainer_client.get(LOOKUP_URL, {"q": "sam"})
        second = trainer_client.get(LOOKUP_URL, {"q": "sam", "page": 2})

        assert len(first.context["results"]) == 20
        assert names(second) == ["Sam Taylor20", "Sam Taylor21", "Sam Taylor22"]
        assert 'href="?q=sam&amp;page=2"' in first.content.decode()
        assert "23 members matching" in first.content.decode()

    def test_the_query_count_holds_whatever_the_amount_of_data(self, trainer_client, django_assert_num_queries):
        def add(first: int, count: int) -> None:
            for index in range(first, first + count):
                member = member_named("Sam", f"Taylor{index:02d}")
                FitnessGoalFactory(member=member)
                FitnessGoalFactory(member=member, is_active=False)
                for days in (1, 5, 9):
                    HealthMetricFactory(member=member, recorded_at=ago(days=days))

        # Session, user, trainer profile, member profile (header), count, members, goals, latest metrics.
        add(0, 1)
        with django_assert_num_queries(8):
            small = trainer_client.get(LOOKUP_URL, {"q": "sam"})
        add(1, 30)
        with django_assert_num_queries(8):
            big = trainer_client.get(LOOKUP_URL, {"q": "sam"})

        assert len(small.context["results"]) == 1
        assert len(big.context["results"]) == 20
        assert all(metric is not None for _member, metric in big.context["results"])


class TestProfile:
    def test_shows_name_active_goals_latest_metric_and_the_metric_chart_only(self, trainer_client, bob):
        page = trainer_client.get(profile_url(bob)).content.decode()

        assert "Bob Smith" in page and "Lose weight: 75 kg" in page and "81.4 kg · 58 bpm" in page
        assert "Gain muscle" not in page
        # The client page draws the history the lookup's card leaves out.
        assert "first 93.2 kg, latest 81.4 kg" in page
        TestSearch.assert_nothing_private(page, bob)

    def test_an_unknown_member_is_a_404(self, trainer_client):
        assert trainer_client.get(reverse("trainers:member-profile", args=[987654])).status_code == 404

    def test_the_query_count_holds_whatever_the_amount_of_data(self, trainer_client, bob, django_assert_num_queries):
        # Session, user, trainer profile, member profile (header), then the client page: member, latest metric,
        # chart entries, goals with progress, upcoming and past sessions.
        with django_assert_num_queries(10):
            trainer_client.get(profile_url(bob))
        for days in range(2, 12):
            FitnessGoalFactory(member=bob)
            HealthMetricFactory(member=bob, recorded_at=ago(days=days))
        with django_assert_num_queries(10):
            response = trainer_client.get(profile_url(bob))

        assert len(response.context["client"].goals) == 11


LOOKUP_URLS = [
    pytest.param(lambda member: LOOKUP_URL + "?q=bob", id="search"),
    pytest.param(lambda member: LOOKUP_URL, id="search-empty"),
    pytest.param(profile_url, id="profile"),
]


@pytest.mark.parametrize("url", LOOKUP_URLS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_every_lookup_url_refuses_writes_with_405(trainer_client, bob, url, method):
    before = (
        list(Member.objects.values()),
        list(FitnessGoal.objects.values()),
        list(HealthMetric.objects.values()),
    )

    response = getattr(trainer_client, method)(
        url(bob), {"first_name": "Changed", "phone": "0", "is_active": "false"}, content_type="application/json"
    )

    assert response.status_code == 405
    assert "GET" in response["Allow"] and method.upper() not in response["Allow"]
    assert (
        list(Member.objects.values()),
        list(FitnessGoal.objects.values()),
        list(HealthMetric.objects.values()),
    ) == before


@pytest.mark.parametrize("url", LOOKUP_URLS)
def test_lookup_urls_answer_get_and_head(trainer_client, bob, url):
    assert trainer_client.get(url(bob)).status_code == 200
    assert trainer_client.head(url(bob)).status_code == 200
