"""The trainer portal: week and list schedule, availability, attendance, member lookup, equipment issues."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView

from clubsite.core.clock import club_today
from clubsite.core.errors import ClubError
from clubsite.core.forms import add_club_error
from clubsite.pagination import paginate
from members.charts import metric_charts
from operations import services
from operations.describe import describe_span
from operations.models import Booking
from trainers import selectors as trainer_reads
from trainers import services as trainer_services
from trainers.selectors import LOOKUP_COUNT_CAP

from . import selectors
from .forms import (
    AvailabilityCreateForm,
    AvailabilityWindowForm,
    ClassAttendanceForm,
    EquipmentIssueForm,
    MemberLookupForm,
    SessionMarkForm,
    SessionNotesForm,
    TemplateApplyForm,
    TimeOffForm,
    WeeklySlotForm,
)
from .mixins import TrainerRequiredMixin

SCHEDULE_PAGE_SIZE = 20
AVAILABILITY_PAGE_SIZE = 25
LOOKUP_PAGE_SIZE = 20
# Weeks further than this from today are not worth a calendar (and keep date arithmetic in range).
FURTHEST_WEEK = datetime.timedelta(days=366 * 20)

WINDOW_ADDED = "Availability added: {window}."
WINDOWS_ADDED = "{count} weekly availability windows added, from {first} to {last}."
WINDOW_CHANGED = "Availability changed to {window}."
WINDOW_REMOVED = "Availability {window} removed."
ATTENDANCE_SAVED = "Attendance saved: {attended} of {seated} attended."
SESSION_MARKED = "Session marked as {status}."
NOTES_SAVED = "Your notes on the session are saved."
NOTES_CLEARED = "Your notes on the session are removed."
SLOT_ADDED = "Added to your weekly template: {slot}."
SLOT_REMOVED = "Removed from your weekly template: {slot}. The windows it already made stay."
TIME_OFF_TAKEN = "Time off {days} saved."
TIME_OFF_WINDOWS = " {removed} availability window{removed_plural} removed and {cut} cut short."
TIME_OFF_REMOVED = (
    "Time off {days} removed. The availability it took away is not put back: apply your weekly template for that."
)
ISSUE_REPORTED = "Thank you: the issue with {equipment} in {room} is reported; staff will see to it."
GET_ONLY = ["get", "head", "options"]


def _span(window) -> str:
    return describe_span(window.start_time, window.end_time)


# ---------------------------------------------------------------------------------------------
# Schedule
# ---------------------------------------------------------------------------------------------


class ScheduleWeekView(TrainerRequiredMixin, TemplateView):
    """The trainer's week as a calendar grid (per-day cards on a phone); ?week=YYYY-MM-DD picks the week."""

    template_name = "trainers/schedule_week.html"
    http_method_names = GET_ONLY

    def requested_day(self) -> datetime.date:
        today = club_today()
        try:
            day = datetime.date.fromisoformat(self.request.GET.get("week", ""))
        except ValueError:
            return today
        return day if abs(day - today) <= FURTHEST_WEEK else today

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["week"] = selectors.trainer_week(trainer=self.trainer, week_start=self.requested_day())
        context["this_week"] = trainer_reads.week_start_of(club_today())
        return context


class ScheduleListView(TrainerRequiredMixin, TemplateView):
    """The trainer's classes and sessions as a paged list: upcoming, or past (where attendance is taken)."""

    template_name = "trainers/schedule_list.html"
    http_method_names = GET_ONLY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        when = selectors.SCHEDULE_PAST if self.request.GET.get("when") == "past" else selectors.SCHEDULE_UPCOMING
        page = paginate(
            self.request, selectors.trainer_schedule_list(trainer=self.trainer, when=when), per_page=SCHEDULE_PAGE_SIZE
        )
        context.update(when=when, page_obj=page, entries=selectors.schedule_entries(page.object_list))
        return context


# ---------------------------------------------------------------------------------------------
# Availability
# ---------------------------------------------------------------------------------------------


class AvailabilityListView(TrainerRequiredMixin, TemplateView):
    template_name = "trainers/availability_list.html"
    http_method_names = GET_ONLY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = paginate(
            self.request, selectors.trainer_availability_list(trainer=self.trainer), per_page=AVAILABILITY_PAGE_SIZE
        )
        context.update(page_obj=page, windows=page.object_list)
        return context


