"""Members, their fitness goals and their health-metric history."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import CharField, Func, Q, Value
from django.db.models.functions import Cast, Replace
from django.utils import timezone

from .units import metric_text

WEIGHT_RANGE = (Decimal("20"), Decimal("400"))
HEART_RATE_RANGE = (25, 250)
BODY_FAT_RANGE = (Decimal("2"), Decimal("75"))

#: Random bytes in a member card's code: 12 bytes are 16 URL-safe characters, far too many to guess.
CARD_CODE_BYTES = 12
#: Digits of a member number as staff read and type it (000123); longer numbers simply run on.
NUMBER_DIGITS = 6


def new_card_code() -> str:
    """A fresh, unguessable code for a member card's QR (what the desk's scanner types)."""
    return secrets.token_urlsafe(CARD_CODE_BYTES)


#: What an erased member's account is left with (``members.services.member_anonymise``): a unique address under a
#: domain that can never receive mail, and a pseudonym ("Member 000123") their kept invoices are shown under.
ERASED_EMAIL = "erased-{id}@erased.invalid"
ERASED_FIRST_NAME = "Member"
#: The placeholder date of birth of an erased member (the column is required; the earliest date the club takes).
ERASED_BIRTH_DATE = datetime.date(1900, 1, 1)


#: The database's own random code for a member row inserted outside Django (the bulk seed's COPY-style inserts):
#: a version 4 UUID's 122 random bits as 32 hex digits.
DATABASE_CARD_CODE = Replace(Cast(Func(function="gen_random_uuid"), CharField()), Value("-"), Value(""))


class Member(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        UNDISCLOSED = "undisclosed", "Prefer not to say"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member")
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=12, choices=Gender.choices, default=Gender.UNDISCLOSED)
    phone = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Kept equal to the latest metric's recorded_at by a database trigger (see migrations).
    last_metric_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Reminders are the mail a member may turn off; confirmations, changes and bills always go out.
    remind_classes = models.BooleanField(
        "class reminders",
        default=True,
        db_default=True,
        help_text="Mail a reminder before each class the member has a seat in.",
    )
    remind_pt_sessions = models.BooleanField(
        "personal training reminders",
        default=True,
        db_default=True,
        help_text="Mail a reminder before each personal training session.",
    )
    # What the member card's QR holds: random, not the id, so a card cannot be made up from a member number;
    # a new one (members.services.member_card_rotate) makes a lost phone's card useless.
    card_code = models.CharField(
        max_length=32, unique=True, default=new_card_code, db_default=DATABASE_CARD_CODE, editable=False
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def full_name(self) -> str:
        return self.user.get_full_name()

    @property
    def number(self) -> str:
        """The member number staff read out and type at the desk: the id, zero-padded (000123)."""
        return f"{self.pk:0{NUMBER_DIGITS}d}" if self.pk is not None else ""


class FitnessGoal(models.Model):
    class GoalType(models.TextChoices):
        LOSE_WEIGHT = "lose_weight", "Lose weight"
        GAIN_MUSCLE = "gain_muscle", "Gain muscle"
        REDUCE_BODY_FAT = "reduce_body_fat", "Reduce body fat"
        IMPROVE_ENDURANCE = "improve_endurance", "Improve endurance"
        LOWER_RESTING_HEART_RATE = "lower_resting_hr", "Lower resting heart rate"
        OTHER = "other", "Other"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="goals")
    goal_type = models.CharField(max_length=24, choices=GoalType.choices)
    target_value = models.DecimalField(max_digits=8, decimal_places=2)
    unit = models.CharField(max_length=16, help_text="kg, %, bpm, km, minutes…")
    target_date = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_active", "-created_at"]
        indexes = [models.Index(fields=["member", "is_active"], name="members_goal_member_active")]
        constraints = [
            models.CheckConstraint(condition=Q(target_value__gt=0), name="members_fitnessgoal_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_goal_type_display()}: {metric_text(self.target_value, self.unit)} {self.unit}"


class HealthMetric(models.Model):
    """One measurement. Append-only: the database refuses UPDATE; a correction is a new entry."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="metrics")
    weight = models.DecimalField("weight (kg)", max_digits=5, decimal_places=1, null=True, blank=True)
    heart_rate = models.PositiveSmallIntegerField("heart rate (bpm)", null=True, blank=True)
    body_fat = models.DecimalField("body fat (%)", max_digits=4, decimal_places=1, null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        # The (member_id, recorded_at DESC) index is created by RunSQL in the migrations.
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__isnull=False) | Q(heart_rate__isnull=False) | Q(body_fat__isnull=False),
                name="members_healthmetric_some_value",
                violation_error_message="Enter at least one of weight, heart rate or body fat.",
            ),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | Q(weight__range=WEIGHT_RANGE),
                name="members_healthmetric_weight_range",
                violation_error_message="Weight must be between 20 and 400 kg.",
            ),
            models.CheckConstraint(
                condition=Q(heart_rate__isnull=True) | Q(heart_rate__range=HEART_RATE_RANGE),
                name="members_healthmetric_heart_rate_range",
                violation_error_message="Heart rate must be between 25 and 250 bpm.",
            ),
            models.CheckConstraint(
                condition=Q(body_fat__isnull=True) | Q(body_fat__range=BODY_FAT_RANGE),
                name="members_healthmetric_body_fat_range",
                violation_error_message="Body fat must be between 2 and 75 %.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} at {self.recorded_at:%Y-%m-%d %H:%M}"


class LatestHealthMetric(models.Model):
    """One row per member: their most recent metric. Read-only, over the members_latest_metric view."""

    member = models.OneToOneField(Member, on_delete=models.DO_NOTHING, primary_key=True, related_name="latest_metric")
    metric = models.ForeignKey(HealthMetric, on_delete=models.DO_NOTHING, related_name="+")
    weight = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    heart_rate = models.PositiveSmallIntegerField(null=True)
    body_fat = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    recorded_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "members_latest_metric"

    def __str__(self) -> str:
        return f"Latest metric of {self.member_id}"


class MetricsConsent(models.Model):
    """One consent to processing the member's health metrics: given (with the privacy notice's version) and, once
    withdrawn, closed. The open row (``withdrawn_at`` null, at most one per member: a partial unique index) is the
    consent in force, so whether a metric may be recorded is one indexed read; closed rows are the history."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="metrics_consents")
    notice_version = models.CharField(max_length=20)
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(withdrawn_at__isnull=True), name="members_metricsconsent_one_current"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
                name="members_metricsconsent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        state = "withdrawn" if self.withdrawn_at else "given"
        return f"Metrics consent of {self.member_id} ({state}, notice {self.notice_version})"
