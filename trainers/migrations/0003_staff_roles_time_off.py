"""The front desk sees trainers' weekly templates and time off (trainers/0002's models), to book personal training
for members; managers run them with the rest of the trainers app.

A data step: the role groups get their permissions from the tables below (a copy of operations/staff.py as it
is now; operations/tests/test_staff.py keeps the two the same). Groups made before trainers/0002 lack its
permissions, the manager's too, so every group is set again. Unapplied, the groups get
frontdesk/0002's tables back.
"""

import importlib

from django.db import migrations
from django.db.models import Q

ROLE_GROUPS = {
    "manager": "Manager",
    "front_desk": "Front desk",
    "maintenance": "Maintenance",
    "billing": "Billing",
}
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
ROLE_PERMISSIONS = {
    "front_desk": {
        "members.member": EDIT,
        "members.fitnessgoal": EDIT,
        "members.healthmetric": ("view", "add"),
        "operations.classregistration": EDIT,
        "operations.booking": EDIT,
        "operations.personaltrainingsession": EDIT,
        "operations.groupclass": VIEW,
        "billing.payment": ("view", "add"),
        "billing.invoice": VIEW,
        "billing.membership": VIEW,
        "billing.membershipfreeze": EDIT,
        "billing.classpack": VIEW,
        "billing.creditpack": ("view", "add"),
        "billing.classcover": VIEW,
        "frontdesk.visit": ("view", "add"),
        "frontdesk.staffnote": ("view", "add"),
        "trainers.weeklyslot": VIEW,
        "trainers.timeoff": VIEW,
    },
    "maintenance": {
        "operations.room": EDIT,
        "operations.equipment": EDIT,
        "operations.maintenancerecord": EDIT,
    },
    "billing": {
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


def _permission_filter(role):
    if role == "manager":
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


def set_role_permissions(apps, schema_editor):
    # trainers/0002's permissions do not exist yet on a fresh database (post_migrate creates them at the end).
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, name in ROLE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(_permission_filter(role)))


def restore_previous_permissions(apps, schema_editor):
    importlib.import_module("clubsite.frontdesk.migrations.0002_staff_roles_front_desk").set_role_permissions(
        apps, schema_editor
    )


class Migration(migrations.Migration):
    dependencies = [
        ("trainers", "0002_weekly_template_and_time_off"),
        ("frontdesk", "0002_staff_roles_front_desk"),
    ]

    operations = [migrations.RunPython(set_role_permissions, restore_previous_permissions)]
