"""The member lookup forgives typos ("morgn" finds Morgan) through the trigram indexes, best matches first."""

import pytest
from django.db import connection
from django.urls import reverse

from clubsite.testing.api import ApiClient
from clubsite.testing.scenes import member_named
from trainers.selectors import member_lookup

pytestmark = pytest.mark.django_db

TRIGRAM_INDEXES = {"accounts_user_first_name_trgm", "accounts_user_last_name_trgm"}


def names(members) -> list[str]:
    return [member.user.get_full_name() for member in members]


def test_a_typo_finds_the_name_it_nearly_spells():
    member_named("Morgan", "Lee")
    member_named("Alice", "Morgenstern")
    member_named("Zed", "Quill")

    assert names(member_lookup(term="morgn")) == ["Morgan Lee", "Alice Morgenstern"]
    assert names(member_lookup(term="morgn lee")) == ["Morgan Lee"]
    assert names(member_lookup(term="quil zed")) == ["Zed Quill"]


def test_whole_names_first_then_names_starting_with_the_word_then_inside_then_near_misses():
    member_named("Anna", "Jordan")  # "dan" inside
    member_named("Dan", "Young")  # the whole first name
    member_named("Cy", "Danvers")  # the start of the last name, after Dane by name
    member_named("Bea", "Dane")  # the start of the last name

    assert names(member_lookup(term="DAN")) == ["Dan Young", "Bea Dane", "Cy Danvers", "Anna Jordan"]


def test_among_near_misses_the_closest_comes_first():
    member_named("Ann", "Morgenstern")
    member_named("Bo", "Morgan")

    assert names(member_lookup(term="morgn")) == ["Bo Morgan", "Ann Morgenstern"]
    assert names(member_lookup(term="morgenstrn")) == ["Ann Morgenstern"]


def test_a_word_nothing_like_any_name_finds_nobody():
    member_named("Morgan", "Lee")

    assert names(member_lookup(term="xyzzy")) == []
    assert names(member_lookup(term="morgan xyzzy")) == []


def test_the_portal_lookup_finds_a_typo(trainer_client):
    member_named("Morgan", "Lee")

    response = trainer_client.get(reverse("trainers:member-lookup"), {"q": "morgn"})

    assert [member.user.get_full_name() for member, _metric in response.context["results"]] == ["Morgan Lee"]
    assert "1 member matching “morgn”." in response.content.decode()


def test_the_api_lookup_finds_a_typo(trainer):
    member_named("Morgan", "Lee")

    body = ApiClient(trainer.user).get("/trainer/members", q="Morgn").json()

    assert (body["count"], [item["name"] for item in body["items"]]) == (1, ["Morgan Lee"])


@pytest.mark.parametrize("term", ["morgn", "morgn lee"])
def test_a_typo_search_uses_the_trigram_indexes_when_sequential_scans_are_off(term):
    member_named("Morgan", "Lee")
    with connection.cursor() as cursor:
        # As clubsite/tests/test_database.py, with a club's worth of people: four index scans (inside or close,
        # first or last name) cost more than walking 2,000 rows, and less than walking 20,000.
        cursor.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, email, first_name, last_name, is_staff, is_active,
                                       date_joined)
            SELECT '', false, 'person' || n || '@club.test', 'Name' || n, 'Surname' || n, false, true, now()
              FROM generate_series(1, 20000) AS n
            """
        )
        cursor.execute(
            """
            INSERT INTO members_member (user_id, date_of_birth, gender, phone, created_at)
            SELECT id, DATE '1990-01-01', 'undisclosed', '', now()
              FROM accounts_user WHERE email LIKE 'person%@club.test'
            """
        )
        cursor.execute("ANALYZE accounts_user")
        cursor.execute("ANALYZE members_member")
        for name in sorted(TRIGRAM_INDEXES):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
        cursor.execute("SET LOCAL enable_seqscan = off")

    # Unordered, as when counting matches.
    plan = member_lookup(term=term).order_by().explain()

    assert {name for name in TRIGRAM_INDEXES if name in plan} == TRIGRAM_INDEXES, plan
    assert names(member_lookup(term=term)) == ["Morgan Lee"]
