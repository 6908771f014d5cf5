"""Who may do what over the API: the same rules as the pages, said once for every router.

A member reaches only their own rows (another member's id is a 404, as in the portal); a trainer only their
own schedule; staff exactly what their role's permissions allow in the admin.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from clubsite.accounts.models import User
from clubsite.accounts.roles import is_member, is_staff_member, is_trainer

from .auth import RoleRefused, auth_for

NOT_A_MEMBER = "These endpoints are for the club's members."
NOT_A_TRAINER = "These endpoints are for the club's trainers."
NOT_STAFF = "These endpoints are for the club's staff."

#: The routers' auth: each door admits its own role before anything of the request is read.
MEMBER_AUTH = auth_for(is_member, NOT_A_MEMBER)
TRAINER_AUTH = auth_for(is_trainer, NOT_A_TRAINER)
STAFF_AUTH = auth_for(is_staff_member, NOT_STAFF)


def member_of(request: HttpRequest) -> Any:
    """The signed-in member, or 403 for anyone else."""
    if not is_member(request.user):
        raise RoleRefused(NOT_A_MEMBER)
    return request.user.member  # type: ignore[union-attr]


def trainer_of(request: HttpRequest) -> Any:
    """The signed-in (active) trainer, or 403 for anyone else."""
    if not is_trainer(request.user):
        raise RoleRefused(NOT_A_TRAINER)
    return request.user.trainer  # type: ignore[union-attr]


def require_staff(request: HttpRequest, *permissions: str) -> User:
    """403 unless the caller is staff holding every one of ``permissions`` (``"operations.add_room"``): the
    permissions the admin checks for the same change, so each role can do exactly what it can there."""
    user = request.user
    if not is_staff_member(user):
        raise RoleRefused(NOT_STAFF)
    if not user.has_perms(permissions):
        raise RoleRefused("Your staff role does not allow this.")
    assert isinstance(user, User)  # staff are signed in
    return user
