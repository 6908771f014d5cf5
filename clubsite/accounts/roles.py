"""Which roles a signed-in person holds; one user may be a member and a trainer at once."""

from __future__ import annotations


def is_member(user) -> bool:
    return user.is_authenticated and hasattr(user, "member")


def is_trainer(user) -> bool:
    return user.is_authenticated and hasattr(user, "trainer") and user.trainer.is_active


def is_staff_member(user) -> bool:
    return user.is_authenticated and user.is_staff


#: The staff roles (``operations.models.AdminStaff.Role`` values: accounts never import operations) whose holders
#: handle money and people's powers, and so must sign in with a second factor; a test keeps them real roles.
TWO_FACTOR_ROLES = frozenset({"manager", "billing"})


def two_factor_required(user) -> bool:
    """Whether ``user`` must sign in with a second factor before the back office opens or a staff API token
    works: superusers, and staff holding the manager or billing role. The one place this rule is written; the
    admin site, the API's auth and the sign-in pages all ask it. (The role row comes with the user where the
    caller selected it, as the API's token look-up does; otherwise it costs one query.)"""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not user.is_staff:
        return False
    staff = getattr(user, "admin_staff", None)
    return staff is not None and staff.role in TWO_FACTOR_ROLES
