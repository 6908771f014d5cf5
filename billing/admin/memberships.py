"""Plans with their terms, and members' memberships, through the services: joining on a plan (first invoice at
once), staff's plain start and end, giving and withdrawing notice, changing plan from next month; the freezes
of a membership show on its page."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from clubsite import adminkit
from clubsite.core.clock import club_today
from clubsite.core.errors import ClubError
from clubsite.core.forms import add_club_error
from clubsite.core.money import money_text

from .. import services
from ..models import Membership, MembershipFreeze, MembershipPlan
from ..selectors import minimum_term_end
from ._common import MEMBER_SEARCH_FIELDS, day_text, money_column, months_text, service_form_page, short_day_text

PLAN_FIELDS = (
    "name",
    "monthly_fee",
    "joining_fee",
    "classes",
    "classes_per_month",
    "minimum_term_months",
    "notice_months",
    "description",
    "is_active",
)


def plan_classes_text(plan: MembershipPlan) -> str:
    """What the monthly fee includes, in a word: "Unlimited", "8 a month", "Gym only"."""
    if plan.classes == MembershipPlan.Classes.UNLIMITED:
        return "Unlimited"
    if plan.classes == MembershipPlan.Classes.ALLOWANCE:
        return f"{plan.classes_per_month} a month"
    return "Gym only"


class MembershipPlanForm(adminkit.ServiceAdminForm):
    class Meta:
        model = MembershipPlan
        fields = PLAN_FIELDS

    def save_with_service(self, data):
        values = {
            "name": data["name"],
            "monthly_fee": data["monthly_fee"],
            "joining_fee": data["joining_fee"],
            "classes": data["classes"],
            "classes_per_month": data.get("classes_per_month"),
            "minimum_term_months": data["minimum_term_months"],
            "notice_months": data["notice_months"],
            "description": data.get("description", ""),
            "is_active": data.get("is_active", False),
        }
        if self.instance.pk is None:
            return services.membership_plan_create(**values)
        return services.membership_plan_update(plan=self.instance, **values)


@admin.register(MembershipPlan)
class MembershipPlanAdmin(adminkit.ServiceAdminMixin, admin.ModelAdmin):
    form = MembershipPlanForm
    list_display = ("name", "monthly", "joining", "included", "term", "notice", "is_active")
    list_filter = ("is_active", "classes")
    search_fields = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "description", "is_active")}),
        ("Fees", {"fields": ("monthly_fee", "joining_fee")}),
        ("Classes included", {"fields": ("classes", "classes_per_month")}),
        ("Terms", {"fields": ("minimum_term_months", "notice_months")}),
    )

    monthly = money_column("monthly_fee", "monthly fee", ordering="monthly_fee")
    joining = money_column("joining_fee", "joining fee", ordering="joining_fee")

    def has_delete_permission(self, request, obj=None):
        # Memberships refer to their plan; a plan no longer offered is made inactive.
        return False

    @admin.display(description="classes", ordering="classes")
    def included(self, plan: MembershipPlan) -> str:
        return plan_classes_text(plan)

    @admin.display(description="minimum term", ordering="minimum_term_months")
    def term(self, plan: MembershipPlan) -> str:
        return months_text(plan.minimum_term_months) if plan.minimum_term_months else "None"

    @admin.display(description="notice", ordering="notice_months")
    def notice(self, plan: MembershipPlan) -> str:
        return months_text(plan.notice_months) if plan.notice_months else "None"


class MembershipAddForm(adminkit.ServiceAdminForm):
    class Meta:
        model = Membership
        fields = ("member", "plan", "started_on")
        help_texts = {
            "started_on": "Ends the member's current membership the day before; the monthly run bills it. To join "
            "a member with the joining fee and the first month invoiced at once, use “Join a member on a plan”."
        }

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


def _offered_plans():
    return MembershipPlan.objects.filter(is_active=True).order_by("monthly_fee", "name")


class JoinForm(forms.Form):
    plan = forms.ModelChoiceField(queryset=_offered_plans())

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        member_field = Membership._meta.get_field("member")
        self.fields = {
            "member": forms.ModelChoiceField(
                queryset=member_field.related_model.objects.select_related("user"),
                widget=adminkit.AutocompleteSelect(member_field, admin_site),
                help_text="A member with no current membership.",
            ),
            **self.fields,
        }
        self.fields["plan"].queryset = _offered_plans()


class ChangePlanForm(forms.Form):
    plan = forms.ModelChoiceField(
        queryset=_offered_plans(),
        label="New plan",
        help_text="From the 1st of next month; this month stays on the current plan. Choosing the current plan "
        "calls an arranged change off.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = _offered_plans()


class FreezeInline(admin.TabularInline):
    """The membership's freezes; staff add them on the freeze page (through the service) and end them there."""

    model = MembershipFreeze
    fields = readonly_fields = ("starts_on", "ends_on", "days", "reason", "created_by", "created_at")
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="days")
    def days(self, freeze: MembershipFreeze) -> int:
        return freeze.days


