"""Plans, and members' memberships, through the services: starting a plan ends the current one; a current
membership can be ended."""

from __future__ import annotations

from django.contrib import admin

from clubsite import adminkit

from .. import services
from ..models import Membership, MembershipPlan
from ._common import MEMBER_SEARCH_FIELDS


class MembershipPlanForm(adminkit.ServiceAdminForm):
    class Meta:
        model = MembershipPlan
        fields = ("name", "monthly_fee", "description", "is_active")

    def save_with_service(self, data):
        values = {
            "name": data["name"],
            "monthly_fee": data["monthly_fee"],
            "description": data.get("description", ""),
            "is_active": data.get("is_active", False),
        }
        if self.instance.pk is None:
            return services.membership_plan_create(**values)
        return services.membership_plan_update(plan=self.instance, **values)


@admin.register(MembershipPlan)
class MembershipPlanAdmin(adminkit.ServiceAdminMixin, admin.ModelAdmin):
    form = MembershipPlanForm
    list_display = ("name", "monthly_fee", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)


class MembershipAddForm(adminkit.ServiceAdminForm):
    class Meta:
        model = Membership
        fields = ("member", "plan", "started_on")

    def save_with_service(self, data):
        return services.membership_start(member=data["member"], plan=data["plan"], started_on=data["started_on"])


class MembershipEndForm(adminkit.ServiceAdminForm):
    class Meta:
        model = Membership
        fields = ("ended_on",)

    def save_with_service(self, data):
        if not self.changed_data or data.get("ended_on") is None:
            return self.instance
        return services.membership_end(membership=self.instance, ended_on=data["ended_on"])


@admin.register(Membership)
class MembershipAdmin(adminkit.LargeTableAdminMixin, adminkit.ServiceAdminMixin, admin.ModelAdmin):
    """Starting a plan ends the member's current one the day before; a current membership can be ended."""

    list_display = ("member", "plan", "started_on", "ended_on")
    list_filter = ("plan", ("ended_on", admin.EmptyFieldListFilter))
    list_select_related = ("member__user", "plan")
    search_fields = MEMBER_SEARCH_FIELDS
    autocomplete_fields = ("member", "plan")
    date_hierarchy = "started_on"

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = MembershipEndForm if obj else MembershipAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return ("member", "plan", "started_on") if obj is None else ("member", "plan", "started_on", "ended_on")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.ended_on is not None:
            return ("member", "plan", "started_on", "ended_on")
        return ("member", "plan", "started_on")

    def has_delete_permission(self, request, obj=None):
        # Invoice lines refer to the memberships they billed.
        return False
