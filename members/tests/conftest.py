"""Fixtures of the member portal tests: a signed-in member and a second member whose data must stay hidden."""

import pytest

from members.tests.factories import MemberFactory


@pytest.fixture
def member():
    return MemberFactory(user__first_name="Ann", user__last_name="Archer")


@pytest.fixture
def member_client(client, member):
    client.force_login(member.user)
    return client


@pytest.fixture
def other_member():
    return MemberFactory(user__first_name="Bob", user__last_name="Baker")
