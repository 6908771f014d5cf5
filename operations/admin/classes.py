"""Group classes and their registrations, through the scheduling services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import format_html

from billing.models import ClassCover
from clubsite import adminkit
from clubsite.core.clock import club_time, club_today, day_bounds
from trainers.models import Trainer

from .. import selectors, services
from ..describe import describe_moment, describe_span
from ..errors import ClassSeriesRefused
from ..models import ClassRegistration, GroupClass
from ._shared import (
    BookingChangeForm,
    ClassStartsFilter,
    RegistrationClassStartsFilter,
    cancel_selected,
    counted,
    room_field,
    split_datetime,
)

WEEKDAYS = [(number, name) for number, name in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))]


class GroupClassAddForm(adminkit.ServiceAdminForm):
    """One class, or (with weekdays and a last day) a series at the same hours, as ``class_series_create`` has it."""

    trainer = forms.ModelChoiceField(queryset=Trainer.objects.filter(is_active=True).select_related("user"))
    room = room_field()
    # A class is for all levels unless staff say otherwise (the service's default too).
    level = forms.ChoiceField(
        choices=GroupClass.Level.choices, initial=GroupClass.Level.ALL, required=False, label="Level"
    )
    start_time = split_datetime("Starts")
    end_time = split_datetime("Ends")
    repeat_on = forms.TypedMultipleChoiceField(
        label="Repeat on",
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For a series: the weekdays it runs on, from the first day until its last day, at these hours.",
    )
    repeat_until = forms.DateField(
        label="Last day",
        required=False,
        widget=AdminDateWidget,
        help_text=f"The series ends on this day, at most {services.MAX_SERIES_DAYS} days after the first.",
    )
    when_dates_collide = forms.ChoiceField(
        label="If some dates collide",
        choices=[
            (services.ALL_OR_NOTHING, "Create no class, and list the dates that collide"),
            (services.WHAT_FITS, "Create the classes that fit, and list the dates skipped"),
        ],
        initial=services.ALL_OR_NOTHING,
        # Not asked of one class: left out, a series is all or nothing.
        required=False,
        widget=forms.RadioSelect,
    )

    # The series service's names for what this form calls otherwise, so each refusal shows under its field.
    error_fields = {"weekdays": "repeat_on", "until": "repeat_until", "mode": "when_dates_collide"}
    series: services.SeriesCreated | None = None

    class Meta:
        model = GroupClass
        fields = [
            "name",
            "description",
            "level",
            "trainer",
            "room",
            "start_time",
            "end_time",
            "capacity",
            "price",
            "repeat_on",
            "repeat_until",
            "when_dates_collide",
        ]

    def save_with_service(self, data):
        details = {
            "name": data["name"],
            "description": data.get("description", ""),
            "level": data.get("level") or GroupClass.Level.ALL,
            "trainer": data["trainer"],
            "room": data["room"],
            "start_time": data["start_time"],
            "end_time": data["end_time"],
            "capacity": data["capacity"],
            "price": data["price"],
        }
        if not data.get("repeat_on") and data.get("repeat_until") is None:
            return services.class_create(**details)
        try:
            self.series = services.class_series_create(
                **details,
                weekdays=data.get("repeat_on") or [],
                until=data.get("repeat_until"),
                mode=data.get("when_dates_collide") or services.ALL_OR_NOTHING,
            )
        except ClassSeriesRefused as refusal:
            # Every date in the way on a line of its own, under the heading, above the form.
            raise forms.ValidationError([refusal.heading, *(date.message for date in refusal.skipped)]) from refusal
        return self.series.created[0]


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


class ClassListStartsFilter(ClassStartsFilter):
    """The class list opens on today's and later classes, soonest first; past ones (latest first) and all of them
    are a click away. A date picked in the date hierarchy shows that date's classes, past or not."""

    FROM_TODAY, ALL = "from_today", "all"

    def lookups(self, request, model_admin):
        return [(self.FROM_TODAY, "Today and later"), *super().lookups(request, model_admin), (self.ALL, "All")]

    def value(self):
        chosen = super().value()
        if chosen is None and not any(name.startswith(f"{self.field}__") for name in self.request.GET):
            return self.FROM_TODAY
        return chosen

    def choices(self, changelist):
        # No "All" that clears the parameter: without one the list is today's and later classes.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == self.FROM_TODAY:
            return queryset.filter(**{f"{self.field}__gte": day_bounds(club_today())[0]})
        if self.value() == self.ALL:
            return queryset
        return super().queryset(request, queryset)


