"""Which roles a signed-in person holds; one user may be a member and a trainer at once."""

from __future__ import annotations


def is_member(user) -> bool:
    return user.is_authenticated and hasattr(user, "member")


def is_trainer(user) -> bool:
    return user.is_authenticated and hasattr(user, "trainer") and user.trainer.is_active


def is_staff_member(user) -> bool:
    return user.is_authenticated and user.is_staff
