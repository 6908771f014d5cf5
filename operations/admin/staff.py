"""The back office's staff and their roles: a role puts the person in its group and lets them in."""

from __future__ import annotations

from django.contrib import admin

from clubsite import adminkit

from .. import staff
from ..models import AdminStaff
from ._shared import counted


class AdminStaffAddForm(adminkit.ServiceAdminForm):
    class Meta:
        model = AdminStaff
        fields = ["user", "role"]

    def save_with_service(self, data):
        return staff.staff_set_role(user=data["user"], role=data["role"])


class AdminStaffChangeForm(adminkit.ServiceAdminForm):
    class Meta:
        model = AdminStaff
        fields = ["role"]

    def save_with_service(self, data):
        if not self.changed_data:
            return self.instance
        return staff.staff_set_role(user=self.instance.user, role=data["role"])


@admin.action(description="Take the selected people off the staff", permissions=["delete"])
def remove_from_staff(modeladmin, request, queryset):
    adminkit.run_service_action(
        modeladmin,
        request,
        queryset,
        lambda s: staff.staff_remove(user=s.user),
        counted("person", "people", "taken off the staff"),
    )


@admin.register(AdminStaff)
class AdminStaffAdmin(adminkit.ServiceAdminMixin, admin.ModelAdmin):
    """A role puts the person in its group (and so gives its permissions) and lets them into the back office."""

    list_display = ["user", "email", "role"]
    list_filter = ["role"]
    search_fields = ["user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
    actions = [remove_from_staff]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = AdminStaffChangeForm if obj else AdminStaffAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["user", "role"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj else []

    def has_delete_permission(self, request, obj=None):
        # Deleting the row alone would leave the person in their group: the action goes through the service.
        if obj is not None:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="Email", ordering="user__email")
    def email(self, obj):
        return obj.user.email
