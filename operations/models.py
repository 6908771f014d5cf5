"""Staff, rooms, equipment and the one calendar of bookings that classes and PT sessions share."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from clubsite.core.db import TsTzRange, text_limit


class AdminStaff(models.Model):
    class Role(models.TextChoices):
        MANAGER = "manager", "Manager"
        FRONT_DESK = "front_desk", "Front desk"
        MAINTENANCE = "maintenance", "Maintenance"
        BILLING = "billing", "Billing"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="admin_staff")
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = "admin staff member"
        verbose_name_plural = "admin staff"
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Room(models.Model):
    name = models.CharField(max_length=80, unique=True)
    location = models.CharField(max_length=120, blank=True)
    capacity = models.PositiveIntegerField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gt=0),
                name="operations_room_capacity_positive",
                violation_error_message="A room holds at least one person.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Equipment(models.Model):
    class Status(models.TextChoices):
        WORKING = "working", "Working"
        BROKEN = "broken", "Broken"
        IN_REPAIR = "in_repair", "In repair"

    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="equipment")
    name = models.CharField(max_length=120)
    asset_tag = models.CharField(max_length=40, unique=True)
    # Follows the open maintenance records (operations.services.maintenance_*).
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.WORKING)

    class Meta:
        ordering = ["room__name", "name"]
        verbose_name_plural = "equipment"

    def __str__(self) -> str:
        return f"{self.name} ({self.asset_tag})"


class MaintenanceRecord(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        RESOLVED = "resolved", "Resolved"

    equipment = models.ForeignKey(Equipment, on_delete=models.CASCADE, related_name="maintenance_records")
    issue_description = models.TextField(max_length=2000)
    reported_at = models.DateTimeField(default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_notes = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["equipment", "status"], name="operations_maint_equip_status")]
        constraints = [
            text_limit("operations_maintenancerecord", "issue_description", 2000),
            text_limit("operations_maintenancerecord", "resolution_notes", 2000),
            models.CheckConstraint(
                condition=(Q(status="resolved") & Q(resolved_at__isnull=False))
                | (~Q(status="resolved") & Q(resolved_at__isnull=True)),
                name="operations_maintenancerecord_resolved_at_iff_resolved",
                violation_error_message="A record has a resolution time exactly when it is resolved.",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("reported_at")),
                name="operations_maintenancerecord_resolved_after_reported",
                violation_error_message="A record cannot be resolved before it was reported.",
            ),
        ]

    def __str__(self) -> str:
        # Named in operations.describe, which reads these models (hence imported here, when called).
        from .describe import maintenance_title

        return maintenance_title(self)


class Booking(models.Model):
    """A room and/or trainer taken for a span of time: the one table that knows who is busy when."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        COMPLETED = "completed", "Completed"
        NO_SHOW = "no_show", "No-show"
        CANCELLED = "cancelled", "Cancelled"

    class Kind(models.TextChoices):
        GROUP_CLASS = "class", "Group class"
        PERSONAL_TRAINING = "pt", "Personal training"
        EVENT = "event", "Event"
        CLOSURE = "closure", "Closure"

    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings")
    trainer = models.ForeignKey(
        "trainers.Trainer", on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    start_time = models.DateTimeField()
    end_time = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    title = models.CharField(max_length=120, blank=True, help_text="What an event or closure is for.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start_time"]
        indexes = [
            models.Index(fields=["start_time"], name="operations_booking_start"),
            models.Index(fields=["trainer", "start_time"], name="operations_booking_trainer"),
            models.Index(fields=["room", "start_time"], name="operations_booking_room"),
            # The timetable reads classes by time; PT sessions outnumber them a hundred to one.
            models.Index(fields=["start_time"], condition=Q(kind="class"), name="operations_booking_class_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="operations_booking_end_after_start",
                violation_error_message="The end must be after the start.",
            ),
            models.CheckConstraint(
                condition=Q(room__isnull=False) | Q(trainer__isnull=False),
                name="operations_booking_room_or_trainer",
                violation_error_message="A booking needs a room, a trainer or both.",
            ),
            # Cancelled bookings free their slot; '[)' ranges let one booking end as the next starts.
            ExclusionConstraint(
                name="operations_booking_room_no_overlap",
                expressions=[
                    ("room", RangeOperators.EQUAL),
                    (TsTzRange("start_time", "end_time"), RangeOperators.OVERLAPS),
                ],
                condition=Q(room__isnull=False) & ~Q(status="cancelled"),
                violation_error_message="The room is already booked at that time.",
            ),
            ExclusionConstraint(
                name="operations_booking_trainer_no_overlap",
                expressions=[
                    ("trainer", RangeOperators.EQUAL),
                    (TsTzRange("start_time", "end_time"), RangeOperators.OVERLAPS),
                ],
                condition=Q(trainer__isnull=False) & ~Q(status="cancelled"),
                violation_error_message="The trainer is already booked at that time.",
            ),
        ]

    def __str__(self) -> str:
        # Named in operations.describe, which reads these models (hence imported here, when called).
        from .describe import booking_title

        return booking_title(self)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class GroupClass(models.Model):
    class Level(models.TextChoices):
        ALL = "all", "All levels"
        BEGINNER = "beginner", "Beginner"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

    name = models.CharField(max_length=120)
    description = models.TextField(max_length=2000, blank=True)
    # Who the class is pitched at, so a member can choose one before booking.
    level = models.CharField(max_length=16, choices=Level.choices, default=Level.ALL)
    capacity = models.PositiveIntegerField()
    price = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="group_class")
    # Classes created together as a weekly series share this id.
    series = models.UUIDField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name_plural = "group classes"
        ordering = ["booking__start_time"]
        constraints = [
            text_limit("operations_groupclass", "description", 2000),
            models.CheckConstraint(
                condition=Q(capacity__gt=0),
                name="operations_groupclass_capacity_positive",
                violation_error_message="A class has room for at least one member.",
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="operations_groupclass_price_not_negative",
                violation_error_message="A price cannot be negative.",
            ),
        ]

    # Annotated by ``operations.selectors.with_seat_counts``, not columns.
    seated_count: int
    waitlist_count: int

    def __str__(self) -> str:
        from .describe import describe_moment

        return f"{self.name}, {describe_moment(self.booking.start_time)}"

    @property
    def seats_left(self) -> int:
        """Seats still free; needs ``seated_count`` (``operations.selectors.with_seat_counts``)."""
        return max(self.capacity - self.seated_count, 0)


