"""Staff roles: the role service, the role groups and their permissions, the data migration and the staff admin."""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from clubsite.accounts.tests.factories import UserFactory
from clubsite.testing.errors import refused
from clubsite.testing.roles import staff_user
from operations import staff
from operations.errors import SchedulingError
from operations.models import AdminStaff


def said(code: str, **params) -> str:
    """What a person reads for ``code``: the text of the operations error table."""
    return SchedulingError(code, **params).message


pytestmark = pytest.mark.django_db

Role = AdminStaff.Role
# The latest migration that sets the role groups' permissions (trainers' time off and templates, which came last).
ROLES_MIGRATION = ("trainers", "0003_staff_roles_time_off")
migration = importlib.import_module(f"trainers.migrations.{ROLES_MIGRATION[1]}")
first_migration = importlib.import_module("operations.migrations.0003_staff_role_groups")


def group_names(user) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def codenames(group_name: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(group__name=group_name).values_list(
            "content_type__app_label", "codename"
        )
    }


class TestStaffSetRole:
    def test_a_role_makes_a_person_staff_in_the_group_of_that_role(self):
        user = UserFactory()

        result = staff.staff_set_role(user=user, role=Role.FRONT_DESK)

        user.refresh_from_db()
        assert (result.user, result.role) == (user, Role.FRONT_DESK)
        assert user.is_staff
        assert group_names(user) == ["Front desk"]
        assert user.has_perm("operations.add_booking")
        assert not user.has_perm("operations.change_room")

    def test_a_new_role_replaces_the_old_group_and_keeps_other_groups(self):
        user = staff_user(Role.MAINTENANCE)
        user.groups.add(Group.objects.create(name="Newsletter editors"))

        staff.staff_set_role(user=user, role=Role.BILLING)

        assert AdminStaff.objects.get(user=user).role == Role.BILLING
        assert group_names(user) == ["Billing", "Newsletter editors"]

    def test_an_unknown_role_is_refused_and_nothing_changes(self):
        user = UserFactory()

        with refused("staff_role_invalid"):
            staff.staff_set_role(user=user, role="janitor")

        user.refresh_from_db()
        assert not user.is_staff
        assert not AdminStaff.objects.exists()

    def test_a_deactivated_account_gets_no_role(self):
        user = UserFactory(is_active=False)

        with refused("staff_user_inactive"):
            staff.staff_set_role(user=user, role=Role.MANAGER)

        assert not AdminStaff.objects.exists()

    @pytest.mark.parametrize("user", [None, "unsaved"])
    def test_a_missing_user_is_refused(self, user):
        if user == "unsaved":
            user = UserFactory.build()

        with refused("staff_user_required"):
            staff.staff_set_role(user=user, role=Role.MANAGER)

    def test_a_missing_group_is_created_again_with_its_permissions(self):
        Group.objects.filter(name="Maintenance").delete()
        user = UserFactory()

        staff.staff_set_role(user=user, role=Role.MAINTENANCE)

        assert codenames("Maintenance") == {
            f"operations.{action}_{model}"
            for model in ("room", "equipment", "maintenancerecord")
            for action in ("view", "add", "change")
        }


class TestStaffRemove:
    def test_removing_takes_the_role_the_group_and_the_way_in(self):
        user = staff_user(Role.BILLING)

        staff.staff_remove(user=user)

        user.refresh_from_db()
        assert not user.is_staff
        assert group_names(user) == []
        assert not AdminStaff.objects.filter(user=user).exists()

    def test_a_superuser_keeps_their_way_in(self):
        user = UserFactory(is_superuser=True, is_staff=True)
        staff.staff_set_role(user=user, role=Role.MANAGER)

        staff.staff_remove(user=user)

        user.refresh_from_db()
        assert user.is_staff

    def test_someone_without_a_role_cannot_be_removed(self):
        with refused("staff_not_staff"):
            staff.staff_remove(user=UserFactory())


