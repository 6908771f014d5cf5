"""Staff admin for members, their goals and their health-metric history (append-only); writes are service calls."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from clubsite import adminkit
from clubsite.core.clock import club_today
from clubsite.privacy.filters import InactiveAccountsFilter

from .errors import MemberError
from .models import FitnessGoal, HealthMetric, Member
from .selectors import STAFF_SEARCH_FIELDS, member_staff_search
from .services import (
    goal_create,
    goal_deactivate,
    goal_update,
    member_create,
    member_update,
    metric_record,
)


class FitnessGoalInline(admin.TabularInline):
    """The member's goals, newest active first; set and change them on the goal pages (through the services)."""

    model = FitnessGoal
    extra = 0
    fields = ("goal_type", "target_value", "unit", "target_date", "is_active", "created_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


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


class MemberAddForm(adminkit.ServiceAdminForm):
    """A new member and their sign-in account, together; they choose a password through 'forgot password'."""

    email = forms.EmailField()
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)

    class Meta:
        model = Member
        fields = ("email", "first_name", "last_name", "date_of_birth", "gender", "phone")

    def save_with_service(self, data):
        return member_create(
            email=data["email"],
            password=None,
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
            gender=data["gender"],
            phone=data.get("phone", ""),
        )


class MemberChangeForm(adminkit.ServiceAdminForm):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)

    class Meta:
        model = Member
        fields = ("first_name", "last_name", "date_of_birth", "gender", "phone")

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and instance.pk:
            kwargs["initial"] = {
                "first_name": instance.user.first_name,
                "last_name": instance.user.last_name,
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, instance=instance, **kwargs)

    def save_with_service(self, data):
        if not self.changed_data:
            return self.instance
        return member_update(
            member=self.instance,
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
            gender=data["gender"],
            phone=data.get("phone", ""),
        )


