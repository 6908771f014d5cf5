"""The filters a member narrows the class timetable with: day, trainer, room and class name."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from clubsite.widgets import NativeDateInput
from operations.models import GroupClass


class TimetableFilter(django_filters.FilterSet):
    date = django_filters.DateFilter(
        field_name="booking__start_time",
        lookup_expr="date",
        label="Day",
        widget=NativeDateInput(),
    )
    # Typed names rather than drop-downs: a club chain has hundreds of trainers and rooms, and a
    # select listing them all would cost more to render than the timetable itself.
    trainer = django_filters.CharFilter(method="filter_trainer", label="Trainer")
    room = django_filters.CharFilter(field_name="booking__room__name", lookup_expr="icontains", label="Room")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Class name")

    class Meta:
        model = GroupClass
        fields = ["date", "trainer", "room", "name"]

    def filter_trainer(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(booking__trainer__user__first_name__icontains=word)
                | Q(booking__trainer__user__last_name__icontains=word)
            )
        return queryset
