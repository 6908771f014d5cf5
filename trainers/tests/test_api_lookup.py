"""Member lookup over the API: name, active goals and latest metric, and never anything private."""

import datetime
from decimal import Decimal

import pytest

from billing.tests.factories import InvoiceLineFactory, MembershipFactory, MembershipPlanFactory
from clubsite.testing.api import ApiClient
from clubsite.testing.scenes import ago, member_named
from members.models import FitnessGoal
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory
from trainers.selectors import LOOKUP_COUNT_CAP

pytestmark = pytest.mark.django_db

#: What the lookup must never say: in no key of any object, at any depth.
PRIVATE_KEYS = {"email", "phone", "date_of_birth", "gender", "invoices", "balance", "membership", "plan", "user"}


@pytest.fixture
def bob():
    member = member_named("Bob", "Smith", phone="07123 456789", date_of_birth=datetime.date(1987, 6, 5))
    FitnessGoalFactory(member=member, goal_type=FitnessGoal.GoalType.LOSE_WEIGHT, target_value=Decimal("75"))
    FitnessGoalFactory(member=member, goal_type=FitnessGoal.GoalType.GAIN_MUSCLE, is_active=False)
    HealthMetricFactory(member=member, weight=Decimal("81.4"), heart_rate=58, body_fat=None, recorded_at=ago(days=1))
    HealthMetricFactory(member=member, weight=Decimal("93.2"), heart_rate=71, recorded_at=ago(days=30))
    MembershipFactory(member=member, plan=MembershipPlanFactory(name="Platinum Plus"))
    InvoiceLineFactory(invoice__member=member, description="Locker rental", unit_price=Decimal("12.34"))
    return member


def keys_of(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for inner in value.values() for key in keys_of(inner)}
    if isinstance(value, list):
        return {key for inner in value for key in keys_of(inner)}
    return set()


def assert_nothing_private(response, member) -> None:
    assert keys_of(response.json()) & PRIVATE_KEYS == set()
    text = response.content.decode()
    for private in (member.user.email, "07123 456789", "1987-06-05", "Platinum Plus", "Locker rental", "12.34"):
        assert private not in text


class TestSearch:
    def test_by_name_with_active_goals_and_the_latest_metric_only(self, trainer, bob, django_assert_max_num_queries):
        member_named("Ann", "Bobrov")
        member_named("Harry", "Roberts")
        api = ApiClient(trainer.user)

        with django_assert_max_num_queries(7):  # token, its last use, trainer, count, members, goals, metrics
            response = api.get("/trainer/members", q="bOb")

        assert response.status_code == 200
        body = response.json()
        assert (body["count"], body["capped"]) == (2, False)
        # The whole name first, then a name starting with the word.
        assert [m["name"] for m in body["items"]] == ["Bob Smith", "Ann Bobrov"]
        found = body["items"][0]
        assert [(g["goal_label"], g["target_value"]) for g in found["active_goals"]] == [("Lose weight", "75.00")]
        assert (found["latest_metric"]["weight"], found["latest_metric"]["heart_rate"]) == ("81.4", 58)
        assert body["items"][1]["latest_metric"] is None
        assert_nothing_private(response, bob)

    def test_every_word_must_match_and_paging_works(self, trainer):
        for first in ("Alice", "Alma", "Alan"):
            member_named(first, "Walker")
        api = ApiClient(trainer.user)

        assert [m["name"] for m in api.get("/trainer/members", q="al walk").json()["items"]] == [
            "Alan Walker",
            "Alice Walker",
            "Alma Walker",
        ]
        page = api.get("/trainer/members", q="walker", limit=1, offset=1).json()
        assert (page["count"], [m["name"] for m in page["items"]]) == (3, ["Alice Walker"])

    def test_the_count_stops_at_the_cap(self, trainer, monkeypatch):
        monkeypatch.setattr("trainers.api.lookup.LOOKUP_COUNT_CAP", 2)
        for first in ("Alice", "Alma", "Alan"):
            member_named(first, "Walker")

        body = ApiClient(trainer.user).get("/trainer/members", q="walker").json()

        assert (body["count"], body["capped"], len(body["items"])) == (2, True, 3)
        assert LOOKUP_COUNT_CAP == 1000

    def test_an_empty_term_finds_nobody(self, trainer, bob):
        body = ApiClient(trainer.user).get("/trainer/members", q="  ").json()

        assert (body["count"], body["items"]) == (0, [])

    def test_a_term_is_required_and_at_most_100_characters(self, trainer):
        api = ApiClient(trainer.user)

        assert api.get("/trainer/members").json()["field"] == "q"
        assert api.get("/trainer/members", q="x" * 101).status_code == 422

    def test_members_cannot_look_members_up(self, member, bob):
        assert ApiClient(member.user).get("/trainer/members", q="bob").status_code == 403


class TestProfile:
    def test_name_goals_and_latest_metric_and_nothing_private(self, trainer, bob, django_assert_max_num_queries):
        api = ApiClient(trainer.user)

        with django_assert_max_num_queries(6):  # token, its last use, trainer, member, goals, metric
            response = api.get(f"/trainer/members/{bob.pk}")

        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"id", "first_name", "last_name", "name", "active_goals", "latest_metric"}
        assert body["name"] == "Bob Smith"
        assert [g["goal_type"] for g in body["active_goals"]] == ["lose_weight"]
        assert body["latest_metric"]["weight"] == "81.4"
        assert_nothing_private(response, bob)

    def test_an_unknown_member_is_404(self, trainer):
        response = ApiClient(trainer.user).get("/trainer/members/999999")

        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
