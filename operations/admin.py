"""Staff back office for rooms, equipment, bookings, classes and PT sessions; rule-bound writes go through services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.html import format_html_join

from trainers.models import Trainer

from . import services
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


class ServiceAdminForm(forms.ModelForm):
    """An admin form whose write is a service call, made as its last validation step.

    A broken rule then shows as a form error instead of a traceback; ``ServiceAdminMixin.save_model``
    has nothing left to save. The form's fields are read by the service; it never copies them onto
    the instance itself. The admin view runs in one transaction, so mail waits for its commit.
    """

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors:
            try:
                self.instance = self.save_with_service(cleaned_data)
            except SchedulingError as error:
                raise ValidationError(str(error)) from error
        return cleaned_data

    def save_with_service(self, data: dict):
        raise NotImplementedError

    def _post_clean(self):
        # Django's model validation would only repeat what the service checked and the database
        # accepted (and its ExclusionConstraint check fails on a condition over a field the form
        # leaves out, such as Booking.status), so the service's verdict is the only one.
        pass


class ServiceAdminMixin:
    def save_model(self, request, obj, form, change):
        """The form's service call has saved ``obj`` already."""


def run_service_action(modeladmin, request, queryset, action, done: str) -> None:
    """Apply a service to each selected row, reporting successes and refusals separately."""
    succeeded = 0
    for obj in queryset:
        try:
            action(obj)
        except SchedulingError as error:
            modeladmin.message_user(request, f"{obj}: {error}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{done}: {succeeded}.", messages.SUCCESS)


def _split_datetime(label: str) -> forms.SplitDateTimeField:
    return forms.SplitDateTimeField(label=label, widget=AdminSplitDateTime)


@admin.register(AdminStaff)
class AdminStaffAdmin(admin.ModelAdmin):
    list_display = ["user", "role"]
    list_filter = ["role"]
    search_fields = ["user__first_name", "user__last_name", "user__email"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "location", "capacity"]
    search_fields = ["name", "location"]


