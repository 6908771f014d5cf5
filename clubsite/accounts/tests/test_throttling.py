"""Sign-in throttling per address and per account: spraying is slowed, bystanders wait seconds, not minutes."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clubsite.accounts.tests.factories import DEMO_PASSWORD, UserFactory

LOGIN = reverse("accounts:login")
SPRAYER = "203.0.113.7"
OTHER_NETWORK = "198.51.100.20"


def _client(address: str) -> Client:
    # Each Client is a separate visitor; axes reads the address from REMOTE_ADDR.
    return Client(REMOTE_ADDR=address)


def _guess(client: Client, email: str, password: str = "wrong password"):
    return client.post(LOGIN, {"username": email, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_wrong_guesses_for_many_emails_from_one_address_are_throttled():
    sprayer = _client(SPRAYER)

    answers = [_guess(sprayer, f"member{n}@clubsite.test") for n in range(25)]

    statuses = [answer.status_code for answer in answers]
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert set(statuses[limit:]) == {429}
    assert "Too many attempts from your network; try again in" in answers[-1].content.decode()
    assert int(answers[-1].headers["Retry-After"]) > 0


@pytest.mark.django_db
def test_a_member_behind_the_sprayed_address_signs_in_after_the_short_cool_off(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    member = UserFactory(email="bystander@clubsite.test")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _guess(_client(SPRAYER), f"member{n}@clubsite.test")
    colleague = _client(SPRAYER)

    paused = _guess(colleague, member.email, DEMO_PASSWORD)
    assert paused.status_code == 429
    seconds = int(paused.headers["Retry-After"])
    assert seconds <= settings.CLUB_LOGIN_COOLOFF_CAP_SECONDS
    assert f"try again in {seconds} seconds" in paused.content.decode()

    time_machine.shift(timedelta(seconds=seconds + 1))
    answer = _guess(colleague, member.email, DEMO_PASSWORD)

    assert answer.status_code == 302
    assert _signed_in(colleague)


@pytest.mark.django_db
def test_someone_elses_guesses_at_an_account_pause_it_briefly_never_for_fifteen_minutes(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    member = UserFactory(email="target@clubsite.test")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _guess(_client(SPRAYER), member.email)
    at_home = _client(OTHER_NETWORK)

    # Guesses at the account from anywhere pause it (so spreading them over many addresses is slowed too)...
    paused = _guess(at_home, member.email, DEMO_PASSWORD)
    assert paused.status_code == 429
    assert "Too many attempts for this account" in paused.content.decode()

    # ...but only for the short cool-off.
    time_machine.shift(timedelta(seconds=settings.CLUB_LOGIN_COOLOFF_CAP_SECONDS + 1))
    assert _guess(at_home, member.email, DEMO_PASSWORD).status_code == 302
    assert _signed_in(at_home)


@pytest.mark.django_db
def test_the_cool_off_doubles_while_an_address_keeps_guessing_up_to_the_cap(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    sprayer = _client(SPRAYER)
    waits = []
    for round_number in range(6):
        answer = None
        for n in range(settings.AXES_FAILURE_LIMIT):
            answer = _guess(sprayer, f"r{round_number}n{n}@clubsite.test")
        assert answer is not None and answer.status_code == 429
        waits.append(int(answer.headers["Retry-After"]))
        time_machine.shift(timedelta(seconds=waits[-1] + 1))

    base, cap = settings.CLUB_LOGIN_COOLOFF_SECONDS, settings.CLUB_LOGIN_COOLOFF_CAP_SECONDS
    assert waits[0] == base
    assert waits[1] == min(2 * base, cap)
    assert waits == sorted(waits)
    assert waits[-1] == cap


@pytest.mark.django_db
def test_the_counts_are_kept_in_the_database_so_every_worker_sees_them():
    # Two clients share nothing but the database, as two gunicorn workers do.
    for n in range(settings.AXES_FAILURE_LIMIT):
        _guess(_client(SPRAYER), f"member{n}@clubsite.test")

    assert _guess(_client(SPRAYER), "someone@clubsite.test").status_code == 429
    assert _guess(_client(OTHER_NETWORK), "someone@clubsite.test").status_code == 200


@pytest.mark.django_db
def test_signing_in_to_ones_own_account_does_not_wipe_the_address_count():
    own = UserFactory(email="attacker@clubsite.test")
    sprayer = _client(SPRAYER)
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        _guess(sprayer, f"member{n}@clubsite.test")
    _guess(sprayer, own.email, DEMO_PASSWORD)
    sprayer.logout()

    assert _guess(sprayer, "member9@clubsite.test").status_code == 429