class AvailabilityCreateView(TrainerRequiredMixin, FormView):
    template_name = "trainers/availability_form.html"
    form_class = AvailabilityCreateForm
    extra_context = {"title": "Add availability"}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            if data["weeks"] == 1:
                window = services.availability_create(
                    trainer=self.trainer, start_time=data["start_time"], end_time=data["end_time"]
                )
                messages.success(self.request, WINDOW_ADDED.format(window=_span(window)))
            else:
                windows = services.availability_create_weekly(
                    trainer=self.trainer, start_time=data["start_time"], end_time=data["end_time"], weeks=data["weeks"]
                )
                messages.success(
                    self.request,
                    WINDOWS_ADDED.format(count=len(windows), first=_span(windows[0]), last=_span(windows[-1])),
                )
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        return redirect("trainers:availability")


class OwnObjectMixin:
    """Loads ``self.object`` by the URL's pk from the signed-in trainer's own rows: anyone else's is a 404."""

    def get_owned_queryset(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        # After TrainerRequiredMixin.dispatch in the MRO, so self.trainer is set.
        self.object = get_object_or_404(self.get_owned_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class OwnWindowMixin(OwnObjectMixin):
    def get_owned_queryset(self):
        return trainer_reads.trainer_windows(trainer=self.trainer)

    @property
    def window(self):
        return self.object

    def get_context_data(self, **kwargs):
        return super().get_context_data(window=self.window, **kwargs)


class AvailabilityUpdateView(TrainerRequiredMixin, OwnWindowMixin, FormView):
    template_name = "trainers/availability_form.html"
    form_class = AvailabilityWindowForm
    extra_context = {"title": "Change availability"}

    def get_initial(self):
        return {"start_time": self.window.start_time, "end_time": self.window.end_time}

    def form_valid(self, form):
        try:
            window = services.availability_update(
                availability=self.window,
                start_time=form.cleaned_data["start_time"],
                end_time=form.cleaned_data["end_time"],
            )
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, WINDOW_CHANGED.format(window=_span(window)))
        return redirect("trainers:availability")


class AvailabilityDeleteView(TrainerRequiredMixin, OwnWindowMixin, FormView):
    """Asks before removing; the service refuses while a booking relies on the window, naming it."""

    template_name = "trainers/availability_confirm_delete.html"
    # No fields: the form only carries the service's refusal as a non-field error.
    form_class = forms.Form

    def form_valid(self, form):
        described = _span(self.window)
        try:
            services.availability_delete(availability=self.window)
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, WINDOW_REMOVED.format(window=described))
        return redirect("trainers:availability")


# ---------------------------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------------------------


class ClassDetailView(TrainerRequiredMixin, OwnObjectMixin, FormView):
    """One of the trainer's classes with its seated members; once it has started, the roll call."""

    template_name = "trainers/class_detail.html"
    form_class = ClassAttendanceForm

    def get_owned_queryset(self):
        return selectors.trainer_classes(trainer=self.trainer)

    @cached_property
    def registrations(self):
        return selectors.class_roll_call(group_class=self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "registrations": self.registrations}

    def get_context_data(self, **kwargs):
        booking = self.object.booking
        return super().get_context_data(
            group_class=self.object,
            booking=booking,
            registrations=self.registrations,
            has_started=booking.start_time <= timezone.now(),
            is_cancelled=booking.status == Booking.Status.CANCELLED,
            **kwargs,
        )

    def form_valid(self, form):
        attended = form.cleaned_data["attended"]
        try:
            services.class_attendance_mark(group_class=self.object, attended_member_ids=attended)
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, ATTENDANCE_SAVED.format(attended=len(attended), seated=len(self.registrations)))
        return redirect("trainers:class-detail", pk=self.object.pk)


