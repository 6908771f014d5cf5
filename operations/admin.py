"""Staff back office for staff roles, rooms, equipment, bookings, classes and PT sessions, through the services."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.html import format_html

from clubsite import adminkit
from trainers.models import Trainer

from . import selectors, services, staff
from .models import (
    AdminStaff,
    Booking,
    ClassRegistration,
    Equipment,
    GroupClass,
    MaintenanceRecord,
    PersonalTrainingSession,
    Room,
)
from .services import SchedulingError

CLASS_CANCEL_NOT_ALLOWED = "Only staff who manage classes can cancel a class."
EVENTS_MOVE_BY_REBOOKING = "An event or closure is moved by cancelling it and booking the room again."
ROOM_CHOICE_REQUIRED = "Choose the room to move to."


class ServiceAdminForm(adminkit.ServiceAdminForm):
    service_errors = (SchedulingError,)


class ServiceAdminMixin(adminkit.ServiceAdminMixin):
    pass


def run_service_action(modeladmin, request, queryset, action, done: str) -> int:
    """Apply a scheduling service to each selected row (see ``adminkit.run_service_action``)."""
    return adminkit.run_service_action(modeladmin, request, queryset, action, done, (SchedulingError,))


def _split_datetime(label: str) -> forms.SplitDateTimeField:
    return forms.SplitDateTimeField(label=label, widget=AdminSplitDateTime)


def _room_field(*, required: bool = True, help_text: str = "") -> forms.ModelChoiceField:
    # A plain select: a club has few rooms, and staff who book rooms need not be allowed to edit them.
    return forms.ModelChoiceField(queryset=Room.objects.order_by("name"), required=required, help_text=help_text)


class StartsFilter(admin.SimpleListFilter):
    """Today, tomorrow, the next week, everything to come or everything past, by the start time (club days)."""

    title = "date"
    parameter_name = "when"
    field = "start_time"

    def lookups(self, request, model_admin):
        return [
            ("today", "Today"),
            ("tomorrow", "Tomorrow"),
            ("week", "Next 7 days"),
            ("upcoming", "Upcoming"),
            ("past", "Past"),
        ]

    def queryset(self, request, queryset):
        zone = timezone.get_default_timezone()
        today = timezone.localdate(timezone=zone)

        def midnight(day: datetime.date) -> datetime.datetime:
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), zone)

        one_day = datetime.timedelta(days=1)
        spans = {
            "today": (midnight(today), midnight(today + one_day)),
            "tomorrow": (midnight(today + one_day), midnight(today + 2 * one_day)),
            "week": (midnight(today), midnight(today + 7 * one_day)),
        }
        value = self.value()
        if value in spans:
            start, end = spans[value]
            return queryset.filter(**{f"{self.field}__gte": start, f"{self.field}__lt": end})
        if value == "upcoming":
            return queryset.filter(**{f"{self.field}__gte": timezone.now()})
        if value == "past":
            return queryset.filter(**{f"{self.field}__lt": timezone.now()})
        return queryset


class ClassStartsFilter(StartsFilter):
    field = "booking__start_time"


class RegistrationClassStartsFilter(StartsFilter):
    title = "class date"
    field = "group_class__booking__start_time"


# ---------------------------------------------------------------------------------------------
# Staff and their roles
# ---------------------------------------------------------------------------------------------


class AdminStaffAddForm(ServiceAdminForm):
    class Meta:
        model = AdminStaff
        fields = ["user", "role"]

    def save_with_service(self, data):
        return staff.staff_set_role(user=data["user"], role=data["role"])


class AdminStaffChangeForm(ServiceAdminForm):
    class Meta:
        model = AdminStaff
        fields = ["role"]

    def save_with_service(self, data):
        if not self.changed_data:
            return self.instance
        return staff.staff_set_role(user=self.instance.user, role=data["role"])


@admin.action(description="Take the selected people off the staff", permissions=["delete"])
def remove_from_staff(modeladmin, request, queryset):
    run_service_action(modeladmin, request, queryset, lambda s: staff.staff_remove(user=s.user), "Removed")


@admin.register(AdminStaff)
class AdminStaffAdmin(ServiceAdminMixin, admin.ModelAdmin):
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


# ---------------------------------------------------------------------------------------------
# Rooms, equipment and maintenance
# ---------------------------------------------------------------------------------------------


class RoomForm(ServiceAdminForm):
    class Meta:
        model = Room
        fields = ["name", "location", "capacity"]

    def save_with_service(self, data):
        values = {"name": data["name"], "location": data.get("location", ""), "capacity": data["capacity"]}
        if self.instance.pk is None:
            return services.room_create(**values)
        return services.room_update(room=self.instance, **values)


@admin.register(Room)
class RoomAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = RoomForm
    list_display = ["name", "location", "capacity", "equipment_count", "open_issues"]
    search_fields = ["name", "location"]

    def get_queryset(self, request):
        return selectors.rooms_with_open_issues()

    def has_delete_permission(self, request, obj=None):
        # Rooms carry the history of their bookings and equipment.
        return False

    @admin.display(description="Equipment", ordering="equipment_count")
    def equipment_count(self, obj):
        return obj.equipment_count

    @admin.display(description="Open issues", ordering="open_issues")
    def open_issues(self, obj):
        if not obj.open_issues:
            return 0
        address = reverse("admin:operations_maintenancerecord_changelist")
        return format_html(
            '<a href="{}?equipment__room__id__exact={}&amp;status__in=open,in_progress">{}</a>',
            address,
            obj.pk,
            obj.open_issues,
        )


class MaintenanceRecordInline(admin.TabularInline):
    model = MaintenanceRecord
    fields = ["reported_at", "issue_description", "status", "resolved_at", "resolution_notes"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Equipment)
class EquipmentAdmin(adminkit.AutocompleteAdminMixin, admin.ModelAdmin):
    list_display = ["name", "asset_tag", "room", "status", "open_issues"]
    list_filter = ["status", "room"]
    search_fields = ["name", "asset_tag", "room__name"]
    autocomplete_fields = ["room"]
    # The status follows the maintenance records; it is changed through them.
    readonly_fields = ["status", "report_issue"]
    list_select_related = ["room"]
    inlines = [MaintenanceRecordInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("room")
            .annotate(
                open_count=Count(
                    "maintenance_records",
                    filter=~Q(maintenance_records__status=MaintenanceRecord.Status.RESOLVED),
                )
            )
        )

    def get_fields(self, request, obj=None):
        fields = ["name", "asset_tag", "room", "status"]
        return [*fields, "report_issue"] if obj else fields

    def has_delete_permission(self, request, obj=None):
        # Its maintenance history would go with it.
        return False

    @admin.display(description="Open issues", ordering="open_count")
    def open_issues(self, obj):
        return obj.open_count

    @admin.display(description="Maintenance")
    def report_issue(self, obj):
        address = reverse("admin:operations_maintenancerecord_add")
        return format_html('<a class="button" href="{}?equipment={}">Report an issue</a>', address, obj.pk)


class MaintenanceRecordAddForm(ServiceAdminForm):
    request_user = None

    class Meta:
        model = MaintenanceRecord
        fields = ["equipment", "issue_description"]

    def save_with_service(self, data):
        return services.maintenance_record_create(
            equipment=data["equipment"], issue_description=data["issue_description"], reported_by=self.request_user
        )


class MaintenanceRecordChangeForm(ServiceAdminForm):
    class Meta:
        model = MaintenanceRecord
        fields = ["status", "resolution_notes"]

    def save_with_service(self, data):
        if not self.changed_data:
            return self.instance
        return services.maintenance_record_set_status(
            record=self.instance, status=data["status"], resolution_notes=data.get("resolution_notes", "")
        )


@admin.register(MaintenanceRecord)
class MaintenanceRecordAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["equipment", "room", "issue_description", "status", "reported_at", "reported_by", "resolved_at"]
    list_filter = ["status", "equipment__room"]
    search_fields = ["issue_description", "equipment__name", "equipment__asset_tag", "equipment__room__name"]
    date_hierarchy = "reported_at"
    autocomplete_fields = ["equipment"]
    list_select_related = ["equipment__room", "reported_by"]
    actions = ["start_work", "resolve", "reopen"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = MaintenanceRecordChangeForm if obj else MaintenanceRecordAddForm
        form = super().get_form(request, obj, change, **kwargs)
        form.request_user = request.user
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["equipment", "issue_description"]
        return [
            "equipment",
            "issue_description",
            "reported_at",
            "reported_by",
            "status",
            "resolution_notes",
            "resolved_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["equipment", "issue_description", "reported_at", "reported_by", "resolved_at"]

    def has_change_permission(self, request, obj=None):
        # A resolved record is history: it can be read, not changed.
        if obj is not None and obj.status == MaintenanceRecord.Status.RESOLVED:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deleting history would leave the equipment's status unexplained.
        return False

    def has_work_permission(self, request):
        return super().has_change_permission(request)

    @admin.display(description="Room", ordering="equipment__room__name")
    def room(self, obj):
        return obj.equipment.room

    def _move(self, request, queryset, status: str, done: str, notes: dict[int, str] | None = None) -> None:
        run_service_action(
            self,
            request,
            queryset.select_related("equipment"),
            lambda record: services.maintenance_record_set_status(
                record=record, status=status, resolution_notes=(notes or {}).get(record.pk, "")
            ),
            done,
        )

    @admin.action(description="Start work on the selected records (in progress)", permissions=["work"])
    def start_work(self, request, queryset):
        self._move(request, queryset, MaintenanceRecord.Status.IN_PROGRESS, "Now in progress")

    @admin.action(description="Reopen the selected records (back to open)", permissions=["work"])
    def reopen(self, request, queryset):
        self._move(request, queryset, MaintenanceRecord.Status.OPEN, "Reopened")

    @admin.action(description="Resolve the selected records…", permissions=["work"])
    def resolve(self, request, queryset):
        """Asks for each record's resolution notes on a page of its own, then resolves through the service."""
        records = list(queryset.select_related("equipment__room").order_by("reported_at", "id"))
        notes = {record.pk: request.POST.get(f"notes_{record.pk}", "").strip() for record in records}
        missing: set[int] = set()
        if "apply" in request.POST:
            missing = {pk for pk, text in notes.items() if not text}
            if not missing:
                self._move(request, queryset, MaintenanceRecord.Status.RESOLVED, "Resolved", notes)
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Resolve maintenance records",
            "opts": self.model._meta,
            "rows": [(record, notes[record.pk], record.pk in missing) for record in records],
            "missing_message": services.RESOLUTION_NOTES_REQUIRED,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/operations/maintenancerecord/resolve.html", context)


