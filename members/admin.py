"""Staff admin for members, their goals and their health-metric history (append-only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from .models import FitnessGoal, HealthMetric, Member
from .services import MemberError, goal_deactivate, metric_record, metric_values


class FitnessGoalInline(admin.TabularInline):
    model = FitnessGoal
    extra = 0
    fields = ("goal_type", "target_value", "unit", "target_date", "is_active", "created_at")
    readonly_fields = ("created_at",)


class HealthMetricInline(admin.TabularInline):
    """The member's history, read-only: the database refuses to change a recorded measurement."""

    model = HealthMetric
    extra = 0
    fields = ("recorded_at", "weight", "heart_rate", "body_fat")
    readonly_fields = fields
    ordering = ("-recorded_at", "-id")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("full_name", "email", "date_of_birth", "gender", "phone", "last_metric_at", "created_at")
    list_filter = ("gender",)
    list_select_related = ("user",)
    search_fields = ("user__first_name", "user__last_name", "user__email", "phone")
    autocomplete_fields = ("user",)
    date_hierarchy = "created_at"
    readonly_fields = ("last_metric_at",)
    inlines = (FitnessGoalInline, HealthMetricInline)

    @admin.display(description="name", ordering="user__last_name")
    def full_name(self, member: Member) -> str:
        return member.full_name

    @admin.display(description="email", ordering="user__email")
    def email(self, member: Member) -> str:
        return member.user.email


@admin.register(FitnessGoal)
class FitnessGoalAdmin(admin.ModelAdmin):
    list_display = ("member", "goal_type", "target_value", "unit", "target_date", "is_active", "created_at")
    list_filter = ("is_active", "goal_type")
    list_select_related = ("member__user",)
    search_fields = ("member__user__first_name", "member__user__last_name", "member__user__email")
    autocomplete_fields = ("member",)
    date_hierarchy = "created_at"
    actions = ("deactivate",)

    @admin.action(description="Deactivate selected goals")
    def deactivate(self, request, queryset) -> None:
        done = skipped = 0
        for goal in queryset:
            try:
                goal_deactivate(goal=goal)
            except MemberError:
                skipped += 1
            else:
                done += 1
        self.message_user(request, f"{done} goal(s) deactivated.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} goal(s) were already inactive.", messages.WARNING)


class HealthMetricForm(forms.ModelForm):
    """Checks a new measurement with the service's own rules, so a broken rule is a form error."""

    class Meta:
        model = HealthMetric
        fields = ("member", "recorded_at", "weight", "heart_rate", "body_fat")

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and cleaned.get("member") is not None and not self._errors:
            try:
                metric_values(
                    member=cleaned["member"],
                    weight=cleaned.get("weight"),
                    heart_rate=cleaned.get("heart_rate"),
                    body_fat=cleaned.get("body_fat"),
                    recorded_at=cleaned.get("recorded_at"),
                )
            except MemberError as error:
                raise ValidationError(str(error)) from error
        return cleaned

    def _post_clean(self) -> None:
        # The model's CHECK constraints say the same as the service in other words: show one message.
        if self._errors:
            return
        super()._post_clean()


@admin.register(HealthMetric)
class HealthMetricAdmin(admin.ModelAdmin):
    """Staff may record a measurement; recorded ones are history, shown but never changed."""

    form = HealthMetricForm
    list_display = ("member", "recorded_at", "weight", "heart_rate", "body_fat")
    list_select_related = ("member__user",)
    search_fields = ("member__user__first_name", "member__user__last_name", "member__user__email")
    autocomplete_fields = ("member",)
    date_hierarchy = "recorded_at"

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: HealthMetric, form, change: bool) -> None:
        # Only adds reach here (no change permission); the service locks the member and writes.
        metric = metric_record(
            member=obj.member,
            weight=obj.weight,
            heart_rate=obj.heart_rate,
            body_fat=obj.body_fat,
            recorded_at=obj.recorded_at,
        )
        obj.pk = metric.pk
        obj.recorded_at = metric.recorded_at
        obj._state.adding = False
        obj._state.db = metric._state.db