def soonest_first(queryset, field: str = "booking__start_time"):
    """Today's and later classes first, soonest first; then past ones, latest first."""
    today = day_bounds(club_today())[0]
    coming = Case(When(**{f"{field}__gte": today}, then=F(field)), default=None)
    return queryset.order_by(coming.asc(nulls_last=True), F(field).desc(), "pk")


@admin.register(GroupClass)
class GroupClassAdmin(adminkit.LargeTableAdminMixin, adminkit.ServiceAdminMixin, admin.ModelAdmin):
    # Few enough columns to fit beside the navigation and the filters at 1280 px: the capacity and the waitlist read
    # with the seats, the price is on the class's own page.
    list_display = ["name", "when", "room", "trainer", "seats", "status"]
    # No trainer filter: its choices would cost a query per trainer (their names live on the user).
    list_filter = [ClassListStartsFilter, "booking__status", "level", "booking__room"]
    search_fields = ["name", "booking__room__name", "booking__trainer__user__last_name"]
    date_hierarchy = "booking__start_time"
    list_select_related = ["booking__room", "booking__trainer__user"]
    actions = ["cancel_classes"]
    inlines = [RegistrationInline]

    def get_queryset(self, request):
        # The changelist skips list_select_related once a queryset selects anything, so name it all here.
        # The seat counts are correlated subqueries, run for the classes on the page only.
        return selectors.with_seat_counts(super().get_queryset(request).select_related(*self.list_select_related))

    def get_ordering(self, request):
        # Past classes are read latest first; otherwise the soonest class leads (the start index serves both).
        if request.GET.get(ClassListStartsFilter.parameter_name) == "past":
            return ["-booking__start_time", "-pk"]
        return ["booking__start_time", "pk"]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path == reverse("admin:autocomplete"):
            # Choosing a class to register someone for (the front desk's registration form): the classes still
            # to come lead, not the oldest.
            queryset = soonest_first(queryset)
        return queryset, may_have_duplicates

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = GroupClassChangeForm if obj else GroupClassAddForm
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        series = getattr(form, "series", None)
        if series is None:
            return
        created = series.created
        self.message_user(
            request,
            f"{len(created)} {'class' if len(created) == 1 else 'classes'} of {obj.name} created, "
            f"{describe_moment(created[0].booking.start_time)} to {describe_moment(created[-1].booking.start_time)}.",
            messages.SUCCESS,
        )
        for date in series.skipped:
            self.message_user(request, f"Skipped {date.message}", messages.WARNING)

    def response_add(self, request, obj, post_url_continue=None):
        if obj.series is None or "_continue" in request.POST or "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        # A series: its classes, all of them (save_model said what was created and skipped).
        address = reverse("admin:operations_groupclass_changelist")
        return HttpResponseRedirect(f"{address}?series__exact={obj.series}&when={ClassListStartsFilter.ALL}")

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(GroupClassAddForm.Meta.fields)
        return [
            "name",
            "description",
            "level",
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
        return ["name", "description", "level", "capacity", "price", "series", "status", "register_link"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="When", ordering="booking__start_time")
    def when(self, obj):
        return describe_span(obj.booking.start_time, obj.booking.end_time)

    @admin.display(description="Room", ordering="booking__room__name")
    def room(self, obj):
        return obj.booking.room

    @admin.display(description="Trainer")
    def trainer(self, obj):
        return obj.booking.trainer

    @admin.display(description="Seats", ordering="seated_count")
    def seats(self, obj):
        taken = f"{obj.seated_count} of {obj.capacity}"
        return f"{taken}, {obj.waitlist_count} waiting" if obj.waitlist_count else taken

    @admin.display(description="Status", ordering="booking__status")
    def status(self, obj):
        return obj.booking.get_status_display()

    @admin.display(description="Registrations")
    def register_link(self, obj):
        address = reverse("admin:operations_classregistration_add")
        return format_html('<a class="button" href="{}?group_class={}">Register a member</a>', address, obj.pk)

    @admin.action(description="Cancel the selected classes and tell their members", permissions=["change"])
    def cancel_classes(self, request, queryset):
        cancel_selected(
            self,
            request,
            queryset,
            lambda group_class: services.class_cancel(group_class=group_class),
            counted("class", "classes", "cancelled; its members were told", "cancelled; their members were told"),
        )


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
            self,
            request,
            queryset,
            lambda registration: services.class_registration_cancel(registration=registration),
            counted("registration", "registrations", "cancelled"),
        )

    @admin.action(description="Accept the offered seats for their members", permissions=["manage"])
    def accept_offers(self, request, queryset):
        adminkit.run_service_action(
            self,
            request,
            queryset,
            lambda registration: services.class_offer_accept(registration=registration),
            counted("offered seat", "offered seats", "accepted"),
        )