class TestRoleGroups:
    def test_each_role_group_holds_exactly_its_permissions(self):
        staff.staff_groups_sync()

        assert codenames("Front desk") == {
            "members.view_member", "members.add_member", "members.change_member",
            "members.view_fitnessgoal", "members.add_fitnessgoal", "members.change_fitnessgoal",
            "members.view_healthmetric", "members.add_healthmetric",
            "operations.view_classregistration", "operations.add_classregistration",
            "operations.change_classregistration",
            "operations.view_booking", "operations.add_booking", "operations.change_booking",
            "operations.view_personaltrainingsession", "operations.add_personaltrainingsession",
            "operations.change_personaltrainingsession",
            "operations.view_groupclass",
            "billing.view_payment", "billing.add_payment",
            "billing.view_invoice",
            "billing.view_membership",
            "billing.view_membershipfreeze", "billing.add_membershipfreeze", "billing.change_membershipfreeze",
            "billing.view_classpack",
            "billing.view_creditpack", "billing.add_creditpack",
            "billing.view_classcover",
            "frontdesk.view_visit", "frontdesk.add_visit",
            "frontdesk.view_staffnote", "frontdesk.add_staffnote",
            "trainers.view_weeklyslot", "trainers.view_timeoff",
        }  # fmt: skip
        assert codenames("Billing") == {
            *(f"billing.{action}_{model}" for model in ("membershipplan", "invoiceline")
              for action in ("view", "add", "change", "delete")),
            *(f"billing.{action}_{model}" for model in ("membership", "invoice")
              for action in ("view", "add", "change")),
            "billing.view_payment", "billing.add_payment",
            "billing.view_billingrun",
            *(f"billing.{action}_{model}" for model in ("membershipfreeze", "creditpack")
              for action in ("view", "add", "change")),
            *(f"billing.{action}_classpack" for action in ("view", "add", "change", "delete")),
            "billing.view_classcover",
            "members.view_member",
        }  # fmt: skip

    def test_the_manager_holds_every_permission_of_the_club_and_nothing_else(self):
        staff.staff_groups_sync()
        club = Permission.objects.filter(
            content_type__app_label__in=[
                *("accounts", "members", "trainers", "operations", "billing"),
                *("jobs", "procrastinate", "webhooks"),  # the queue's failed jobs and the webhooks
                "frontdesk",  # visits and staff notes
            ]
        )

        assert codenames("Manager") == {f"{p.content_type.app_label}.{p.codename}" for p in club}
        assert {"operations.delete_booking", "jobs.change_failedjob", "webhooks.add_webhookendpoint"} <= codenames(
            "Manager"
        )
        assert not any(name.startswith(("auth.", "admin.", "axes.")) for name in codenames("Manager"))

    def test_sync_puts_back_what_was_taken_from_a_group(self):
        staff.staff_groups_sync()
        Group.objects.get(name="Billing").permissions.clear()

        staff.staff_groups_sync()

        assert "billing.add_payment" in codenames("Billing")


class TestMigration:
    def test_the_migration_carries_the_same_tables_as_the_code(self):
        assert migration.ROLE_GROUPS == {str(role): name for role, name in staff.ROLE_GROUPS.items()}
        assert migration.MANAGER_APPS == staff.MANAGER_APPS
        assert migration.ROLE_PERMISSIONS == {str(role): table for role, table in staff.ROLE_PERMISSIONS.items()}

    def test_the_migration_creates_the_groups_and_its_reverse_removes_them(self):
        historical = MigrationExecutor(connection).loader.project_state(ROLES_MIGRATION).apps
        first_migration.remove_role_groups(historical, None)
        assert not Group.objects.filter(name__in=staff.ROLE_GROUPS.values()).exists()

        migration.set_role_permissions(historical, None)

        expected = {name: codenames(name) for name in staff.ROLE_GROUPS.values()}
        staff.staff_groups_sync()
        assert expected == {name: codenames(name) for name in staff.ROLE_GROUPS.values()}
        assert all(expected.values())


class TestAdminStaffAdmin:
    def url(self, view, *args):
        return reverse(f"admin:operations_adminstaff_{view}", args=args)

    def test_adding_a_staff_member_gives_them_their_group(self, admin_client):
        user = UserFactory()

        response = admin_client.post(self.url("add"), {"user": user.pk, "role": Role.MAINTENANCE})

        assert response.status_code == 302
        user.refresh_from_db()
        assert user.is_staff
        assert group_names(user) == ["Maintenance"]

    def test_changing_the_role_changes_the_group(self, admin_client):
        user = staff_user(Role.MAINTENANCE)
        row = AdminStaff.objects.get(user=user)

        response = admin_client.post(self.url("change", row.pk), {"role": Role.FRONT_DESK})

        assert response.status_code == 302
        assert group_names(user) == ["Front desk"]

    def test_a_refused_role_is_a_form_error(self, admin_client):
        user = UserFactory(is_active=False)

        response = admin_client.post(self.url("add"), {"user": user.pk, "role": Role.MANAGER})

        assert response.status_code == 200
        assert response.context["adminform"].form.errors["user"] == [said("staff_user_inactive")]
        assert not AdminStaff.objects.exists()

    def test_the_remove_action_takes_people_off_the_staff(self, admin_client):
        user = staff_user(Role.BILLING)
        row = AdminStaff.objects.get(user=user)

        response = admin_client.post(
            self.url("changelist"), {"action": "remove_from_staff", "_selected_action": [row.pk]}, follow=True
        )

        assert "1 person taken off the staff." in [str(m) for m in response.context["messages"]]
        user.refresh_from_db()
        assert not user.is_staff
        assert group_names(user) == []

    def test_a_staff_row_is_never_deleted_alone(self, admin_client):
        row = AdminStaff.objects.get(user=staff_user(Role.BILLING))

        assert admin_client.post(self.url("delete", row.pk), {"post": "yes"}).status_code == 403
        assert AdminStaff.objects.filter(pk=row.pk).exists()


def test_the_demo_staff_get_their_role_groups():
    from clubsite.demo.management.commands.seed_demo import Command

    Command()._seed_staff_and_plans()

    roles = {
        staff_row.user.email: (staff_row.role, group_names(staff_row.user), staff_row.user.is_staff)
        for staff_row in AdminStaff.objects.select_related("user")
    }
    assert roles == {
        "admin@clubsite.test": (Role.MANAGER, ["Manager"], True),
        "frontdesk@clubsite.test": (Role.FRONT_DESK, ["Front desk"], True),
        "maintenance@clubsite.test": (Role.MAINTENANCE, ["Maintenance"], True),
        "billing@clubsite.test": (Role.BILLING, ["Billing"], True),
    }