# ---------------------------------------------------------------------------------------------
# Bookings: the one calendar, ad-hoc room bookings, moving rooms and the day view
# ---------------------------------------------------------------------------------------------


class RoomBookingForm(ServiceAdminForm):
    kind = forms.ChoiceField(choices=[(kind.value, kind.label) for kind in (Booking.Kind.EVENT, Booking.Kind.CLOSURE)])
    room = _room_field()

    class Meta:
        model = Booking
        fields = ["room", "kind", "title", "start_time", "end_time"]

    def save_with_service(self, data):
        return services.room_booking_create(
            room=data["room"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            kind=data["kind"],
            title=data["title"],
        )


class MoveRoomForm(forms.Form):
    room = forms.ModelChoiceField(queryset=Room.objects.order_by("name"), label="Move to", empty_label=None)


def booking_label(booking: Booking) -> str:
    """What a booking is for, as staff read it: the class's name, the PT member, or the event's title."""
    group_class = getattr(booking, "group_class", None) if booking.kind == Booking.Kind.GROUP_CLASS else None
    if group_class is not None:
        return group_class.name
    session = getattr(booking, "pt_session", None) if booking.kind == Booking.Kind.PERSONAL_TRAINING else None
    if session is not None:
        return f"PT with {session.member}"
    return booking.title or booking.get_kind_display()


@admin.register(Booking)
class BookingAdmin(adminkit.LargeTableAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    """Every booking on the one calendar; staff add events and closures here, classes and sessions elsewhere."""

    form = RoomBookingForm
    list_display = ["start_time", "end_time", "kind", "what", "room", "trainer", "status"]
    list_filter = [StartsFilter, "kind", "room", "status"]
    search_fields = [
        "title",
        "room__name",
        "trainer__user__first_name",
        "trainer__user__last_name",
        "group_class__name",
        "pt_session__member__user__last_name",
    ]
    date_hierarchy = "start_time"
    list_select_related = ["room", "trainer__user", "group_class"]
    fields = ["room", "kind", "title", "start_time", "end_time"]
    actions = ["cancel_bookings", "move_to_room"]

    def get_queryset(self, request):
        # A PT session's member comes in one small query for the page: joined into the page's query as well,
        # PostgreSQL spent longer choosing among eight joins than running them (10 ms a page).
        sessions = PersonalTrainingSession.objects.select_related("member__user")
        return super().get_queryset(request).prefetch_related(Prefetch("pt_session", sessions))

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return ["kind", "what", "room", "trainer", "start_time", "end_time", "status", "created_at", "manage"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        # A booking is moved through its class or session (or the move action), cancelled with the action.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_manage_permission(self, request):
        return request.user.has_perm("operations.change_booking")

    def get_urls(self):
        day = path("day/", self.admin_site.admin_view(self.day_view), name="operations_booking_day")
        return [day, *super().get_urls()]

    @admin.display(description="What")
    def what(self, obj):
        return booking_label(obj)

    @admin.display(description="Change")
    def manage(self, obj):
        if obj.kind == Booking.Kind.GROUP_CLASS and hasattr(obj, "group_class"):
            address = reverse("admin:operations_groupclass_change", args=[obj.group_class.pk])
            return format_html('<a href="{}">Reschedule the class or change its room or trainer</a>', address)
        if obj.kind == Booking.Kind.PERSONAL_TRAINING and hasattr(obj, "pt_session"):
            address = reverse("admin:operations_personaltrainingsession_change", args=[obj.pt_session.pk])
            return format_html('<a href="{}">Move the session or change its room</a>', address)
        return EVENTS_MOVE_BY_REBOOKING

    # -- cancelling (billing's admin extends this to settle what was billed) ------------------

    #: The domain errors ``cancel_one`` may raise.
    cancel_errors: tuple[type[Exception], ...] = (SchedulingError,)

    @staticmethod
    def check_cancel_allowed(request, booking: Booking) -> None:
        # Cancelling a class's booking cancels the class: only who may change classes may do that.
        if booking.kind == Booking.Kind.GROUP_CLASS and not request.user.has_perm("operations.change_groupclass"):
            raise SchedulingError(CLASS_CANCEL_NOT_ALLOWED)

    def cancel_one(self, request, booking: Booking) -> None:
        self.check_cancel_allowed(request, booking)
        services.booking_cancel(booking=booking)

    @admin.action(description="Cancel the selected bookings (classes and sessions with them)", permissions=["manage"])
    def cancel_bookings(self, request, queryset):
        adminkit.run_service_action(
            self, request, queryset, lambda b: self.cancel_one(request, b), "Cancelled", self.cancel_errors
        )

    @admin.action(description="Move the selected classes and sessions to another room…", permissions=["manage"])
    def move_to_room(self, request, queryset):
        form = MoveRoomForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            room = form.cleaned_data["room"]
            run_service_action(self, request, queryset, lambda b: self._move_room(b, room), f"Moved to {room}")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Move to another room",
            "opts": self.model._meta,
            "form": form,
            "bookings": [
                (booking, booking_label(booking))
                for booking in queryset.select_related("room", "group_class", "pt_session__member__user")
            ],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/operations/booking/move_room.html", context)

    @staticmethod
    def _move_room(booking: Booking, room: Room) -> None:
        if booking.kind == Booking.Kind.GROUP_CLASS:
            services.class_reschedule(
                group_class=booking.group_class,
                start_time=booking.start_time,
                end_time=booking.end_time,
                room=room,
                trainer=booking.trainer,
            )
        elif booking.kind == Booking.Kind.PERSONAL_TRAINING:
            services.pt_session_reschedule(
                session=booking.pt_session,
                start_time=booking.start_time,
                end_time=booking.end_time,
                room=room,
                by_member=False,
            )
        else:
            raise SchedulingError(EVENTS_MOVE_BY_REBOOKING)

    # -- the rooms side by side, one day -------------------------------------------------------

    DAY_FIRST_HOUR = 6
    DAY_LAST_HOUR = 22
    # Pixels above the first hour line, so that its label is not cut off; a minute is a pixel.
    DAY_TOP_GAP = 10

    def day_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        day = parse_date(request.GET.get("date") or "") or timezone.localdate()
        rooms, bookings = selectors.room_day(day=day)
        zone = timezone.get_default_timezone()
        day_start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), zone)
        day_end = day_start + datetime.timedelta(days=1)

        def minutes(moment: datetime.datetime) -> int:
            # Minutes after the day's midnight on the club's clock, clipped to the day.
            moment = min(max(moment, day_start), day_end)
            local = timezone.localtime(moment, zone)
            return 24 * 60 if moment == day_end else local.hour * 60 + local.minute

        spans = [(minutes(b.start_time), minutes(b.end_time)) for b in bookings]
        first = min([self.DAY_FIRST_HOUR * 60, *(start for start, _ in spans)]) // 60 * 60
        last = max([self.DAY_LAST_HOUR * 60, *(end for _, end in spans)])
        last = min(-(-last // 60) * 60, 24 * 60)
        columns = {room.pk: {"room": room, "blocks": []} for room in rooms}
        for booking, (start, end) in zip(bookings, spans, strict=True):
            columns[booking.room_id]["blocks"].append(
                {
                    "booking": booking,
                    "label": booking_label(booking),
                    "top": start - first + self.DAY_TOP_GAP,
                    "height": max(end - start, 15),
                    "url": reverse("admin:operations_booking_change", args=[booking.pk]),
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Rooms on {day:%A %-d %B %Y}",
            "opts": self.model._meta,
            "day": day,
            "previous_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1),
            "today": timezone.localdate(),
            "columns": list(columns.values()),
            "hours": [
                {"label": f"{minute // 60:02d}:00", "top": minute - first + self.DAY_TOP_GAP}
                for minute in range(first, last, 60)
            ],
            "height": last - first + self.DAY_TOP_GAP,
            "gap": self.DAY_TOP_GAP,
            "can_add": self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/operations/booking/day.html", context)


# ---------------------------------------------------------------------------------------------
# Group classes and their registrations
# ---------------------------------------------------------------------------------------------


class GroupClassAddForm(ServiceAdminForm):
    trainer = forms.ModelChoiceField(queryset=Trainer.objects.filter(is_active=True).select_related("user"))
    room = _room_field()
    start_time = _split_datetime("Starts")
    end_time = _split_datetime("Ends")
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


class BookingChangeForm(ServiceAdminForm):
    """A change form for what lives on a booking: its ``booking_fields`` start from the booking's values."""

    booking_fields: tuple[str, ...] = ("room", "start_time", "end_time")

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and instance.pk:
            booking = instance.booking
            kwargs["initial"] = {
                **{name: getattr(booking, booking._meta.get_field(name).attname) for name in self.booking_fields},
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, instance=instance, **kwargs)


class GroupClassChangeForm(BookingChangeForm):
    trainer = forms.ModelChoiceField(queryset=Trainer.objects.filter(is_active=True).select_related("user"))
    room = _room_field()
    start_time = _split_datetime("Starts")
    end_time = _split_datetime("Ends")

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


class RegistrationInline(admin.TabularInline):
    """The class's registrations: seats first, then the waitlist in the order it is served, then cancellations."""

    model = ClassRegistration
    fields = ["place", "member", "status", "registered_at"]
    readonly_fields = fields
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
                position=Window(RowNumber(), partition_by=[section], order_by=[F("registered_at"), F("id")]),
            )
            .order_by("section", "registered_at", "id")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Place")
    def place(self, obj):
        if obj.section == self.SEATED:
            return f"Seat {obj.position}"
        if obj.section == self.WAITING:
            return f"Waitlist {obj.position}"
        return "—"


@admin.register(GroupClass)
class GroupClassAdmin(adminkit.LargeTableAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
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

    # -- cancelling (billing's admin extends this to settle what was billed) ------------------

    cancel_errors: tuple[type[Exception], ...] = (SchedulingError,)

    def cancel_one(self, request, group_class: GroupClass) -> None:
        services.class_cancel(group_class=group_class)

    @admin.action(description="Cancel the selected classes and tell their members", permissions=["change"])
    def cancel_classes(self, request, queryset):
        adminkit.run_service_action(
            self, request, queryset, lambda c: self.cancel_one(request, c), "Cancelled", self.cancel_errors
        )


class ClassRegistrationAddForm(ServiceAdminForm):
    class Meta:
        model = ClassRegistration
        fields = ["member", "group_class"]

    def save_with_service(self, data):
        return services.class_register(member=data["member"], group_class=data["group_class"])


@admin.register(ClassRegistration)
class ClassRegistrationAdmin(adminkit.LargeTableAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    form = ClassRegistrationAddForm
    list_display = ["member", "group_class", "class_room", "status", "place", "registered_at"]
    list_filter = ["status", RegistrationClassStartsFilter, "group_class__booking__room"]
    search_fields = ["member__user__first_name", "member__user__last_name", "member__user__email", "group_class__name"]
    date_hierarchy = "registered_at"
    # Newest first, along the (registered_at, id) index: the front desk looks at what just happened.
    ordering = ["-registered_at", "-id"]
    autocomplete_fields = ["member", "group_class"]
    list_select_related = ["member__user", "group_class__booking__room"]
    actions = ["cancel_registrations"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(waitlist_place=selectors.waitlist_place())

    def get_fields(self, request, obj=None):
        return ["member", "group_class"] if obj is None else ["member", "group_class", "status", "registered_at"]

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

    @admin.display(description="Waitlist place")
    def place(self, obj):
        return obj.waitlist_place or ""

    # -- cancelling (billing's admin extends this to settle what was billed) ------------------

    cancel_errors: tuple[type[Exception], ...] = (SchedulingError,)

    def cancel_one(self, request, registration: ClassRegistration) -> None:
        services.class_registration_cancel(registration=registration)

    @admin.action(description="Cancel the selected registrations (the waitlist moves up)", permissions=["manage"])
    def cancel_registrations(self, request, queryset):
        adminkit.run_service_action(
            self, request, queryset, lambda r: self.cancel_one(request, r), "Cancelled", self.cancel_errors
        )


# ---------------------------------------------------------------------------------------------
# Personal training
# ---------------------------------------------------------------------------------------------


class PersonalTrainingAddForm(ServiceAdminForm):
    trainer = forms.ModelChoiceField(queryset=Trainer.objects.filter(is_active=True).select_related("user"))
    room = _room_field(required=False, help_text="Leave empty for online.")
    start_time = _split_datetime("Starts")
    end_time = _split_datetime("Ends")

    class Meta:
        model = PersonalTrainingSession
        fields = ["member", "trainer", "room", "start_time", "end_time", "notes"]

    def save_with_service(self, data):
        return services.pt_session_book(
            member=data["member"],
            trainer=data["trainer"],
            room=data.get("room"),
            start_time=data["start_time"],
            end_time=data["end_time"],
            notes=data.get("notes", ""),
        )


class PersonalTrainingChangeForm(BookingChangeForm):
    room = _room_field(required=False, help_text="Leave empty for online.")
    start_time = _split_datetime("Starts")
    end_time = _split_datetime("Ends")

    class Meta:
        model = PersonalTrainingSession
        fields = ["room", "start_time", "end_time"]

    def save_with_service(self, data):
        if not self.changed_data:
            return self.instance
        return services.pt_session_reschedule(
            session=self.instance,
            start_time=data["start_time"],
            end_time=data["end_time"],
            room=data.get("room"),
            by_member=False,
        )


@admin.register(PersonalTrainingSession)
class PersonalTrainingSessionAdmin(adminkit.LargeTableAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["member", "start", "trainer", "room", "price", "status"]
    list_filter = [ClassStartsFilter, "booking__status", "booking__room"]
    search_fields = [
        "member__user__first_name",
        "member__user__last_name",
        "member__user__email",
        "booking__trainer__user__last_name",
    ]
    date_hierarchy = "booking__start_time"
    autocomplete_fields = ["member"]
    list_select_related = ["member__user", "booking__room", "booking__trainer__user"]
    actions = ["cancel_sessions", "mark_sessions_completed", "mark_sessions_no_show"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = PersonalTrainingChangeForm if obj else PersonalTrainingAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(PersonalTrainingAddForm.Meta.fields)
        return ["member", "trainer", "price", "notes", "status", "room", "start_time", "end_time"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["member", "trainer", "price", "notes", "status"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Starts", ordering="booking__start_time")
    def start(self, obj):
        return obj.booking.start_time

    @admin.display(description="Trainer")
    def trainer(self, obj):
        return obj.booking.trainer

    @admin.display(description="Room")
    def room(self, obj):
        return obj.booking.room or "Online"

    @admin.display(description="Status", ordering="booking__status")
    def status(self, obj):
        return obj.booking.get_status_display()

    # -- cancelling (billing's admin extends this to settle what was billed) ------------------

    cancel_errors: tuple[type[Exception], ...] = (SchedulingError,)

    def cancel_one(self, request, session: PersonalTrainingSession) -> None:
        services.pt_session_cancel(session=session, by_member=False)

    @admin.action(description="Cancel the selected sessions", permissions=["change"])
    def cancel_sessions(self, request, queryset):
        adminkit.run_service_action(
            self, request, queryset, lambda s: self.cancel_one(request, s), "Cancelled", self.cancel_errors
        )

    def _mark(self, request, queryset, status: str, done: str) -> None:
        run_service_action(self, request, queryset, lambda s: services.pt_session_mark(session=s, status=status), done)

    @admin.action(description="Mark the selected sessions as completed", permissions=["change"])
    def mark_sessions_completed(self, request, queryset):
        self._mark(request, queryset, Booking.Status.COMPLETED, "Marked completed")

    @admin.action(description="Mark the selected sessions as no-shows", permissions=["change"])
    def mark_sessions_no_show(self, request, queryset):
        self._mark(request, queryset, Booking.Status.NO_SHOW, "Marked no-show")
