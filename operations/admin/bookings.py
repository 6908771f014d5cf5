"""The one calendar of bookings: events and closures, cancelling, moving rooms, and the rooms' day view."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from clubsite import adminkit
from clubsite.core.clock import club_time, club_today, day_bounds
from clubsite.core.dates import ClubDayForm

from .. import selectors, services
from ..describe import booking_label
from ..errors import SchedulingError
from ..models import Booking, PersonalTrainingSession, Room
from ._shared import StartsFilter, cancel_selected, counted, room_field


class RoomBookingForm(adminkit.ServiceAdminForm):
    kind = forms.ChoiceField(choices=[(kind.value, kind.label) for kind in (Booking.Kind.EVENT, Booking.Kind.CLOSURE)])
    room = room_field()

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


def staff_label(booking: Booking) -> str:
    """What a booking is for, as staff read it (a session names its member): ``describe.booking_label``."""
    return booking_label(booking, with_member=True)


@admin.register(Booking)
class BookingAdmin(adminkit.LargeTableAdminMixin, adminkit.ServiceAdminMixin, admin.ModelAdmin):
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
        return staff_label(obj)

    @admin.display(description="Change")
    def manage(self, obj):
        if obj.kind == Booking.Kind.GROUP_CLASS and hasattr(obj, "group_class"):
            address = reverse("admin:operations_groupclass_change", args=[obj.group_class.pk])
            return format_html('<a href="{}">Reschedule the class or change its room or trainer</a>', address)
        if obj.kind == Booking.Kind.PERSONAL_TRAINING and hasattr(obj, "pt_session"):
            address = reverse("admin:operations_personaltrainingsession_change", args=[obj.pt_session.pk])
            return format_html('<a href="{}">Move the session or change its room</a>', address)
        return SchedulingError.messages["events_move_by_rebooking"].text

    # -- cancelling --------------------------------------------------------------------------

    @staticmethod
    def _cancel(request, booking: Booking) -> services.Cancelled[Booking]:
        return services.booking_cancel_by(user=request.user, booking=booking)

    @admin.action(description="Cancel the selected bookings (classes and sessions with them)", permissions=["manage"])
    def cancel_bookings(self, request, queryset):
        cancel_selected(
            self,
            request,
            queryset,
            lambda booking: self._cancel(request, booking),
            counted("booking", "bookings", "cancelled"),
        )

    @admin.action(description="Move the selected classes and sessions to another room…", permissions=["manage"])
    def move_to_room(self, request, queryset):
        form = MoveRoomForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            room = form.cleaned_data["room"]
            adminkit.run_service_action(
                self,
                request,
                queryset,
                lambda b: services.booking_move_room(booking=b, room=room),
                counted("booking", "bookings", f"moved to {room}"),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Move to another room",
            "opts": self.model._meta,
            "form": form,
            "bookings": [
                (booking, staff_label(booking))
                for booking in queryset.select_related("room", "group_class", "pt_session__member__user")
            ],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/operations/booking/move_room.html", context)

    # -- the rooms side by side, one day -------------------------------------------------------

    DAY_FIRST_HOUR = 6
    DAY_LAST_HOUR = 22
    # Pixels above the first hour line, so that its label is not cut off; a minute is a pixel.
    DAY_TOP_GAP = 10

    def day_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        asked = ClubDayForm(request.GET)
        if asked.is_valid():
            day = asked.cleaned_data["date"] or club_today()
        else:  # not a date, or outside the club's dates: say so above today's rooms
            messages.error(request, asked.errors["date"][0])
            day = club_today()
        rooms, bookings = selectors.room_day(day=day)
        day_start, day_end = day_bounds(day)

        def minutes(moment: datetime.datetime) -> int:
            # Minutes after the day's midnight on the club's clock, clipped to the day.
            moment = min(max(moment, day_start), day_end)
            local = club_time(moment)
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
                    "label": staff_label(booking),
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
            "today": club_today(),
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
