"""Codes sent at once: every wrong one is counted (the lockout holds however many workers guess in parallel), and a
right code or a recovery code sent twice at once is accepted once."""

from __future__ import annotations

import pytest

from clubsite.accounts.errors import AccountError
from clubsite.accounts.twofactor.models import CodeAttempts
from clubsite.accounts.twofactor.services import recovery_codes_regenerate, second_factor_verify
from clubsite.testing.races import race
from clubsite.testing.twofactor import enrol, fresh_code
from members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)


def codes_of(outcome) -> list[str]:
    assert all(isinstance(error, AccountError) for error in outcome.errors), outcome.errors
    return sorted(error.code for error in outcome.errors)


def test_twelve_wrong_codes_at_once_are_each_counted_and_the_lockout_starts_at_the_fifth():
    user = MemberFactory().user
    enrol(user)

    outcome = race(lambda _index: second_factor_verify(user=user, code="zzzzzzzz"), workers=12)

    assert codes_of(outcome) == ["two_factor_code_wrong"] * 4 + ["two_factor_locked"] * 8
    attempts = CodeAttempts.objects.get(user=user)
    assert (attempts.lockouts, attempts.failures) == (1, 0) and attempts.locked_until is not None


def test_one_code_sent_twice_at_once_signs_in_once():
    user = MemberFactory().user
    device = enrol(user)
    code = fresh_code(device)

    outcome = race(lambda _index: second_factor_verify(user=user, code=code), workers=2)

    assert len(outcome.results) == 1 and codes_of(outcome) == ["two_factor_code_wrong"]


def test_one_recovery_code_sent_twice_at_once_works_once():
    user = MemberFactory().user
    enrol(user)
    code = recovery_codes_regenerate(user=user)[0]

    outcome = race(lambda _index: second_factor_verify(user=user, code=code), workers=2)

    assert len(outcome.results) == 1 and codes_of(outcome) == ["two_factor_code_wrong"]
