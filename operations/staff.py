"""Staff roles: which Django group (and so which permissions) each AdminStaff role grants, and role changes."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from .errors import SchedulingError
from .models import AdminStaff

Role = AdminStaff.Role

# The group each role puts its holder in. The latest roles migration (trainers/migrations/
# 0003_staff_roles_time_off.py) holds a copy of these tables (migrations never import app code); a
# test keeps the two the same.
ROLE_GROUPS: dict[str, str] = {
    Role.MANAGER: "Manager",
    Role.FRONT_DESK: "Front desk",
    Role.MAINTENANCE: "Maintenance",
    Role.BILLING: "Billing",
}

# The apps a manager runs completely ("everything"): the club's, its job queue (failed jobs, retries), its
# webhooks and the front desk (visits, staff notes).
MANAGER_APPS = (
    "accounts",
    "members",
    "trainers",
    "operations",
    "billing",
    "jobs",
    "procrastinate",
    "webhooks",
    "frontdesk",
)

EDIT = ("view", "add", "change")
ALL = ("view", "add", "change", "delete")
VIEW = ("view",)

# "app_label.model" -> actions. What a role may only look at are the records its own work refers to:
# the front desk registers members for classes and takes payments against invoices, billing bills members.
# The front desk checks members in (visits: never changed afterwards) and keeps staff notes about them.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.FRONT_DESK: {
        "members.member": EDIT,
        "members.fitnessgoal": EDIT,
        "members.healthmetric": ("view", "add"),
        "operations.classregistration": EDIT,
        "operations.booking": EDIT,
        "operations.personaltrainingsession": EDIT,
        "operations.groupclass": VIEW,
        "billing.payment": ("view", "add"),
        "billing.invoice": VIEW,
        # At the desk: a member's membership and its freezes, the packs on sale and those bought.
        "billing.membership": VIEW,
        "billing.membershipfreeze": EDIT,
        "billing.classpack": VIEW,
        "billing.creditpack": ("view", "add"),
        "billing.classcover": VIEW,
        "frontdesk.visit": ("view", "add"),
        "frontdesk.staffnote": ("view", "add"),
        # Booking personal training for members: when a trainer usually works and when they are away.
        "trainers.weeklyslot": VIEW,
        "trainers.timeoff": VIEW,
    },
    Role.MAINTENANCE: {
        "operations.room": EDIT,
        "operations.equipment": EDIT,
        "operations.maintenancerecord": EDIT,
    },
    Role.BILLING: {
        "billing.membershipplan": ALL,
        "billing.membership": EDIT,
        "billing.invoice": EDIT,
        "billing.invoiceline": ALL,
        "billing.payment": ("view", "add"),
        "billing.billingrun": VIEW,
        "billing.membershipfreeze": EDIT,
        "billing.classpack": ALL,
        "billing.creditpack": EDIT,
        "billing.classcover": VIEW,
        "members.member": VIEW,
    },
}


def is_manager(user) -> bool:
    """Whether ``user`` runs the club: a superuser, or active staff holding the manager role (the audit trail's
    readers). The role row is cached on the user: one query at most per request, none for a superuser."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return False
    if user.is_superuser:
        return True
    staff = getattr(user, "admin_staff", None)
    return staff is not None and staff.role == Role.MANAGER


def role_permission_filter(role: str) -> Q:
    """The permissions of ``role`` as a filter on Permission (the manager: every permission of the club's apps)."""
    if role == Role.MANAGER:
        return Q(content_type__app_label__in=MANAGER_APPS)
    condition = Q(pk__in=[])
    for model_label, actions in ROLE_PERMISSIONS[role].items():
        app_label, model = model_label.split(".")
        condition |= Q(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    return condition


def _role_group(role: str, *, reset: bool = False) -> Group:
    group, created = Group.objects.get_or_create(name=ROLE_GROUPS[role])
    if created or reset:
        # A group the data migration created is kept as it is; one that went missing (a flushed
        # database) is created again with its role's permissions.
        group.permissions.set(Permission.objects.filter(role_permission_filter(role)))
    return group


def staff_groups_sync() -> dict[str, Group]:
    """Create the four role groups, or reset them to exactly their role's permissions."""
    with transaction.atomic():
        return {role: _role_group(role, reset=True) for role in ROLE_GROUPS}


def _lock_user(user):
    User = get_user_model()
    pk = getattr(user, "pk", None)
    locked = User.objects.select_for_update().filter(pk=pk).first() if pk is not None else None
    if locked is None:
        raise SchedulingError("staff_user_required")
    return locked


def staff_set_role(*, user, role: str) -> AdminStaff:
    """Put ``user`` on the staff with ``role``: their AdminStaff row, ``is_staff``, and the one group of that role.

    Groups that are not role groups (given by hand by a superuser) are left alone.
    """
    if role not in ROLE_GROUPS:
        raise SchedulingError("staff_role_invalid")
    with transaction.atomic():
        user = _lock_user(user)
        if not user.is_active:
            raise SchedulingError("staff_user_inactive")
        staff, _created = AdminStaff.objects.update_or_create(user=user, defaults={"role": role})
        group = _role_group(role)
        user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS.values()).exclude(pk=group.pk))
        user.groups.add(group)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return staff


def staff_remove(*, user) -> None:
    """Take ``user`` off the staff: no role, no role group, and no way into the back office unless a superuser."""
    with transaction.atomic():
        user = _lock_user(user)
        deleted, _ = AdminStaff.objects.filter(user=user).delete()
        if not deleted:
            raise SchedulingError("staff_not_staff")
        user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS.values()))
        if user.is_staff and not user.is_superuser:
            user.is_staff = False
            user.save(update_fields=["is_staff"])
