"""Trainers and the windows of time they are available to be booked."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q

from clubsite.core.db import TsTzRange


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
