"""Staff users of each role for the back-office tests, made the way the club makes them: through the role service."""

from __future__ import annotations

from typing import Any

from django.test import Client

from clubsite.accounts.models import User
from operations.models import AdminStaff
from operations.staff import staff_groups_sync, staff_set_role

ROLES = [role.value for role in AdminStaff.Role]


def staff_user(role: str, **user_fields: Any) -> User:
    from clubsite.accounts.tests.factories import UserFactory

    # A transactional test flushes the database, role groups included: put them back as the migration made them.
    staff_groups_sync()
    user: User = UserFactory.create(**user_fields)
    staff_set_role(user=user, role=role)
    # As the next request would read them: the staff flag the role service set, the role row with it.
    return User.objects.select_related("admin_staff").get(pk=user.pk)


def sign_in_as(client: Client, role: str, **user_fields: Any) -> User:
    """``client`` signed in as a new staff member with ``role``; returns the user. A role that needs two-factor
    sign-in (manager, billing) gets a confirmed authenticator and a session verified by it."""
    from .twofactor import sign_in

    user = staff_user(role, **user_fields)
    sign_in(client, user)
    return user
