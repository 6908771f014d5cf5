"""The filters a member narrows the class timetable with: day, trainer, room and class name."""

from __future__ import annotations

import django_filters
from django import forms

from operations.models import GroupClass, Room
from trainers.models import Trainer


class TimetableFilter(django_filters.FilterSet):
    date = django_filters.DateFilter(
        field_name="booking__start_time",
        lookup_expr="date",
        label="Day",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    trainer = django_filters.ModelChoiceFilter(
        field_name="booking__trainer",
        queryset=Trainer.objects.filter(is_active=True).select_related("user").order_by(
            "user__first_name", "user__last_name"
        ),
        label="Trainer",
        empty_label="Any trainer",
    )
    room = django_filters.ModelChoiceFilter(
        field_name="booking__room", queryset=Room.objects.order_by("name"), label="Room", empty_label="Any room"
    )
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Class name")

    class Meta:
        model = GroupClass
        fields = ["date", "trainer", "room", "name"]
