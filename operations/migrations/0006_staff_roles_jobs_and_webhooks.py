"""Managers also run the job queue and the webhooks; the billing role sees the billing runs.

A data step: the role groups get their permissions from the tables below (a copy of operations/staff.py as it
is now; a test keeps the two the same). Unapplied, the groups get 0003's tables back.
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
MANAGER_APPS = ("accounts", "members", "trainers", "operations", "billing", "jobs", "procrastinate", "webhooks")
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
    # The new apps' permissions do not exist yet on a fresh database (post_migrate creates them at the end).
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
    importlib.import_module("operations.migrations.0003_staff_role_groups").create_role_groups(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0005_registration_changelist_index"),
        ("billing", "0003_billing_runs_and_dunning"),
        ("jobs", "0001_initial"),
        ("webhooks", "0001_endpoints_and_deliveries"),
    ]

    operations = [migrations.RunPython(set_role_permissions, restore_previous_permissions)]
