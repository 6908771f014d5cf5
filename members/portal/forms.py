"""Forms of the member portal: they collect what a member types; the services decide whether it is right.

A service's refusal is placed on these forms by its field with ``clubsite.core.forms.add_club_error``.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from clubsite.core.clock import club_time
from clubsite.widgets import ISO_DATETIME_LOCAL, NativeDateInput, NativeDateTimeInput
from members.models import FitnessGoal, Member
from members.portal.selectors import slot_search_day
from operations.models import Room


def club_now_input() -> str:
    """Now, as a datetime-local input shows it on the club's clock."""
    return club_time(timezone.now()).strftime(ISO_DATETIME_LOCAL)


class ProfileForm(forms.Form):
    first_name = forms.CharField(
        label="First name", max_length=150, widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, widget=forms.TextInput({"autocomplete": "family-name"})
    )
    date_of_birth = forms.DateField(label="Date of birth", widget=NativeDateInput())
    gender = forms.ChoiceField(label="Gender", choices=Member.Gender.choices)
    phone = forms.CharField(
        label="Phone",
        required=False,
        max_length=32,
        widget=forms.TextInput({"type": "tel", "autocomplete": "tel"}),
        help_text="Optional. Digits, spaces, +, - and parentheses.",
    )

    @classmethod
    def initial_for(cls, member: Member) -> dict:
        return {
            "first_name": member.user.first_name,
            "last_name": member.user.last_name,
            "date_of_birth": member.date_of_birth,
            "gender": member.gender,
            "phone": member.phone,
        }


class GoalForm(forms.Form):
    goal_type = forms.ChoiceField(label="Goal", choices=FitnessGoal.GoalType.choices)
    target_value = forms.DecimalField(
        label="Target value", widget=forms.NumberInput({"step": "0.01", "inputmode": "decimal"})
    )
    unit = forms.CharField(
        label="Unit",
        max_length=32,
        help_text="kg for weight, % for body fat, bpm for heart rate (these show your progress); or km, minutes…",
    )
    target_date = forms.DateField(label="Target date", required=False, widget=NativeDateInput(), help_text="Optional.")

    @classmethod
    def initial_for(cls, goal: FitnessGoal) -> dict:
        return {
            "goal_type": goal.goal_type,
            "target_value": goal.target_value,
            "unit": goal.unit,
            "target_date": goal.target_date,
        }


class MetricForm(forms.Form):
    weight = forms.DecimalField(
        label="Weight (kg)", required=False, widget=forms.NumberInput({"step": "0.1", "inputmode": "decimal"})
    )
    heart_rate = forms.IntegerField(
        label="Resting heart rate (bpm)", required=False, widget=forms.NumberInput({"inputmode": "numeric"})
    )
    body_fat = forms.DecimalField(
        label="Body fat (%)", required=False, widget=forms.NumberInput({"step": "0.1", "inputmode": "decimal"})
    )
    recorded_at = forms.DateTimeField(
        label="Measured at",
        required=False,
        widget=NativeDateTimeInput(),
        help_text="Leave as it is for now, or enter an earlier time to back-date the entry.",
    )


class ConfirmForm(forms.Form):
    """A confirmation button: nothing to type, but a place to show why the action was refused."""


class LateCancelForm(ConfirmForm):
    """Giving a place up: one tap, unless it is late; then the button of the page that says the cost sends
    ``late_confirmed``."""

    late_confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class WeekForm(forms.Form):
    """The first day of the week view (``?start=``); unreadable or missing, the week starts today."""

    start = forms.DateField(required=False)


DURATION_CHOICES = [(30, "30 minutes"), (45, "45 minutes"), (60, "1 hour"), (90, "1½ hours"), (120, "2 hours")]
DEFAULT_DURATION = 60
SLOT_REQUIRED = "Choose one of the free times listed."


class SlotSearchForm(forms.Form):
    """Which day and how long: the free slots of a trainer are listed for these."""

    date = forms.DateField(label="Day", widget=NativeDateInput())
    duration = forms.TypedChoiceField(label="Length", choices=DURATION_CHOICES, coerce=int)

    @classmethod
    def from_query(cls, query) -> tuple[datetime.date | None, int]:
        """The day (held between today and a year ahead) and length asked for in the query string: no day when
        none was asked for or it is unreadable (the page picks one), an hour when the length is missing or wrong."""
        form = cls(data={"date": query.get("date") or "", "duration": query.get("duration") or DEFAULT_DURATION})
        form.is_valid()  # each field that reads well is kept, whatever the other
        day = form.cleaned_data.get("date")
        return (slot_search_day(day) if day else None), form.cleaned_data.get("duration", DEFAULT_DURATION)


class SlotForm(forms.Form):
    """The slot chosen from the list; carried as hidden fields to the confirmation."""

    start_time = forms.DateTimeField(widget=forms.HiddenInput)
    duration = forms.TypedChoiceField(choices=DURATION_CHOICES, coerce=int, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        # Hidden fields have no place to show an error; say it above the form instead.
        if "start_time" not in cleaned or "duration" not in cleaned:
            raise forms.ValidationError(SLOT_REQUIRED)
        try:
            self.span()
        except OverflowError as error:  # the last day a datetime can hold
            raise forms.ValidationError(SLOT_REQUIRED) from error
        return cleaned

    def span(self) -> tuple[datetime.datetime, datetime.datetime]:
        start = self.cleaned_data["start_time"]
        return start, start + datetime.timedelta(minutes=self.cleaned_data["duration"])


class PTSessionForm(SlotForm):
    room = forms.ModelChoiceField(
        label="Where",
        queryset=Room.objects.none(),
        required=False,
        empty_label="Online (video call)",
        help_text="Rooms free at that time, or online.",
    )

    def __init__(self, *args, rooms=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rooms is not None:
            self.fields["room"].queryset = rooms


class PTBookForm(PTSessionForm):
    notes = forms.CharField(
        label="Notes for the trainer",
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 3}),
        help_text="Optional: what you would like to work on.",
    )


class FreezeForm(forms.Form):
    """The days a member puts their membership on hold; ``membership_freeze`` decides whether they may."""

    starts_on = forms.DateField(label="First frozen day", widget=NativeDateInput())
    ends_on = forms.DateField(
        label="Last frozen day", widget=NativeDateInput(), help_text="Your membership runs again the day after."
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=200,
        help_text="Optional: travel, injury…",
    )


class FreezeEndForm(forms.Form):
    """The day a frozen member comes back; ``membership_freeze_end`` checks it lies within the freeze."""

    back_on = forms.DateField(
        label="Back on", widget=NativeDateInput(), help_text="The first day your membership runs (and is billed) again."
    )