class MaintenanceRecordInline(admin.TabularInline):
    model = MaintenanceRecord
    fields = ["reported_at", "issue_description", "status", "resolved_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ["name", "asset_tag", "room", "status"]
    list_filter = ["status", "room"]
    search_fields = ["name", "asset_tag"]
    autocomplete_fields = ["room"]
    # The status follows the maintenance records; it is changed through them.
    readonly_fields = ["status"]
    list_select_related = ["room"]
    inlines = [MaintenanceRecordInline]


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
    list_display = ["equipment", "issue_description", "status", "reported_at", "reported_by", "resolved_at"]
    list_filter = ["status", "equipment__room"]
    search_fields = ["issue_description", "equipment__name", "equipment__asset_tag"]
    date_hierarchy = "reported_at"
    autocomplete_fields = ["equipment"]
    list_select_related = ["equipment", "reported_by"]

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


class RoomBookingForm(ServiceAdminForm):
    kind = forms.ChoiceField(choices=[(kind.value, kind.label) for kind in (Booking.Kind.EVENT, Booking.Kind.CLOSURE)])

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


@admin.action(description="Cancel the selected bookings (classes and sessions with them)")
def cancel_bookings(modeladmin, request, queryset):
    run_service_action(modeladmin, request, queryset, lambda b: services.booking_cancel(booking=b), "Cancelled")


@admin.register(Booking)
class BookingAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Every booking on the one calendar; staff add events and closures here, classes and sessions elsewhere."""

    form = RoomBookingForm
    list_display = ["start_time", "end_time", "kind", "title", "room", "trainer", "status"]
    list_filter = ["status", "kind", "room"]
    search_fields = ["title", "room__name", "trainer__user__first_name", "trainer__user__last_name"]
    date_hierarchy = "start_time"
    autocomplete_fields = ["room", "trainer"]
    list_select_related = ["room", "trainer__user"]
    fields = ["room", "kind", "title", "start_time", "end_time"]
    actions = [cancel_bookings]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return ["kind", "title", "room", "trainer", "start_time", "end_time", "status", "created_at"]

    def has_change_permission(self, request, obj=None):
        # A booking is moved through its class or session, or cancelled with the action.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GroupClassAddForm(ServiceAdminForm):
    trainer = forms.ModelChoiceField(queryset=Trainer.objects.filter(is_active=True).select_related("user"))
    room = forms.ModelChoiceField(queryset=Room.objects.all())
    start_time = _split_datetime("Starts")
    end_time = _split_datetime("Ends")
    weeks = forms.IntegerField(
        min_value=1, max_value=services.MAX_WEEKS, initial=1, help_text="Repeat weekly, as one series."
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


class GroupClassChangeForm(ServiceAdminForm):
    trainer = forms.ModelChoiceField(queryset=Trainer.objects.filter(is_active=True).select_related("user"))
    room = forms.ModelChoiceField(queryset=Room.objects.all())
    start_time = _split_datetime("Starts")
    end_time = _split_datetime("Ends")

    class Meta:
        model = GroupClass
        fields = ["trainer", "room", "start_time", "end_time"]

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and instance.pk:
            booking = instance.booking
            kwargs["initial"] = {
                "trainer": booking.trainer_id,
                "room": booking.room_id,
                "start_time": booking.start_time,
                "end_time": booking.end_time,
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, instance=instance, **kwargs)

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


@admin.action(description="Cancel the selected classes and tell their members")
def cancel_classes(modeladmin, request, queryset):
    run_service_action(modeladmin, request, queryset, lambda c: services.class_cancel(group_class=c), "Cancelled")


@admin.register(GroupClass)
class GroupClassAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["name", "start", "room", "trainer", "capacity", "seats_taken", "price", "status"]
    # No trainer filter: its choices would cost a query per trainer (their names live on the user).
    list_filter = ["booking__status", "booking__room"]
    search_fields = ["name", "booking__room__name", "booking__trainer__user__last_name"]
    date_hierarchy = "booking__start_time"
    list_select_related = ["booking__room", "booking__trainer__user"]
    actions = [cancel_classes]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            # The changelist skips list_select_related once a queryset selects anything, so name it all here.
            .select_related(*self.list_select_related)
            .annotate(
                seated=Count("registrations", filter=Q(registrations__status__in=ClassRegistration.SEATED))
            )
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = GroupClassChangeForm if obj else GroupClassAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(GroupClassAddForm.Meta.fields)
        return [
            "name",
            "description",
            "capacity",
            "price",
            "series",
            "trainer",
            "room",
            "start_time",
            "end_time",
            "registration_list",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Only a reschedule has a service so far; the rest stays as created.
        return ["name", "description", "capacity", "price", "series", "registration_list"]

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

    @admin.display(description="Registrations")
    def registration_list(self, obj):
        # A list rather than an inline: the page's only write is the reschedule, so no formset can half-fail it.
        registrations = obj.registrations.select_related("member__user").order_by("status", "registered_at", "id")
        return format_html_join(
            "\n", "<div>{} – {}</div>", ((r.member, r.get_status_display()) for r in registrations)
        ) or "—"

    @admin.display(description="Seats taken", ordering="seated")
    def seats_taken(self, obj):
        return obj.seated

    @admin.display(description="Status", ordering="booking__status")
    def status(self, obj):
        return obj.booking.get_status_display()


class ClassRegistrationAddForm(ServiceAdminForm):
    class Meta:
        model = ClassRegistration
        fields = ["member", "group_class"]

    def save_with_service(self, data):
        return services.class_register(member=data["member"], group_class=data["group_class"])


@admin.action(description="Cancel the selected registrations (the waitlist moves up)")
def cancel_registrations(modeladmin, request, queryset):
    run_service_action(
        modeladmin,
        request,
        queryset,
        lambda r: services.class_registration_cancel(registration=r),
        "Cancelled",
    )


@admin.register(ClassRegistration)
class ClassRegistrationAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = ClassRegistrationAddForm
    list_display = ["member", "group_class", "status", "registered_at"]
    list_filter = ["status"]
    search_fields = ["member__user__first_name", "member__user__last_name", "member__user__email", "group_class__name"]
    date_hierarchy = "registered_at"
    raw_id_fields = ["member"]
    autocomplete_fields = ["group_class"]
    list_select_related = ["member__user", "group_class__booking"]
    actions = [cancel_registrations]

    def get_fields(self, request, obj=None):
        return ["member", "group_class"] if obj is None else ["member", "group_class", "status", "registered_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PersonalTrainingAddForm(ServiceAdminForm):
    trainer = forms.ModelChoiceField(queryset=Trainer.objects.filter(is_active=True).select_related("user"))
    room = forms.ModelChoiceField(queryset=Room.objects.all(), required=False, help_text="Leave empty for online.")
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


class PersonalTrainingChangeForm(ServiceAdminForm):
    room = forms.ModelChoiceField(queryset=Room.objects.all(), required=False, help_text="Leave empty for online.")
    start_time = _split_datetime("Starts")
    end_time = _split_datetime("Ends")

    class Meta:
        model = PersonalTrainingSession
        fields = ["room", "start_time", "end_time"]

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and instance.pk:
            booking = instance.booking
            kwargs["initial"] = {
                "room": booking.room_id,
                "start_time": booking.start_time,
                "end_time": booking.end_time,
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, instance=instance, **kwargs)

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


@admin.action(description="Cancel the selected sessions")
def cancel_sessions(modeladmin, request, queryset):
    run_service_action(
        modeladmin, request, queryset, lambda s: services.pt_session_cancel(session=s, by_member=False), "Cancelled"
    )


@admin.action(description="Mark the selected sessions as completed")
def mark_sessions_completed(modeladmin, request, queryset):
    run_service_action(
        modeladmin,
        request,
        queryset,
        lambda s: services.pt_session_mark(session=s, status=Booking.Status.COMPLETED),
        "Marked completed",
    )


@admin.action(description="Mark the selected sessions as no-shows")
def mark_sessions_no_show(modeladmin, request, queryset):
    run_service_action(
        modeladmin,
        request,
        queryset,
        lambda s: services.pt_session_mark(session=s, status=Booking.Status.NO_SHOW),
        "Marked no-show",
    )


@admin.register(PersonalTrainingSession)
class PersonalTrainingSessionAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["member", "start", "trainer", "room", "price", "status"]
    list_filter = ["booking__status"]
    search_fields = [
        "member__user__first_name",
        "member__user__last_name",
        "member__user__email",
        "booking__trainer__user__last_name",
    ]
    date_hierarchy = "booking__start_time"
    raw_id_fields = ["member"]
    list_select_related = ["member__user", "booking__room", "booking__trainer__user"]
    actions = [cancel_sessions, mark_sessions_completed, mark_sessions_no_show]

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