def _session_context(session) -> dict:
    booking = session.booking
    has_started = booking.start_time <= timezone.now()
    return {
        "session": session,
        "booking": booking,
        "has_started": has_started,
        "is_cancelled": booking.status == Booking.Status.CANCELLED,
        # The service decides; the page offers the notes only where it would take them.
        "takes_notes": has_started and booking.status in (Booking.Status.SCHEDULED, Booking.Status.COMPLETED),
        "notes_form": SessionNotesForm(initial={"trainer_notes": session.trainer_notes}),
    }


class SessionDetailView(TrainerRequiredMixin, OwnObjectMixin, FormView):
    """One of the trainer's PT sessions; once it has started, completed / no-show."""

    template_name = "trainers/session_detail.html"
    form_class = SessionMarkForm

    def get_owned_queryset(self):
        return selectors.trainer_sessions(trainer=self.trainer)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**_session_context(self.object), **kwargs)

    def form_valid(self, form):
        try:
            session = services.pt_session_mark(session=self.object, status=form.cleaned_data["status"])
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, SESSION_MARKED.format(status=session.booking.get_status_display().lower()))
        return redirect("trainers:session-detail", pk=session.pk)


class SessionNotesView(TrainerRequiredMixin, OwnObjectMixin, FormView):
    """The trainer's notes after one of their sessions (the session page carries the same form)."""

    template_name = "trainers/session_notes.html"
    form_class = SessionNotesForm

    def get_owned_queryset(self):
        return selectors.trainer_sessions(trainer=self.trainer)

    def get_initial(self):
        return {"trainer_notes": self.object.trainer_notes}

    def get_context_data(self, **kwargs):
        context = _session_context(self.object)
        context.pop("notes_form")
        return super().get_context_data(**context, **kwargs)

    def form_valid(self, form):
        try:
            session = services.pt_session_note(
                session=self.object, trainer=self.trainer, notes=form.cleaned_data["trainer_notes"]
            )
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, NOTES_SAVED if session.trainer_notes else NOTES_CLEARED)
        return redirect("trainers:session-detail", pk=session.pk)


# ---------------------------------------------------------------------------------------------
# The weekly template and time off
# ---------------------------------------------------------------------------------------------


class WeeklyTemplateView(TrainerRequiredMixin, FormView):
    """The trainer's usual week: its rows, a form to add one, and the form that applies it to coming weeks."""

    template_name = "trainers/weekly_template.html"
    form_class = WeeklySlotForm

    def get_context_data(self, **kwargs):
        kwargs.setdefault("apply_form", TemplateApplyForm(initial={"first_day": _next_monday()}))
        return super().get_context_data(slots=selectors.weekly_template(trainer=self.trainer), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            slot = trainer_services.weekly_slot_add(
                trainer=self.trainer, weekday=data["weekday"], start_time=data["start_time"], end_time=data["end_time"]
            )
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, SLOT_ADDED.format(slot=trainer_services.describe_slot(slot)))
        return redirect("trainers:availability-template")


def _next_monday() -> datetime.date:
    today = club_today()
    return today + datetime.timedelta(days=7 - today.weekday())


class TemplateApplyView(TrainerRequiredMixin, FormView):
    """Makes the template's windows for the weeks asked and shows what it made and what it left out."""

    template_name = "trainers/template_applied.html"
    form_class = TemplateApplyForm

    def get_initial(self):
        return {"first_day": _next_monday()}

    def form_valid(self, form):
        try:
            applied = services.availability_apply_template(
                trainer=self.trainer, first_day=form.cleaned_data["first_day"], weeks=form.cleaned_data["weeks"]
            )
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        # Shown, not redirected: applying again is harmless (every window it would make is then a collision).
        return self.render_to_response(self.get_context_data(form=form, applied=applied))


class OwnSlotMixin(OwnObjectMixin):
    def get_owned_queryset(self):
        return trainer_reads.trainer_weekly_slots(trainer=self.trainer)


class WeeklySlotDeleteView(TrainerRequiredMixin, OwnSlotMixin, FormView):
    template_name = "trainers/weekly_slot_confirm_delete.html"
    form_class = forms.Form

    def get_context_data(self, **kwargs):
        described = trainer_services.describe_slot(self.object)
        return super().get_context_data(slot=self.object, described=described, **kwargs)

    def form_valid(self, form):
        described = trainer_services.describe_slot(self.object)
        try:
            trainer_services.weekly_slot_delete(slot=self.object)
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, SLOT_REMOVED.format(slot=described))
        return redirect("trainers:availability-template")


