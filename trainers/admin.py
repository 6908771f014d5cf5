"""Staff back office for trainers and their availability; windows change through the scheduling services."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from clubsite import adminkit
from operations import services

from .models import Trainer, TrainerAvailability


@admin.register(Trainer)
class TrainerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "specialization", "hourly_rate", "is_active"]
    list_filter = ["is_active", "specialization"]
    search_fields = ["user__first_name", "user__last_name", "user__email", "specialization"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]

    @admin.display(description="Email", ordering="user__email")
    def email(self, obj):
        return obj.user.email


class AvailabilityAddForm(adminkit.ServiceAdminForm):
    weeks = forms.IntegerField(
        min_value=1, max_value=services.MAX_WEEKS, initial=1, help_text="Repeat the same window every week."
    )

    class Meta:
        model = TrainerAvailability
        fields = ["trainer", "start_time", "end_time", "weeks"]

    def save_with_service(self, data):
        window = {"trainer": data["trainer"], "start_time": data["start_time"], "end_time": data["end_time"]}
        if data["weeks"] == 1:
            return services.availability_create(**window)
        return services.availability_create_weekly(weeks=data["weeks"], **window)[0]


class AvailabilityChangeForm(adminkit.ServiceAdminForm):
    class Meta:
        model = TrainerAvailability
        fields = ["start_time", "end_time"]

    def save_with_service(self, data):
        if not self.changed_data:
            return self.instance
        return services.availability_update(
            availability=self.instance, start_time=data["start_time"], end_time=data["end_time"]
        )


@admin.action(description="Delete the selected windows (unless bookings rely on them)", permissions=["remove"])
def delete_windows(modeladmin, request, queryset):
    adminkit.run_service_action(
        modeladmin, request, queryset, lambda w: services.availability_delete(availability=w), "Deleted"
    )


@admin.register(TrainerAvailability)
class TrainerAvailabilityAdmin(adminkit.ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["trainer", "start_time", "end_time"]
    search_fields = ["trainer__user__first_name", "trainer__user__last_name", "trainer__user__email"]
    date_hierarchy = "start_time"
    autocomplete_fields = ["trainer"]
    list_select_related = ["trainer__user"]
    actions = [delete_windows]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = AvailabilityChangeForm if obj else AvailabilityAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return list(AvailabilityAddForm.Meta.fields) if obj is None else ["trainer", "start_time", "end_time"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["trainer"]

    def has_delete_permission(self, request, obj=None):
        # Deleting goes through the action, which keeps bookings inside the trainer's availability.
        return False

    def has_remove_permission(self, request):
        return request.user.has_perm("trainers.delete_traineravailability")