@admin.register(Member)
class MemberAdmin(adminkit.LargeTableAdminMixin, adminkit.ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("full_name", "email", "date_of_birth", "gender", "phone", "last_metric_at", "created_at")
    # A date filter rather than a date hierarchy: created_at has no index, and the hierarchy's first and
    # last dates alone read every member (20 ms at 100,000) on each page; the filter costs only when used.
    # "Inactive for N years" (GDPR: accounts nobody uses are flagged to staff): clubsite.privacy's one definition.
    list_filter = ("gender", ("created_at", admin.DateFieldListFilter), InactiveAccountsFilter)
    list_select_related = ("user",)
    search_fields = STAFF_SEARCH_FIELDS
    inlines = (FitnessGoalInline, HealthMetricInline)
    actions = ("export_csv",)

    def get_search_results(self, request, queryset, search_term):
        # The one definition of staff's member search (the staff API uses it too); no join duplicates rows.
        return member_staff_search(term=search_term, within=queryset), False

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = MemberChangeForm if obj else MemberAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return MemberAddForm.Meta.fields
        fields = ("email", *MemberChangeForm.Meta.fields, "created_at", "last_metric_at")
        # The button to set a goal only for whom may add one (billing views members, and may not).
        return (*fields, "set_goal") if request.user.has_perm("members.add_fitnessgoal") else fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("email", "created_at", "last_metric_at", "set_goal")

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        # A member's invoices and bookings keep their history; deleting would break it.
        return False

    # The member's records in the other lists, filtered on their own indexed column: at chain scale a
    # search of those lists by name takes seconds (docs/performance.md), this takes milliseconds.
    MEMBER_LISTS = (
        ("billing", "invoice", "Invoices", "member__id__exact"),
        ("billing", "payment", "Payments", "invoice__member__id__exact"),
        ("billing", "membership", "Memberships", "member__id__exact"),
        ("billing", "membershipfreeze", "Freezes", "membership__member__id__exact"),
        ("billing", "creditpack", "Class packs", "member__id__exact"),
        ("operations", "classregistration", "Classes", "member__id__exact"),
        ("operations", "personaltrainingsession", "PT sessions", "member__id__exact"),
        ("members", "healthmetric", "Metrics", "member__id__exact"),
    )

    def member_lists(self, request, member_id) -> list[tuple[str, str]]:
        """(label, address) of each list the signed-in staff may view, filtered to this member."""
        return [
            (label, f"{reverse(f'admin:{app}_{model}_changelist')}?{lookup}={member_id}")
            for app, model, label, lookup in self.MEMBER_LISTS
            if request.user.has_perm(f"{app}.view_{model}")
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        lists = self.member_lists(request, object_id) if str(object_id).isdigit() else []
        return super().change_view(request, object_id, form_url, {"member_lists": lists, **(extra_context or {})})

    @admin.display(description="name", ordering="user__last_name")
    def full_name(self, member: Member) -> str:
        return member.full_name

    @admin.display(description="email", ordering="user__email")
    def email(self, member: Member) -> str:
        return member.user.email

    @admin.display(description="goals")
    def set_goal(self, member: Member) -> str:
        address = reverse("admin:members_fitnessgoal_add")
        return format_html('<a class="button" href="{}?member={}">Set a new goal</a>', address, member.pk)

    @admin.action(description="Export selected members as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        header = [
            "id",
            "first name",
            "last name",
            "email",
            "phone",
            "date of birth",
            "gender",
            "joined",
            "last metric",
        ]
        rows = (
            (
                member.pk,
                member.user.first_name,
                member.user.last_name,
                member.user.email,
                member.phone,
                member.date_of_birth,
                member.get_gender_display(),
                member.created_at,
                member.last_metric_at,
            )
            for member in queryset.select_related("user").order_by("user__last_name", "user__first_name", "pk")
        )
        return adminkit.csv_response(f"members-{club_today():%Y-%m-%d}.csv", header, rows)


class GoalAddForm(adminkit.ServiceAdminForm):
    class Meta:
        model = FitnessGoal
        fields = ("member", "goal_type", "target_value", "unit", "target_date")

    def save_with_service(self, data):
        return goal_create(
            member=data["member"],
            goal_type=data["goal_type"],
            target_value=data["target_value"],
            unit=data["unit"],
            target_date=data.get("target_date"),
        )


class GoalChangeForm(adminkit.ServiceAdminForm):
    class Meta:
        model = FitnessGoal
        fields = ("goal_type", "target_value", "unit", "target_date")

    def save_with_service(self, data):
        if not self.changed_data:
            return self.instance
        return goal_update(
            goal=self.instance,
            goal_type=data["goal_type"],
            target_value=data["target_value"],
            unit=data["unit"],
            target_date=data.get("target_date"),
        )


@admin.register(FitnessGoal)
class FitnessGoalAdmin(adminkit.LargeTableAdminMixin, adminkit.ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("member", "goal_type", "target_value", "unit", "target_date", "is_active", "created_at")
    # As on the member list: no index on created_at, so a date filter rather than a date hierarchy.
    list_filter = ("is_active", "goal_type", ("created_at", admin.DateFieldListFilter))
    list_select_related = ("member__user",)
    search_fields = ("member__user__first_name", "member__user__last_name", "member__user__email")
    autocomplete_fields = ("member",)
    # Newest first along the primary key: the model's order (active first, then by date) sorted every goal
    # of the club on each page, 130 ms at 100,000. The active ones are a filter away.
    ordering = ("-id",)
    actions = ("deactivate",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = GoalChangeForm if obj else GoalAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return GoalAddForm.Meta.fields
        return ("member", *GoalChangeForm.Meta.fields, "is_active", "created_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if not obj.is_active:
            return self.get_fields(request, obj)
        return ("member", "is_active", "created_at")

    def has_delete_permission(self, request, obj=None) -> bool:
        # A goal is retired with the action and stays in the member's history.
        return False

    @admin.action(description="Deactivate selected goals", permissions=["change"])
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


class HealthMetricForm(adminkit.ServiceAdminForm):
    """A new measurement, recorded by the service; a broken rule is one form error."""

    class Meta:
        model = HealthMetric
        fields = ("member", "recorded_at", "weight", "heart_rate", "body_fat")

    def save_with_service(self, data):
        return metric_record(
            member=data["member"],
            weight=data.get("weight"),
            heart_rate=data.get("heart_rate"),
            body_fat=data.get("body_fat"),
            recorded_at=data.get("recorded_at"),
        )


@admin.register(HealthMetric)
class HealthMetricAdmin(adminkit.LargeTableAdminMixin, adminkit.ServiceAdminMixin, admin.ModelAdmin):
    """Staff may record a measurement; recorded ones are history, shown but never changed."""

    form = HealthMetricForm
    list_display = ("member", "recorded_at", "weight", "heart_rate", "body_fat")
    list_select_related = ("member__user",)
    search_fields = ("member__user__first_name", "member__user__last_name", "member__user__email")
    autocomplete_fields = ("member",)
    # Newest entries first along the primary key. Ten million measurements have no index on recorded_at
    # alone (only per member), so ordering by it, or a date hierarchy over it, read the whole table on every
    # page: ten seconds. A member's own history is one search away and follows their index.
    ordering = ("-id",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
