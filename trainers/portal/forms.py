"""Forms of the trainer portal: they read what the trainer typed; the scheduling services decide."""

from __future__ import annotations

from django import forms

from clubsite.core.dates import ClubDateField
from clubsite.widgets import ISO_DATE, ISO_DATETIME_LOCAL, NativeDateInput, NativeDateTimeInput
from operations.models import Booking, Equipment
from operations.services import MAX_TIME_OFF_DAYS, MAX_WEEKS, PT_NOTE_MAX_LENGTH
from trainers.models import TimeOff, WeeklySlot


def _datetime_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[ISO_DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=NativeDateTimeInput(),
    )


class AvailabilityWindowForm(forms.Form):
    """Start and end of a window, read in the club's time zone."""

    start_time = _datetime_field("Start")
    end_time = _datetime_field("End")


class AvailabilityCreateForm(AvailabilityWindowForm):
    weeks = forms.IntegerField(
        label="Repeat weekly for",
        min_value=1,
        max_value=MAX_WEEKS,
        initial=1,
        help_text="Number of weeks, this one included: 1 adds just this window.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _time_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label, input_formats=["%H:%M", "%H:%M:%S"], widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )


def _date_field(label: str, **kwargs) -> forms.DateField:
    return ClubDateField(label=label, input_formats=[ISO_DATE], widget=NativeDateInput(), **kwargs)


class WeeklySlotForm(forms.Form):
    """One row of the weekly template: a day of the week and its hours, club time."""

    weekday = forms.TypedChoiceField(label="Day", choices=WeeklySlot.Weekday.choices, coerce=int)
    start_time = _time_field("From")
    end_time = _time_field("Until")


class TemplateApplyForm(forms.Form):
    first_day = _date_field("From")
    weeks = forms.IntegerField(
        label="For how many weeks",
        min_value=1,
        max_value=MAX_WEEKS,
        initial=4,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class TimeOffForm(forms.Form):
    first_day = _date_field("First day off")
    last_day = _date_field("Last day off", help_text=f"Both days included; at most {MAX_TIME_OFF_DAYS} days.")
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=TimeOff._meta.get_field("note").max_length,
        help_text="For you and the club's staff, e.g. “Holiday”.",
    )


class SessionNotesForm(forms.Form):
    trainer_notes = forms.CharField(
        label="Your notes on the session",
        required=False,
        max_length=PT_NOTE_MAX_LENGTH,
        help_text=f"What you worked on and what comes next; at most {PT_NOTE_MAX_LENGTH} characters. Only trainers "
        "see them.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ClassAttendanceForm(forms.Form):
    """One checkbox per member holding a seat; the ticked ones attended."""

    attended = forms.TypedMultipleChoiceField(
        label="Attended",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["attended"]
        field.choices = [(r.member_id, r.member.user.get_full_name()) for r in registrations]
        if not self.is_bound:
            field.initial = [r.member_id for r in registrations if r.status == r.Status.ATTENDED]


class SessionMarkForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Booking.Status.COMPLETED, Booking.Status.COMPLETED.label),
            (Booking.Status.NO_SHOW, Booking.Status.NO_SHOW.label),
        ]
    )


class MemberLookupForm(forms.Form):
    q = forms.CharField(
        label="Member name",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "First or last name", "autofocus": True}),
    )


class EquipmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Equipment) -> str:
        label = f"{obj.name} ({obj.asset_tag})"
        if obj.status != Equipment.Status.WORKING:
            label += f" – {obj.get_status_display().lower()}"
        return label


class EquipmentIssueForm(forms.Form):
    """Pick the equipment (grouped by room) and describe what is wrong with it."""

    equipment = EquipmentChoiceField(
        queryset=Equipment.objects.select_related("room"), label="Equipment", empty_label="Choose…"
    )
    issue_description = forms.CharField(
        label="What is wrong?", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, equipment_groups, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["equipment"]
        # Grouped choices from the one query already made; the submitted id is still checked against
        # the queryset on validation.
        field.choices = [("", field.empty_label)] + [
            (room, [(item.pk, field.label_from_instance(item)) for item in items]) for room, items in equipment_groups
        ]
