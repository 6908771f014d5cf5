"""Trainers, the windows of time they are available to be booked, their weekly template and their time off."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from clubsite.core.db import DateRange, TsTzRange


class Trainer(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainer")
    specialization = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(condition=Q(hourly_rate__gte=0), name="trainers_trainer_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def full_name(self) -> str:
        return self.user.get_full_name()


class TrainerAvailability(models.Model):
    trainer = models.ForeignKey(Trainer, on_delete=models.CASCADE, related_name="availability")
    start_time = models.DateTimeField()
    end_time = models.DateTimeField()

    class Meta:
        ordering = ["start_time"]
        verbose_name_plural = "trainer availability"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="trainers_traineravailability_end_after_start",
                violation_error_message="The end must be after the start.",
            ),
            # One trainer's windows never overlap; back-to-back windows are fine ('[)' ranges).
            ExclusionConstraint(
                name="trainers_traineravailability_no_overlap",
                expressions=[
                    ("trainer", RangeOperators.EQUAL),
                    (TsTzRange("start_time", "end_time"), RangeOperators.OVERLAPS),
                ],
                violation_error_message="This window overlaps another availability window.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainer}: {self.start_time:%Y-%m-%d %H:%M} – {self.end_time:%H:%M}"


class WeekTimeRange(models.Func):
    """``tsrange`` of a weekday's hours on one fixed reference week (Monday 1 January 2001 + ``weekday`` days):
    two rows of a weekly template overlap exactly when these ranges do ('[)', so back-to-back rows are fine)."""

    # Django has no field for a range of zone-less timestamps; only the constraint's SQL uses this expression.
    output_field = DateTimeRangeField()

    def __init__(self, weekday: str, start: str, end: str, **extra: Any) -> None:
        super().__init__(F(weekday), F(start), F(end), **extra)

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        compiled = [compiler.compile(expression) for expression in self.get_source_expressions()]
        (weekday, weekday_params), (start, start_params), (end, end_params) = compiled
        sql = f"TSRANGE((DATE '2001-01-01' + {weekday}) + {start}, (DATE '2001-01-01' + {weekday}) + {end}, '[)')"
        return sql, [*weekday_params, *start_params, *weekday_params, *end_params]


class WeeklySlot(models.Model):
    """One row of a trainer's weekly template: the hours they usually work on a day of the week (club time).

    Applying the template (``operations.services.availability_apply_template``) turns the rows into availability
    windows for the weeks asked; the rows themselves are bookable by nobody.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    trainer = models.ForeignKey(Trainer, on_delete=models.CASCADE, related_name="weekly_slots")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="trainers_weeklyslot_weekday_valid"),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="trainers_weeklyslot_end_after_start",
                violation_error_message="The end must be after the start.",
            ),
            ExclusionConstraint(
                name="trainers_weeklyslot_no_overlap",
                expressions=[
                    ("trainer", RangeOperators.EQUAL),
                    (WeekTimeRange("weekday", "start_time", "end_time"), RangeOperators.OVERLAPS),
                ],
                violation_error_message="This row overlaps another row of your weekly template.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainer}: {self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class TimeOff(models.Model):
    """Whole club days a trainer is away, both ends included: nobody can book them, no template fills them."""

    trainer = models.ForeignKey(Trainer, on_delete=models.CASCADE, related_name="time_off")
    first_day = models.DateField()
    last_day = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["first_day"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")),
                name="trainers_timeoff_last_on_or_after_first",
                violation_error_message="The last day must be on or after the first.",
            ),
            ExclusionConstraint(
                name="trainers_timeoff_no_overlap",
                expressions=[
                    ("trainer", RangeOperators.EQUAL),
                    (DateRange("first_day", "last_day"), RangeOperators.OVERLAPS),
                ],
                violation_error_message="This overlaps other time off of yours.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainer}: off {self.first_day:%Y-%m-%d} – {self.last_day:%Y-%m-%d}"
