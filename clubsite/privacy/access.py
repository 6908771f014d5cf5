"""Who may approve an erasure: a superuser or a staff member with the manager role (the admin and the API ask)."""

from __future__ import annotations

from typing import Any

from operations.models import AdminStaff


def may_approve_erasure(user: Any) -> bool:
    """Read through ``user.admin_staff``, which Django keeps on the instance: the request's user is read afresh
    for each request, so a role changed since counts, and the admin asking several times a page costs one query."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    try:
        staff = user.admin_staff
    except AdminStaff.DoesNotExist:
        return False
    return staff.role == AdminStaff.Role.MANAGER
