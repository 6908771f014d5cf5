"""Staff back office for trainers, their availability, weekly template and time off; windows and time off change
through the scheduling services, template rows through the trainers' own."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import ngettext

from clubsite import adminkit
from clubsite.core.clock import club_today
from clubsite.widgets import NativeDateInput
from operations import services

from . import services as trainer_services
from .models import TimeOff, Trainer, TrainerAvailability, WeeklySlot

TRAINER_SEARCH_FIELDS = ["trainer__user__first_name", "trainer__user__last_name", "trainer__user__email"]


class TrainerFilter(admin.SimpleListFilter):
    """By trainer, their names read in one query (Django's own filter reads each trainer's user on its own)."""

    title = "trainer"
    parameter_name = "trainer"

    def lookups(self, request, model_admin):
        return [(str(trainer.pk), str(trainer)) for trainer in Trainer.objects.select_related("user")]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(trainer_id=int(value)) if value.isdigit() else queryset.none()


class WeeklySlotInline(admin.TabularInline):
    """The trainer's weekly template, read-only: rows are added and removed on the weekly template's pages."""

    model = WeeklySlot
    verbose_name_plural = "weekly template"
    extra = 0
    fields = ("weekday", "start_time", "end_time")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class UpcomingTimeOffInline(admin.TabularInline):
    """Time off not over yet, soonest first, so staff can tell a member when the trainer is back."""

    model = TimeOff
    verbose_name_plural = "upcoming time off"
    extra = 0
    fields = ("first_day", "last_day", "note")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).filter(last_day__gte=club_today())

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Trainer)
class TrainerAdmin(admin.ModelAdmin):
    inlines = [UpcomingTimeOffInline, WeeklySlotInline]
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
    search_fields = TRAINER_SEARCH_FIELDS
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


class WeeklySlotAddForm(adminkit.ServiceAdminForm):
    class Meta:
        model = WeeklySlot
        fields = ["trainer", "weekday", "start_time", "end_time"]

    def save_with_service(self, data):
        return trainer_services.weekly_slot_add(
            trainer=data["trainer"], weekday=data["weekday"], start_time=data["start_time"], end_time=data["end_time"]
        )


@admin.action(description="Remove the selected rows from the weekly template", permissions=["remove"])
def remove_slots(modeladmin, request, queryset):
    adminkit.run_service_action(
        modeladmin,
        request,
        queryset.select_related("trainer__user"),
        lambda slot: trainer_services.weekly_slot_delete(slot=slot),
        lambda count: ngettext(
            "One row removed; the windows it made stay.", "{count} rows removed; the windows they made stay.", count
        ).format(count=count),
    )


@admin.register(WeeklySlot)
class WeeklySlotAdmin(adminkit.ServiceAdminMixin, admin.ModelAdmin):
    """The rows of trainers' weekly templates; a row is added or removed, never edited."""

    list_display = ["trainer", "weekday", "start_time", "end_time"]
    list_filter = [TrainerFilter, "weekday"]
    search_fields = TRAINER_SEARCH_FIELDS
    autocomplete_fields = ["trainer"]
    list_select_related = ["trainer__user"]
    ordering = ["trainer__user__last_name", "trainer__user__first_name", "weekday", "start_time"]
    actions = [remove_slots]
    form = WeeklySlotAddForm

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Removing goes through the action, under the trainer's lock.
        return False

    def has_remove_permission(self, request):
        return request.user.has_perm("trainers.delete_weeklyslot")


class TimeOffAddForm(adminkit.ServiceAdminForm):
    class Meta:
        model = TimeOff
        fields = ["trainer", "first_day", "last_day", "note"]
        widgets = {"first_day": NativeDateInput(), "last_day": NativeDateInput()}
        help_texts = {
            "last_day": "Both days included. The trainer's free availability on those days is removed; days with "
            "classes or sessions booked are refused until those are moved or cancelled.",
        }

    def save_with_service(self, data):
        self.taken = services.time_off_create(
            trainer=data["trainer"], first_day=data["first_day"], last_day=data["last_day"], note=data["note"]
        )
        return self.taken.time_off


class TimeOffWhenFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", "Not over yet"), ("past", "Over")]

    def queryset(self, request, queryset):
        if self.value() == "upcoming":
            return queryset.filter(last_day__gte=club_today())
        if self.value() == "past":
            return queryset.filter(last_day__lt=club_today())
        return queryset


@admin.action(
    description="Cancel the selected time off (the availability it removed is not put back)", permissions=["remove"]
)
def cancel_time_off(modeladmin, request, queryset):
    adminkit.run_service_action(
        modeladmin,
        request,
        queryset.select_related("trainer__user"),
        lambda time_off: trainer_services.time_off_delete(time_off=time_off),
        lambda count: ngettext("One time off cancelled.", "{count} time off cancelled.", count).format(count=count),
    )


@admin.register(TimeOff)
class TimeOffAdmin(adminkit.ServiceAdminMixin, admin.ModelAdmin):
    """Trainers' time off: taken through the scheduling service (which cuts their free availability and refuses
    booked days), cancelled by the action; never edited."""

    list_display = ["trainer", "days", "first_day", "last_day", "note", "created_at"]
    list_filter = [TimeOffWhenFilter, TrainerFilter]
    search_fields = TRAINER_SEARCH_FIELDS
    autocomplete_fields = ["trainer"]
    list_select_related = ["trainer__user"]
    ordering = ["-first_day", "-id"]
    date_hierarchy = "first_day"
    actions = [cancel_time_off]
    form = TimeOffAddForm

    @admin.display(description="days")
    def days(self, time_off: TimeOff) -> str:
        return services.describe_days(time_off.first_day, time_off.last_day)

    def save_model(self, request, obj, form, change):
        taken = form.taken
        self.message_user(
            request,
            f"Free availability on those days: {taken.windows_removed} removed, {taken.windows_cut} cut short.",
            messages.INFO,
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Cancelling goes through the action, under the trainer's lock.
        return False

    def has_remove_permission(self, request):
        return request.user.has_perm("trainers.delete_timeoff")