def _one_per_member(memberships):
    """The selected memberships, one per member: the services act on a member's current membership."""
    return list({membership.member_id: membership for membership in memberships}.values())


@admin.register(Membership)
class MembershipAdmin(adminkit.LargeTableAdminMixin, adminkit.ServiceAdminMixin, admin.ModelAdmin):
    """Joining (first invoice at once) or a plain start ending the current plan; notice, plan changes, freezes."""

    # Few enough columns to fit beside the navigation and the filters at 1280 px: the start and end read as one span,
    # the names wrap.
    list_display = ("person", "plan_name", "runs", "notice_given", "term_until")
    list_filter = (
        "plan",
        ("ended_on", admin.EmptyFieldListFilter),
        ("cancelled_on", admin.EmptyFieldListFilter),
    )
    list_select_related = ("member__user", "plan")
    search_fields = MEMBER_SEARCH_FIELDS
    autocomplete_fields = ("member", "plan")
    date_hierarchy = "started_on"
    inlines = (FreezeInline,)
    actions = ("give_notice", "withdraw_notice", "change_plan")
    view_fields = ("member", "plan", "started_on", "ended_on", "cancelled_on", "term_ends", "manage")

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = MembershipEndForm if obj else MembershipAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return ("member", "plan", "started_on") if obj is None else self.view_fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.ended_on is not None:
            return self.view_fields
        return tuple(field for field in self.view_fields if field != "ended_on")

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # Invoice lines refer to the memberships they billed.
        return False

    def lookup_allowed(self, lookup, value, request=None):
        return lookup == "member__id__exact" or super().lookup_allowed(lookup, value, request)

    @admin.display(description="minimum term until")
    def term_ends(self, membership: Membership):
        return minimum_term_end(membership) or "—"

    @admin.display(description="member", ordering="member__user__last_name")
    def person(self, membership: Membership) -> str:
        return membership.member.full_name

    @admin.display(description="plan", ordering="plan__name")
    def plan_name(self, membership: Membership) -> str:
        return membership.plan.name

    @admin.display(description="runs", ordering="started_on")
    def runs(self, membership: Membership) -> str:
        """ "2 Oct 2026 – 31 Mar 2027", or "from 2 Oct 2026" while it has no end."""
        if membership.ended_on is None:
            return f"from {short_day_text(membership.started_on)}"
        return f"{short_day_text(membership.started_on)} – {short_day_text(membership.ended_on)}"

    @admin.display(description="notice given", ordering="cancelled_on")
    def notice_given(self, membership: Membership) -> str:
        return short_day_text(membership.cancelled_on)

    @admin.display(description="term until")
    def term_until(self, membership: Membership) -> str:
        return short_day_text(minimum_term_end(membership))

    @admin.display(description="manage")
    def manage(self, membership: Membership):
        address = reverse("admin:billing_membershipfreeze_add")
        return format_html(
            '<a class="button" href="{}?member={}">Freeze this membership</a>', address, membership.member_id
        )

    # -- notice and plan changes -----------------------------------------------------------------

    def _for_each_member(self, request, queryset, service, said) -> None:
        """Run ``service(member)`` for the member of each selected membership; say what each did or why not."""
        for membership in _one_per_member(queryset.select_related("member__user", "plan").order_by("pk")):
            try:
                result = service(membership.member)
            except ClubError as error:
                self.message_user(request, f"{membership.member}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"{membership.member}: {said(result)}", messages.SUCCESS)

    @admin.action(description="Give notice (the membership ends per its plan's terms)", permissions=["change"])
    def give_notice(self, request, queryset):
        self._for_each_member(
            request,
            queryset,
            lambda member: services.membership_cancel(member=member),
            lambda ended: f"notice given; the membership ends on {day_text(ended.ended_on)}.",
        )

    @admin.action(description="Withdraw notice (the membership runs on)", permissions=["change"])
    def withdraw_notice(self, request, queryset):
        self._for_each_member(
            request,
            queryset,
            lambda member: services.membership_cancel_withdraw(member=member),
            lambda _membership: "notice withdrawn; the membership runs on.",
        )

    @admin.action(description="Change plan from next month…", permissions=["change"])
    def change_plan(self, request, queryset):
        memberships = _one_per_member(queryset.select_related("member__user", "plan").order_by("pk"))
        form = ChangePlanForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            plan = form.cleaned_data["plan"]
            for membership in memberships:
                try:
                    moved = services.membership_change_plan(member=membership.member, plan=plan)
                except ClubError as error:
                    if len(memberships) == 1:
                        add_club_error(form, error)  # one member: the refusal goes where the plan was chosen
                        break
                    self.message_user(request, f"{membership.member}: {error}", messages.ERROR)
                    continue
                if moved.started_on > club_today():
                    text = f"{membership.member} moves to {moved.plan} on {day_text(moved.started_on)}."
                else:
                    text = f"{membership.member} stays on {moved.plan}: the plan change is called off."
                self.message_user(request, text, messages.SUCCESS)
            if not form.errors:
                return None
        return service_form_page(
            self,
            request,
            title="Change plan from next month",
            form=form,
            submit="Change plan",
            intro="Each member below moves to the new plan on the 1st of next month. During a minimum term a plan "
            "can only change to one costing the same or more.",
            rows=[f"{m.member} — now on {m.plan}" for m in memberships],
            action="change_plan",
            selected=[m.pk for m in memberships],
        )

    # -- joining -------------------------------------------------------------------------------

    def get_urls(self):
        join = path("join/", self.admin_site.admin_view(self.join_view), name="billing_membership_join")
        return [join, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra = {"can_join": self.has_add_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def join_view(self, request):
        """Join a member on a plan from today: the joining fee and the rest of this month are invoiced at once."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = JoinForm(request.POST or None, admin_site=self.admin_site, initial=request.GET.dict())
        if request.method == "POST" and form.is_valid():
            try:
                joined = services.membership_join(member=form.cleaned_data["member"], plan=form.cleaned_data["plan"])
            except ClubError as error:
                add_club_error(form, error)
            else:
                invoice = joined.invoice
                text = (
                    f"{joined.membership.member} joined on {joined.membership.plan}; "
                    f"invoice {invoice} of {money_text(invoice.total)} issued."
                )
                self.message_user(request, text, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:billing_membership_change", args=[joined.membership.pk]))
        return service_form_page(
            self,
            request,
            title="Join a member on a plan",
            form=form,
            submit="Join",
            intro="The membership starts today. The plan's joining fee and the rest of this month (prorated to the "
            "day) are invoiced at once, and the invoice is sent to the member.",
        )
