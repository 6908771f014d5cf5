"""Rooms, their equipment and its maintenance records, through the scheduling services."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from clubsite import adminkit

from .. import selectors, services
from ..describe import describe_moment
from ..errors import SchedulingError
from ..models import Equipment, MaintenanceRecord, Room
from ._shared import counted


class RoomForm(adminkit.ServiceAdminForm):
    class Meta:
        model = Room
        fields = ["name", "location", "capacity"]

    def save_with_service(self, data):
        values = {"name": data["name"], "location": data.get("location", ""), "capacity": data["capacity"]}
        if self.instance.pk is None:
            return services.room_create(**values)
        return services.room_update(room=self.instance, **values)


@admin.register(Room)
class RoomAdmin(adminkit.ServiceAdminMixin, admin.ModelAdmin):
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
    fields = readonly_fields = ("reported_at", "issue_description", "status", "resolved_at", "resolution_notes")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EquipmentForm(adminkit.ServiceAdminForm):
    class Meta:
        model = Equipment
        fields = ["name", "asset_tag", "room"]

    def save_with_service(self, data):
        values = {"room": data["room"], "name": data["name"], "asset_tag": data["asset_tag"]}
        if self.instance.pk is None:
            return services.equipment_create(**values)
        return services.equipment_update(equipment=self.instance, **values)


@admin.register(Equipment)
class EquipmentAdmin(adminkit.ServiceAdminMixin, admin.ModelAdmin):
    form = EquipmentForm
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


#: How much of an issue the list shows: a line or two, cut between words.
ISSUE_WORDS = 16


def issues_done(outcome: str):
    """What a maintenance action did to the records, as a sentence: "1 maintenance issue marked resolved."."""
    return counted("maintenance issue", "maintenance issues", outcome)


class MaintenanceRecordAddForm(adminkit.ServiceAdminForm):
    request_user = None

    class Meta:
        model = MaintenanceRecord
        fields = ["equipment", "issue_description"]

    def save_with_service(self, data):
        return services.maintenance_record_create(
            equipment=data["equipment"], issue_description=data["issue_description"], reported_by=self.request_user
        )


class MaintenanceRecordChangeForm(adminkit.ServiceAdminForm):
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
class MaintenanceRecordAdmin(adminkit.ServiceAdminMixin, admin.ModelAdmin):
    # Few enough columns to fit beside the navigation and the filters at 1280 px: the room reads under the
    # equipment, who reported it with when, the resolution with the status; the issue is cut between words (the
    # whole of it is on the record's page).
    list_display = ["equipment_in_room", "issue", "state", "reported"]
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

    @admin.display(description="Equipment", ordering="equipment__name")
    def equipment_in_room(self, obj):
        return format_html("{}<br><small>{}</small>", obj.equipment, obj.equipment.room)

    @admin.display(description="Issue")
    def issue(self, obj):
        return Truncator(obj.issue_description).words(ISSUE_WORDS, truncate="…")

    @admin.display(description="Reported", ordering="reported_at")
    def reported(self, obj):
        when = describe_moment(obj.reported_at)
        return f"{when} by {obj.reported_by.get_full_name()}" if obj.reported_by else when

    @admin.display(description="Status", ordering="status")
    def state(self, obj):
        if obj.resolved_at is not None:
            return f"{obj.get_status_display()} {describe_moment(obj.resolved_at)}"
        return obj.get_status_display()

    def _move(self, request, queryset, status: str, done, notes: dict[int, str] | None = None) -> None:
        adminkit.run_service_action(
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
        self._move(request, queryset, MaintenanceRecord.Status.IN_PROGRESS, issues_done("marked in progress"))

    @admin.action(description="Reopen the selected records (back to open)", permissions=["work"])
    def reopen(self, request, queryset):
        self._move(request, queryset, MaintenanceRecord.Status.OPEN, issues_done("reopened"))

    @admin.action(description="Resolve the selected records…", permissions=["work"])
    def resolve(self, request, queryset):
        """Asks for each record's resolution notes on a page of its own, then resolves through the service."""
        records = list(queryset.select_related("equipment__room").order_by("reported_at", "id"))
        notes = {record.pk: request.POST.get(f"notes_{record.pk}", "").strip() for record in records}
        missing: set[int] = set()
        if "apply" in request.POST:
            missing = {pk for pk, text in notes.items() if not text}
            if not missing:
                self._move(request, queryset, MaintenanceRecord.Status.RESOLVED, issues_done("marked resolved"), notes)
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Resolve maintenance records",
            "opts": self.model._meta,
            "rows": [(record, notes[record.pk], record.pk in missing) for record in records],
            "missing_message": SchedulingError.messages["resolution_notes_required"].text,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/operations/maintenancerecord/resolve.html", context)
