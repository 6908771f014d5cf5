"""The four staff role groups with their permissions (a data step; the tables are copied from operations/staff.py)."""

from django.conf import settings
from django.db import migrations
from django.db.models import Q

# A copy of operations.staff.ROLE_GROUPS / MANAGER_APPS / ROLE_PERMISSIONS as they were when this
# migration was written: migrations never import app code (a test keeps the two the same).
ROLE_GROUPS = {
    "manager": "Manager",
    "front_desk": "Front desk",
    "maintenance": "Maintenance",
    "billing": "Billing",
}
MANAGER_APPS = ("accounts", "members", "trainers", "operations", "billing")
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


def create_role_groups(apps, schema_editor):
    # Permissions are normally created after the last migration (post_migrate); on a fresh
    # database they do not exist yet, so create them now for every app in this state.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # The historical app configs have no models module; create_permissions skips an app without one.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, name in ROLE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(_permission_filter(role)))


def remove_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLE_GROUPS.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("members", "0003_member_name_trigram_search"),
        ("trainers", "0001_initial"),
        ("operations", "0002_class_capacity_trigger"),
        # The billing models' permissions belong to the billing and front desk roles.
        ("billing", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
