"""Personal training sessions, through the scheduling services."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from clubsite import adminkit
from trainers.models import Trainer

from .. import services
from ..models import Booking, PersonalTrainingSession
from ._shared import BookingChangeForm, ClassStartsFilter, cancel_selected, counted, room_field, split_datetime


class PersonalTrainingAddForm(adminkit.ServiceAdminForm):
    trainer = forms.ModelChoiceField(queryset=Trainer.objects.filter(is_active=True).select_related("user"))
    room = room_field(required=False, help_text="Leave empty for online.")
    start_time = split_datetime("Starts")
    end_time = split_datetime("Ends")

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
    room = room_field(required=False, help_text="Leave empty for online.")
    start_time = split_datetime("Starts")
    end_time = split_datetime("Ends")

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
class PersonalTrainingSessionAdmin(adminkit.LargeTableAdminMixin, adminkit.ServiceAdminMixin, admin.ModelAdmin):
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

    @admin.action(description="Cancel the selected sessions", permissions=["change"])
    def cancel_sessions(self, request, queryset):
        cancel_selected(
            self,
            request,
            queryset,
            lambda session: services.pt_session_cancel(session=session, by_member=False),
            counted("session", "sessions", "cancelled"),
        )

    def _mark(self, request, queryset, status: str, done) -> None:
        adminkit.run_service_action(
            self, request, queryset, lambda s: services.pt_session_mark(session=s, status=status), done
        )

    @admin.action(description="Mark the selected sessions as completed", permissions=["change"])
    def mark_sessions_completed(self, request, queryset):
        self._mark(request, queryset, Booking.Status.COMPLETED, counted("session", "sessions", "marked completed"))

    @admin.action(description="Mark the selected sessions as no-shows", permissions=["change"])
    def mark_sessions_no_show(self, request, queryset):
        self._mark(
            request,
            queryset,
            Booking.Status.NO_SHOW,
            counted("session", "sessions", "marked as a no-show", "marked as no-shows"),
        )
