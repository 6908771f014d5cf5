"""The front desk checks members in and keeps staff notes; managers run the front desk app as well; the front desk
and billing roles work with freezes, class packs and credits (billing/0004's models).

A data step: the role groups get their permissions from the tables below (a copy of operations/staff.py as it
is now; operations/tests/test_staff.py keeps the two the same). Unapplied, the groups get
operations/0006's tables back.
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
    # The front desk's permissions do not exist yet on a fresh database (post_migrate creates them at the end).
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
    importlib.import_module("operations.migrations.0006_staff_roles_jobs_and_webhooks").set_role_permissions(
        apps, schema_editor
    )


class Migration(migrations.Migration):
    dependencies = [
        ("frontdesk", "0001_initial"),
        ("operations", "0007_offers_and_no_shows"),
        ("billing", "0004_plans_freezes_packs_and_covers"),
    ]

    operations = [migrations.RunPython(set_role_permissions, restore_previous_permissions)]
