"""Freezes of memberships: staff freeze a member's membership for a date range, and end a freeze early or call
off one that has not started, through the services (which check the lengths, the yearly limit, overlaps and
bookings, and put right months already billed)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import ngettext

from clubsite import adminkit
from clubsite.core.clock import club_today
from clubsite.widgets import NativeDateInput
from members.models import Member

from .. import services
from ..models import Membership, MembershipFreeze
from ..selectors import freeze_limits
from ._common import day_text

FREEZE_SEARCH_FIELDS = tuple(
    f"membership__{field}" for field in ("member__user__email", "member__user__first_name", "member__user__last_name")
)


def ended_text(count: int) -> str:
    return ngettext(
        "One freeze is over (one that had not started is called off): its membership runs, and is billed, again "
        "from today.",
        "{count} freezes are over (those that had not started are called off): their memberships run, and are "
        "billed, again from today.",
        count,
    ).format(count=count)


def _limits_text() -> str:
    shortest, longest, per_year = freeze_limits()
    return (
        f"A freeze lasts {shortest} to {longest} days, at most {per_year} days a calendar year, and no day of it may "
        "hold a booking."
    )


class FreezeAddForm(adminkit.ServiceAdminForm):
    member = forms.ModelChoiceField(
        queryset=Member.objects.select_related("user"),
        widget=adminkit.AutocompleteSelect(Membership._meta.get_field("member"), admin.site),
        help_text="The member whose membership is frozen (the one running on the first frozen day).",
    )
    request_user = None

    class Meta:
        model = MembershipFreeze
        fields = ("member", "starts_on", "ends_on", "reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].help_text = f"The last frozen day. {_limits_text()}"

    def save_with_service(self, data):
        return services.membership_freeze(
            member=data["member"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            reason=data.get("reason", ""),
            by=self.request_user,
        )


class FreezeEndForm(adminkit.ServiceAdminForm):
    back_on = forms.DateField(
        label="Back on",
        widget=NativeDateInput(),
        help_text="The first day the membership runs, and is billed, again. The freeze's first day (or today, "
        "for a freeze not started yet) calls it off.",
    )

    class Meta:
        model = MembershipFreeze
        fields = ("back_on",)

    def save_with_service(self, data):
        ended = services.membership_freeze_end(freeze=self.instance, back_on=data["back_on"])
        if ended is None:
            self.instance.called_off = True
            return self.instance
        return ended


class FreezeWhenFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("now", "Frozen today"), ("upcoming", "Upcoming"), ("past", "Over")]

    def queryset(self, request, queryset):
        today = club_today()
        if self.value() == "now":
            return queryset.filter(starts_on__lte=today, ends_on__gte=today)
        if self.value() == "upcoming":
            return queryset.filter(starts_on__gt=today)
        if self.value() == "past":
            return queryset.filter(ends_on__lt=today)
        return queryset


@admin.register(MembershipFreeze)
class MembershipFreezeAdmin(adminkit.ServiceAdminMixin, admin.ModelAdmin):
    """Freezing and unfreezing through the services; a freeze that is over is history and only shown."""

    list_display = ("member", "plan", "starts_on", "ends_on", "days", "reason", "created_by", "created_at")
    list_filter = (FreezeWhenFilter,)
    list_select_related = ("membership__member__user", "membership__plan", "created_by")
    search_fields = FREEZE_SEARCH_FIELDS
    ordering = ("-starts_on", "-id")
    actions = ("end_today",)
    view_fields = ("member", "plan", "starts_on", "ends_on", "days", "reason", "created_by", "created_at")

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = FreezeEndForm if obj else FreezeAddForm
        form = super().get_form(request, obj, change, **kwargs)
        form.request_user = request.user
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return FreezeAddForm.Meta.fields
        if obj.ends_on < club_today():
            return self.view_fields
        return (*self.view_fields, "back_on")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.view_fields

    def has_change_permission(self, request, obj=None):
        # A freeze that is over can no longer change.
        if obj is not None and obj.ends_on < club_today():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A freeze is called off through the service, which bills the days again.
        return False

    def lookup_allowed(self, lookup, value, request=None):
        # A member's page links to their freezes.
        return lookup == "membership__member__id__exact" or super().lookup_allowed(lookup, value, request)

    def response_change(self, request, obj):
        if getattr(obj, "called_off", False):
            text = f"The freeze of {obj.membership.member} from {day_text(obj.starts_on)} was called off."
            self.message_user(request, text, messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:billing_membershipfreeze_changelist"))
        obj.refresh_from_db()
        text = f"The freeze of {obj.membership.member} now ends on {day_text(obj.ends_on)}."
        self.message_user(request, text, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:billing_membershipfreeze_change", args=[obj.pk]))

    @admin.display(description="member", ordering="membership__member__user__last_name")
    def member(self, freeze: MembershipFreeze):
        return freeze.membership.member

    @admin.display(description="plan")
    def plan(self, freeze: MembershipFreeze):
        return freeze.membership.plan

    @admin.display(description="days")
    def days(self, freeze: MembershipFreeze) -> int:
        return freeze.days

    @admin.action(
        description="End the selected freezes today (one not started yet is called off)", permissions=["change"]
    )
    def end_today(self, request, queryset):
        today = club_today()
        adminkit.run_service_action(
            self,
            request,
            queryset.select_related("membership__member__user", "membership__plan").order_by("pk"),
            lambda freeze: services.membership_freeze_end(freeze=freeze, back_on=today),
            ended_text,
        )