class ClassRegistration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", "Registered"
        WAITLISTED = "waitlisted", "Waitlisted"
        OFFERED = "offered", "Offered a seat"
        CANCELLED = "cancelled", "Cancelled"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "Did not come"

    # Statuses that hold one of the class's seats (enforced by the capacity trigger): an offer holds its seat
    # until it is accepted, declined or expires.
    SEATED = (Status.REGISTERED, Status.ATTENDED, Status.NO_SHOW, Status.OFFERED)
    # A seat the member took (and is billed for): seated, less the offers not accepted yet.
    TAKEN = (Status.REGISTERED, Status.ATTENDED, Status.NO_SHOW)
    # A place still held in a class yet to happen: a seat, an offer or a waitlist place. Cancelling ends it.
    LIVE = (Status.REGISTERED, Status.WAITLISTED, Status.OFFERED)

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="class_registrations")
    group_class = models.ForeignKey(GroupClass, on_delete=models.CASCADE, related_name="registrations")
    registered_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REGISTERED)
    offer_expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="While the seat is offered: when the offer passes to the next on the waitlist.",
    )

    class Meta:
        ordering = ["registered_at", "id"]
        indexes = [
            models.Index(fields=["group_class", "status", "registered_at"], name="operations_reg_class_status"),
            models.Index(fields=["member", "status"], name="operations_reg_member_status"),
            models.Index(
                fields=["offer_expires_at"], condition=Q(status="offered"), name="operations_reg_offer_expiry"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "group_class"],
                condition=~Q(status="cancelled"),
                name="operations_classregistration_one_live_per_member",
                violation_error_message="You are already registered or waitlisted for this class.",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="operations_classregistration_offer_expires",
                violation_error_message="An offered seat has an expiry time.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.group_class} ({self.get_status_display()})"


class PersonalTrainingSession(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="pt_sessions")
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="pt_session")
    price = models.DecimalField(max_digits=10, decimal_places=2)
    notes = models.TextField(max_length=1000, blank=True)
    # What the trainer wrote after the session (operations.services.pt.pt_session_note); the member's own
    # wishes, written when booking, are ``notes``.
    trainer_notes = models.CharField(max_length=4000, blank=True)
    trainer_notes_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "personal training session"
        ordering = ["booking__start_time"]
        constraints = [
            text_limit("operations_personaltrainingsession", "notes", 1000),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="operations_personaltrainingsession_price_not_negative",
                violation_error_message="A price cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        from .describe import describe_moment

        return f"Personal training with {self.member}, {describe_moment(self.booking.start_time)}"