class TimeOffView(TrainerRequiredMixin, FormView):
    """The trainer's coming time off and a form to take more; booked days are refused, naming the bookings."""

    template_name = "trainers/time_off.html"
    form_class = TimeOffForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(time_off=selectors.time_off_list(trainer=self.trainer), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            taken = services.time_off_create(
                trainer=self.trainer, first_day=data["first_day"], last_day=data["last_day"], note=data["note"]
            )
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        text = TIME_OFF_TAKEN.format(days=services.describe_days(taken.time_off.first_day, taken.time_off.last_day))
        if taken.windows_removed or taken.windows_cut:
            text += TIME_OFF_WINDOWS.format(
                removed=taken.windows_removed, removed_plural=pluralize(taken.windows_removed), cut=taken.windows_cut
            )
        messages.success(self.request, text)
        return redirect("trainers:time-off")


class TimeOffDeleteView(TrainerRequiredMixin, OwnObjectMixin, FormView):
    template_name = "trainers/time_off_confirm_delete.html"
    form_class = forms.Form

    def get_owned_queryset(self):
        return trainer_reads.trainer_time_off(trainer=self.trainer)

    def get_context_data(self, **kwargs):
        days = services.describe_days(self.object.first_day, self.object.last_day)
        return super().get_context_data(time_off=self.object, days=days, **kwargs)

    def form_valid(self, form):
        days = services.describe_days(self.object.first_day, self.object.last_day)
        try:
            trainer_services.time_off_delete(time_off=self.object)
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, TIME_OFF_REMOVED.format(days=days))
        return redirect("trainers:time-off")


# ---------------------------------------------------------------------------------------------
# Member lookup: strictly read-only
# ---------------------------------------------------------------------------------------------


class MemberLookupView(TrainerRequiredMixin, TemplateView):
    """Search members by name: each result shows name, active goals and latest metric, nothing else."""

    template_name = "trainers/member_lookup.html"
    http_method_names = GET_ONLY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = MemberLookupForm(self.request.GET or None)
        term = form.cleaned_data["q"].strip() if form.is_valid() else ""
        page = (
            paginate(
                self.request,
                trainer_reads.member_lookup(term=term),
                per_page=LOOKUP_PAGE_SIZE,
                count_cap=LOOKUP_COUNT_CAP,
            )
            if term
            else None
        )
        context.update(
            form=form,
            term=term,
            page_obj=page,
            results=[(m, trainer_reads.latest_metric_of(m)) for m in page.object_list] if page else [],
        )
        return context


class MemberProfileView(TrainerRequiredMixin, TemplateView):
    """A client's page: what the lookup shows of a member (name, goals, metrics, now as a chart too) and this
    trainer's sessions with them, with the notes written after them. Nothing else of the member."""

    template_name = "trainers/member_profile.html"
    http_method_names = GET_ONLY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = selectors.client_page(trainer=self.trainer, member_id=self.kwargs["pk"])
        if page is None:
            raise Http404("No such member.")
        context.update(
            client=page,
            member=page.member,
            metric=page.latest_metric,
            charts=metric_charts(page.chart_entries),
            chart_limit=selectors.CLIENT_CHART_ENTRIES,
        )
        return context


# ---------------------------------------------------------------------------------------------
# Equipment issues
# ---------------------------------------------------------------------------------------------


class EquipmentIssueView(TrainerRequiredMixin, FormView):
    """Report a problem with a piece of equipment; it shows as broken until staff deal with it."""

    template_name = "trainers/equipment_issue_form.html"
    form_class = EquipmentIssueForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "equipment_groups": selectors.equipment_by_room()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(reports=selectors.issues_reported_by(user=self.request.user), **kwargs)

    def form_valid(self, form):
        equipment = form.cleaned_data["equipment"]
        try:
            services.maintenance_record_create(
                equipment=equipment,
                issue_description=form.cleaned_data["issue_description"],
                reported_by=self.request.user,
            )
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, ISSUE_REPORTED.format(equipment=equipment, room=equipment.room.name))
        return redirect(reverse("trainers:equipment-issue"))
