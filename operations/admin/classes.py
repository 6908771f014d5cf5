"""Group classes and their registrations, through the scheduling services."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import format_html

from billing.models import ClassCover
from clubsite import adminkit
from clubsite.core.clock import club_time
from trainers.models import Trainer

from .. import selectors, services
from ..models import ClassRegistration, GroupClass
from ._shared import (
    BookingChangeForm,
    ClassStartsFilter,
    RegistrationClassStartsFilter,
    cancel_selected,
    room_field,
    split_datetime,
)


class GroupClassAddForm(adminkit.ServiceAdminForm):
    trainer = forms.ModelChoiceField(queryset=Trainer.objects.filter(is_active=True).select_related("user"))
    room = room_field()
    start_time = split_datetime("Starts")
    end_time = split_datetime("Ends")
    weeks = forms.IntegerField(
        min_value=1,
        max_value=services.MAX_WEEKS,
        initial=1,
        help_text="Repeat weekly for this many weeks, as one series: all of them are created, or none.",
    )

    class Meta:
        model = GroupClass
        fields = ["name", "description", "trainer", "room", "start_time", "end_time", "capacity", "price", "weeks"]

    def save_with_service(self, data):
        details = {
            "name": data["name"],
            "description": data.get("description", ""),
            "trainer": data["trainer"],
            "room": data["room"],
            "start_time": data["start_time"],
            "end_time": data["end_time"],
            "capacity": data["capacity"],
            "price": data["price"],
        }
        if data["weeks"] == 1:
            return services.class_create(**details)
        return services.class_create_weekly(weeks=data["weeks"], **details)[0]


class GroupClassChangeForm(BookingChangeForm):
    trainer = forms.ModelChoiceField(queryset=Trainer.objects.filter(is_active=True).select_related("user"))
    room = room_field()
    start_time = split_datetime("Starts")
    end_time = split_datetime("Ends")

    class Meta:
        model = GroupClass
        fields = ["trainer", "room", "start_time", "end_time"]

    booking_fields = ("trainer", "room", "start_time", "end_time")

    def save_with_service(self, data):
        if not self.changed_data:
            return self.instance
        return services.class_reschedule(
            group_class=self.instance,
            start_time=data["start_time"],
            end_time=data["end_time"],
            room=data["room"],
            trainer=data["trainer"],
        )


def registration_status(registration: ClassRegistration) -> str:
    """The status as staff read it: an offered seat says until when it is held."""
    if registration.status == ClassRegistration.Status.OFFERED and registration.offer_expires_at is not None:
        until = dateformat.format(club_time(registration.offer_expires_at), "D j M H:i")
        return f"{registration.get_status_display()} (until {until})"
    return registration.get_status_display()


#: How a seat is paid for, in a word (operations' admin is a door: it may read billing's cover of a seat).
COVER_TEXT = {ClassCover.Kind.PLAN: "Plan", ClassCover.Kind.CREDIT: "Credit", ClassCover.Kind.DROP_IN: "Drop-in"}


class RegistrationInline(admin.TabularInline):
    """The class's registrations: seats first, then the waitlist in the order it is served, then cancellations."""

    model = ClassRegistration
    fields = readonly_fields = ("place", "member", "status_shown", "registered_at")
    extra = 0
    can_delete = False
    show_change_link = False

    SEATED, WAITING, OTHER = 0, 1, 2

    def get_queryset(self, request):
        section = Case(
            When(status__in=ClassRegistration.SEATED, then=Value(self.SEATED)),
            When(status=ClassRegistration.Status.WAITLISTED, then=Value(self.WAITING)),
            default=Value(self.OTHER),
            output_field=IntegerField(),
        )
        return (
            super()
            .get_queryset(request)
            .select_related("member__user")
            .annotate(
                section=section,
                position=Window(
                    RowNumber(), partition_by=[section], order_by=[F(name) for name in selectors.WAITLIST_ORDER]
                ),
            )
            .order_by("section", *selectors.WAITLIST_ORDER)
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Status")
    def status_shown(self, obj):
        return registration_status(obj)

    @admin.display(description="Place")
    def place(self, obj):
        if obj.section == self.SEATED:
            return f"Seat {obj.position}"
        if obj.section == self.WAITING:
            return f"Waitlist {obj.position}"
        return "—"


@admin.register(GroupClass)
class GroupClassAdmin(adminkit.LargeTableAdminMixin, adminkit.ServiceAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "start",
        "room",
        "trainer",
        "capacity",
        "seats_taken",
        "waitlist",
        "fill",
        "price",
        "status",
    ]
    # No trainer filter: its choices would cost a query per trainer (their names live on the user).
    list_filter = [ClassStartsFilter, "booking__status", "booking__room"]
    search_fields = ["name", "booking__room__name", "booking__trainer__user__last_name"]
    date_hierarchy = "booking__start_time"
    list_select_related = ["booking__room", "booking__trainer__user"]
    actions = ["cancel_classes"]
    inlines = [RegistrationInline]

    def get_queryset(self, request):
        # The changelist skips list_select_related once a queryset selects anything, so name it all here.
        # The seat counts are correlated subqueries, run for the classes on the page only.
        return selectors.with_seat_counts(super().get_queryset(request).select_related(*self.list_select_related))

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = GroupClassChangeForm if obj else GroupClassAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(GroupClassAddForm.Meta.fields)
        return [
            "name",
            "description",
            "capacity",
            "price",
            "series",
            "status",
            "trainer",
            "room",
            "start_time",
            "end_time",
            "register_link",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # The write on this page is the reschedule; the rest stays as created.
        return ["name", "description", "capacity", "price", "series", "status", "register_link"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Starts", ordering="booking__start_time")
    def start(self, obj):
        return obj.booking.start_time

    @admin.display(description="Room", ordering="booking__room__name")
    def room(self, obj):
        return obj.booking.room

    @admin.display(description="Trainer")
    def trainer(self, obj):
        return obj.booking.trainer

    @admin.display(description="Seats taken", ordering="seated_count")
    def seats_taken(self, obj):
        return obj.seated_count

    @admin.display(description="Waitlist", ordering="waitlist_count")
    def waitlist(self, obj):
        return obj.waitlist_count

    @admin.display(description="Full")
    def fill(self, obj):
        return f"{round(100 * obj.seated_count / obj.capacity)}%" if obj.capacity else "—"

    @admin.display(description="Status", ordering="booking__status")
    def status(self, obj):
        return obj.booking.get_status_display()

    @admin.display(description="Registrations")
    def register_link(self, obj):
        address = reverse("admin:operations_classregistration_add")
        return format_html('<a class="button" href="{}?group_class={}">Register a member</a>', address, obj.pk)

    @admin.action(description="Cancel the selected classes and tell their members", permissions=["change"])
    def cancel_classes(self, request, queryset):
        cancel_selected(self, request, queryset, lambda group_class: services.class_cancel(group_class=group_class))


class ClassRegistrationAddForm(adminkit.ServiceAdminForm):
    class Meta:
        model = ClassRegistration
        fields = ["member", "group_class"]

    def save_with_service(self, data):
        return services.class_register(member=data["member"], group_class=data["group_class"])


@admin.register(ClassRegistration)
class ClassRegistrationAdmin(adminkit.LargeTableAdminMixin, adminkit.ServiceAdminMixin, admin.ModelAdmin):
    form = ClassRegistrationAddForm
    list_display = ["member", "group_class", "class_room", "status_shown", "place", "paid_by", "registered_at"]
    list_filter = ["status", RegistrationClassStartsFilter, "group_class__booking__room"]
    search_fields = ["member__user__first_name", "member__user__last_name", "member__user__email", "group_class__name"]
    date_hierarchy = "registered_at"
    # Newest first, along the (registered_at, id) index: the front desk looks at what just happened.
    ordering = ["-registered_at", "-id"]
    autocomplete_fields = ["member", "group_class"]
    # The cover (billing's record of how the seat is paid) rides along in the page's one query.
    list_select_related = ["member__user", "group_class__booking__room", "cover__credit_pack__pack"]
    actions = ["cancel_registrations", "accept_offers"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(waitlist_place=selectors.waitlist_place())

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["member", "group_class"]
        return ["member", "group_class", "status_shown", "paid_by", "registered_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        # Registrations change through the actions and the services behind them.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_manage_permission(self, request):
        return request.user.has_perm("operations.change_classregistration")

    @admin.display(description="Room", ordering="group_class__booking__room__name")
    def class_room(self, obj):
        return obj.group_class.booking.room

    @admin.display(description="Status", ordering="status")
    def status_shown(self, obj):
        return registration_status(obj)

    @admin.display(description="Waitlist place")
    def place(self, obj):
        return obj.waitlist_place or ""

    @admin.display(description="Paid by")
    def paid_by(self, obj):
        cover = getattr(obj, "cover", None)
        if cover is None:
            return "—"
        text = COVER_TEXT.get(cover.kind, cover.kind)
        if cover.credit_pack is not None:
            return f"{text} ({cover.credit_pack.pack})"
        return text

    @admin.action(description="Cancel the selected registrations (the waitlist moves up)", permissions=["manage"])
    def cancel_registrations(self, request, queryset):
        cancel_selected(
            self, request, queryset, lambda registration: services.class_registration_cancel(registration=registration)
        )

    @admin.action(description="Accept the offered seats for their members", permissions=["manage"])
    def accept_offers(self, request, queryset):
        adminkit.run_service_action(
            self,
            request,
            queryset,
            lambda registration: services.class_offer_accept(registration=registration),
            "Seats taken",
        )
