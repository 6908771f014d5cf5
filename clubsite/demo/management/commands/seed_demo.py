"""Fill the database with a realistic club around today's date, for trying the site.

What lies ahead (availability, classes, registrations, PT bookings, invoices, freezes, notice, plan changes) is
created through the services, so the demo obeys the same rules as real use. What lies behind (past classes,
completed sessions, past freezes, metric history, the morning's visits) cannot be booked any more, so it is
written as history directly; the seats of past classes are still paid for by the billing rule (``cover_seat``),
arrivals mark attendance through ``class_checkin`` and roll calls are taken through ``class_attendance_mark``,
so plans, credits, drop-ins and no-show fees agree with the bills. Times the services stamp with "now" (an
invoice's creation, a member's sign-up, a maintenance report) are moved back to when they happened.

Today is a club day: classes from early morning to evening (those over have their roll call, those to come
their bookings, some full with a waitlist), the desk's check-ins up to now, rooms taken by events and closures,
trainers' PT sessions with free slots left. Behind it: members who joined over the last year and a half (and
some who left), eight weeks of classes, six months of monthly bills paid on many days, some late, some overdue.

The demo member (member@clubsite.test) is on "Classes 8" with class credits, has bookings only in the next three
days (so a freeze from the fourth day on is allowed and shows the lower bill), a seat offered from a waitlist in
a class tomorrow, and a class starting about 20 minutes after the seed ran, for the front desk's check-in.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from billing import services as billing
from billing.errors import BillingError
from billing.models import BillingRun, Invoice, MembershipFreeze, MembershipPlan, Payment
from billing.selectors import membership_states, payment_reminders_due
from clubsite.accounts.models import User
from clubsite.accounts.roles import two_factor_required
from clubsite.accounts.twofactor.services import totp_device_install
from clubsite.audit.context import audit_context
from clubsite.core import events
from clubsite.core.clock import add_months, club_datetime, club_time, month_end, month_start
from clubsite.frontdesk import services as frontdesk
from clubsite.frontdesk.models import Visit
from members import services as members
from members.models import FitnessGoal, HealthMetric, Member, MetricsConsent
from operations import selectors as scheduling
from operations import services as operations
from operations.models import (
    AdminStaff,
    Booking,
    ClassRegistration,
    Equipment,
    GroupClass,
    MaintenanceRecord,
    PersonalTrainingSession,
    Room,
)
from operations.services.checkin import class_checkin
from operations.staff import staff_set_role
from trainers.models import Trainer, TrainerAvailability

DEMO_PASSWORD = "clubsite-demo"
# The demo's two-factor secret (base32, documented in the README): never use it for a real account.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEMO_MEMBER_EMAIL = "member@clubsite.test"
DEMO_TRAINER_EMAIL = "trainer@clubsite.test"
DEMO_ADMIN_EMAIL = "admin@clubsite.test"
DESK_EMAIL = "frontdesk@clubsite.test"
BILLING_EMAIL = "billing@clubsite.test"

MEMBER_COUNT = 64
AVAILABILITY_DAYS = 14
#: Members joined over the last year and a half (joins per month make a chart); the demo member ten months ago.
JOIN_DAYS = 540
DEMO_MEMBER_JOINED_DAYS_AGO = 300
#: Over the last year one or two members left each month (leavers per month).
LEAVER_MONTHS = 12
#: Eight weeks of classes with their roll calls (attendance rate, class fill), and of front-desk visits; the
#: last four with three classes a day, the four before with two.
HISTORY_DAYS = 56
BUSY_HISTORY_DAYS = 28
#: Six months of monthly bills, paid over the days after each was issued (revenue by day and by month).
BILLING_MONTHS = 6
#: A measurement a week or so, at most this far back: body fat moves by under a point, weight by tenths of a kg.
METRIC_DAYS = 182
TENTH = Decimal("0.1")

DEMO_PLAN = "Classes 8"
PLANS = [
    # name, monthly fee, joining fee, classes included, classes a month, minimum term, notice, description
    ("Off-Peak Gym", Decimal("25.00"), Decimal("0.00"), "none", None, 0, 1, "Weekdays before 16:00 and weekends."),
    ("Student", Decimal("30.00"), Decimal("10.00"), "allowance", 4, 0, 1, "The gym and four classes a month."),
    (DEMO_PLAN, Decimal("45.00"), Decimal("20.00"), "allowance", 8, 3, 1, "The gym and eight classes a month."),
    ("Unlimited", Decimal("65.00"), Decimal("20.00"), "unlimited", None, 12, 1, "The gym and every group class."),
]
PACKS = [
    # name, credits, price, valid days
    ("5-class pack", 5, Decimal("40.00"), 90),
    ("10-class pack", 10, Decimal("70.00"), 180),
]
#: The demo member books only in the next few days: a freeze from the day after may start at once.
DEMO_BOOKING_DAYS = 3
#: The demo member's class today starts this long after the seed runs (the front desk checks them in for it).
SOON_MINUTES = 22
ROOMS = [
    # name, location, capacity, equipment
    ("Main Studio", "Ground floor", 30, ["Sound system", "Mirror wall", "Step set"]),
    ("Spin Room", "First floor", 16, ["Spin bike", "Spin bike", "Spin bike", "Spin bike"]),
    ("Yoga Loft", "Second floor", 20, ["Yoga mat set", "Heater"]),
    ("Strength Zone", "Ground floor", 12, ["Squat rack", "Bench press", "Rowing machine"]),
    ("PT Suite", "First floor", 4, ["Cable machine", "Treadmill"]),
]
TRAINERS = [
    # email, first, last, specialization, hourly rate
    (DEMO_TRAINER_EMAIL, "Tara", "Mendes", "Strength & conditioning", Decimal("45.00")),
    ("sam.okafor@clubsite.test", "Sam", "Okafor", "HIIT", Decimal("40.00")),
    ("lena.fischer@clubsite.test", "Lena", "Fischer", "Yoga", Decimal("42.00")),
    ("raj.patel@clubsite.test", "Raj", "Patel", "Spin & endurance", Decimal("38.00")),
    ("mia.kowalski@clubsite.test", "Mia", "Kowalski", "Pilates", Decimal("44.00")),
    ("owen.hughes@clubsite.test", "Owen", "Hughes", "Rehabilitation", Decimal("50.00")),
]
# name, room, minutes, capacity, price, trainer index
CLASS_TYPES = [
    ("Sunrise Yoga", "Yoga Loft", 60, 18, Decimal("0.00"), 2),
    ("Spin Express", "Spin Room", 45, 4, Decimal("6.00"), 3),
    ("HIIT Blast", "Main Studio", 45, 20, Decimal("8.00"), 1),
    ("Pilates Core", "Yoga Loft", 50, 3, Decimal("7.50"), 4),
    ("Barbell Club", "Strength Zone", 60, 10, Decimal("10.00"), 0),
    ("Mobility & Recovery", "Main Studio", 45, 25, Decimal("0.00"), 5),
]
#: Who each class type is for, as the member's class page shows it.
CLASS_LEVELS = {
    "Sunrise Yoga": GroupClass.Level.BEGINNER,
    "Spin Express": GroupClass.Level.INTERMEDIATE,
    "HIIT Blast": GroupClass.Level.ADVANCED,
    "Pilates Core": GroupClass.Level.ALL,
    "Barbell Club": GroupClass.Level.INTERMEDIATE,
    "Mobility & Recovery": GroupClass.Level.ALL,
}
CLASS_HOURS = [(7, 0), (9, 30), (12, 15), (18, 0), (19, 30)]
#: The past days' timetable: the early, the mid-morning and the evening class (the mid-morning one only lately).
HISTORY_SLOTS = [(7, 0), (9, 30), (18, 0)]
#: Today's timetable, early morning to evening (hour, minute, index into CLASS_TYPES): whatever the hour the seed
#: runs, some are over (with their roll call), some under way, some to come; the small ones fill up.
TODAY_CLASSES = [
    (6, 45, 1),
    (7, 0, 0),
    (8, 30, 2),
    (9, 30, 3),
    (10, 0, 4),
    (12, 15, 2),
    (12, 30, 1),
    (13, 0, 5),
    (17, 30, 1),
    (18, 0, 4),
    (18, 15, 3),
    (18, 30, 2),
    (19, 30, 5),
    (20, 0, 1),
]
#: Today's room bookings besides the classes (room, hour, minute, minutes, kind, title).
TODAY_ROOM_BOOKINGS = [
    ("Strength Zone", 8, 0, 60, Booking.Kind.EVENT, "New staff induction"),
    ("Spin Room", 10, 30, 60, Booking.Kind.CLOSURE, "Deep clean"),
    ("PT Suite", 12, 0, 60, Booking.Kind.CLOSURE, "Treadmill service"),
    ("Main Studio", 14, 0, 120, Booking.Kind.EVENT, "Kids' birthday party"),
    ("Yoga Loft", 15, 0, 90, Booking.Kind.EVENT, "Meditation workshop"),
    ("Strength Zone", 16, 0, 90, Booking.Kind.EVENT, "Powerlifting meet-up"),
]
#: Today's PT sessions (hour, trainer index, in the PT Suite or online): the trainers keep free hours between.
TODAY_PT = [(8, 0, True), (11, 5, True), (14, 0, True), (15, 2, False), (16, 5, True), (19, 0, True)]
#: Maintenance reports (equipment index, days ago, what is wrong, status, days to resolve, resolution).
MAINTENANCE = [
    (3, 2, "Resistance knob slips at high settings.", MaintenanceRecord.Status.OPEN, None, ""),
    (9, 9, "Safety pin missing on the left side.", MaintenanceRecord.Status.IN_PROGRESS, None, ""),
    (13, 20, "Belt squeaks above 12 km/h.", MaintenanceRecord.Status.RESOLVED, 3, "Belt tensioned and lubricated."),
    (0, 0.2, "Left speaker crackles at high volume.", MaintenanceRecord.Status.OPEN, None, ""),
    (8, 24, "Heater takes 40 minutes to warm the room.", MaintenanceRecord.Status.OPEN, None, ""),
    (11, 41, "Display stays blank after a battery change.", MaintenanceRecord.Status.IN_PROGRESS, None, ""),
    (4, 1, "Pedal clip cracked on the right pedal.", MaintenanceRecord.Status.OPEN, None, ""),
    (1, 63, "Crack in the bottom corner of the third panel.", MaintenanceRecord.Status.OPEN, None, ""),
    (7, 30, "Three mats worn through.", MaintenanceRecord.Status.RESOLVED, 5, "Mats replaced."),
]
# fmt: off
FIRST_NAMES = [
    "Alice", "Ben", "Chloe", "Daniel", "Ella", "Finn", "Grace", "Harry", "Isla", "Jack", "Kate", "Leo",
    "Maya", "Noah", "Olivia", "Priya", "Quinn", "Ruby", "Samir", "Tess", "Umar", "Vera", "Will", "Yasmin",
]
LAST_NAMES = [
    "Roberts", "Bobrov", "Clarke", "Davies", "Evans", "Foster", "Green", "Hall", "Iqbal", "Jones", "Khan",
    "Lewis", "Morgan", "Nguyen", "Owens", "Price", "Quinn", "Reid", "Singh", "Taylor", "Usher", "Vance",
]
# fmt: on


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return club_datetime(day, datetime.time(hour, minute))


def _tenth(value: float | Decimal) -> Decimal:
    """A measurement as the scales show it: one decimal."""
    return Decimal(str(value)).quantize(TENTH)


class Command(BaseCommand):
    help = "Create demo data around today's date (safe to run again: it does nothing the second time)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only seed a database that has no users at all (used by `make run`).",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and User.objects.exists():
            self.stdout.write("The database already has users; leaving it as it is.")
            return
        if User.objects.filter(email__iexact=DEMO_ADMIN_EMAIL).exists():
            self.stdout.write("Demo data is already present; nothing to do.")
            return
        self.random = random.Random(2026)
        # One moment for the whole seed: what is "over" and what is "to come" today is decided against it.
        self.now = timezone.now()
        self.today = club_time(self.now).date()
        steps = [
            ("staff and plans", self._seed_staff_and_plans),
            ("rooms, equipment and maintenance", self._seed_rooms),
            ("trainers and availability", self._seed_trainers),
            ("members, joiners and leavers, goals and metric history", self._seed_members),
            ("eight weeks of classes, sessions and visits", self._seed_history),
            ("today: classes, check-ins, room bookings, PT", self._seed_today),
            ("upcoming classes and registrations", self._seed_upcoming_classes),
            ("the demo member's offer", self._seed_demo_member_scenes),
            ("personal training bookings", self._seed_pt_sessions),
            ("six months of invoices and payments", self._seed_billing),
            ("notice, plan changes and freezes", self._seed_membership_changes),
            ("demo passwords", self._set_passwords),
        ]
        # The demo's members never booked anything: no confirmation or webhook goes out for its history. Its writes
        # are in the audit trail as the command's, not as anonymous SQL.
        with transaction.atomic(), events.muted(), audit_context(door="command", actor_label="seed_demo"):
            for number, (label, step) in enumerate(steps, start=1):
                self.stdout.write(f"[{number}/{len(steps)}] {label}…", ending="")
                self.stdout.flush()
                summary = step()
                self.stdout.write(f" {summary}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo club ready. Sign in with {DEMO_MEMBER_EMAIL}, {DEMO_TRAINER_EMAIL} or "
                f"{DEMO_ADMIN_EMAIL}, password {DEMO_PASSWORD!r}. {DEMO_ADMIN_EMAIL} and {BILLING_EMAIL} "
                f"also need a code from an authenticator app given the secret {DEMO_TOTP_SECRET} (see the README)."
            )
        )

    def _set_passwords(self) -> str:
        # Users are created without a password and given one hash here: hashing it once per user
        # would make seeding take most of a minute for nothing. Members' sign-up dates were moved back.
        created_by_this_run = User.objects.filter(Q(date_joined__gte=self.now) | Q(member__in=self.members))
        updated = created_by_this_run.update(password=make_password(DEMO_PASSWORD))
        return f"{updated} accounts"

    # -- people and places -------------------------------------------------------------------

    def _seed_staff_and_plans(self) -> str:
        admin = User.objects.create_superuser(
            email=DEMO_ADMIN_EMAIL, password=None, first_name="Alex", last_name="Admin"
        )
        # Through the staff-role service: each person gets their role's group (its permissions) and is_staff.
        staff_set_role(user=admin, role=AdminStaff.Role.MANAGER)
        for email, first, last, role in [
            (DESK_EMAIL, "Fran", "Desk", AdminStaff.Role.FRONT_DESK),
            ("maintenance@clubsite.test", "Max", "Wrench", AdminStaff.Role.MAINTENANCE),
            (BILLING_EMAIL, "Bea", "Ledger", AdminStaff.Role.BILLING),
        ]:
            user = User.objects.create_user(email=email, password=None, first_name=first, last_name=last)
            staff_set_role(user=user, role=role)
        # The admin and the billing clerk must sign in with a second factor: enrolled with the documented secret
        # (README), so an authenticator app given it, or `python -c` with django_otp.oath.totp, makes their codes.
        for user in User.objects.filter(email__in=[DEMO_ADMIN_EMAIL, BILLING_EMAIL]):
            if two_factor_required(user):
                totp_device_install(user=user, secret=DEMO_TOTP_SECRET)
        self.plans = {
            name: billing.membership_plan_create(
                name=name,
                monthly_fee=fee,
                joining_fee=joining,
                classes=classes,
                classes_per_month=per_month,
                minimum_term_months=term,
                notice_months=notice,
                description=text,
            )
            for name, fee, joining, classes, per_month, term, notice, text in PLANS
        }
        self.packs = {
            name: billing.class_pack_create(name=name, credits=credits, price=price, valid_days=days)
            for name, credits, price, days in PACKS
        }
        return f"4 staff, {len(self.plans)} plans, {len(self.packs)} class packs"

    def _seed_rooms(self) -> str:
        self.rooms = {}
        equipment = []
        for name, location, capacity, kit in ROOMS:
            room = Room.objects.create(name=name, location=location, capacity=capacity)
            self.rooms[name] = room
            for index, item in enumerate(kit, start=1):
                tag = f"{''.join(word[0] for word in name.split())}-{index:03d}"
                equipment.append(Equipment.objects.create(room=room, name=item, asset_tag=tag))
        reporter = User.objects.get(email="maintenance@clubsite.test")
        for index, days_ago, text, final_status, days_to_fix, notes in MAINTENANCE:
            record = operations.maintenance_record_create(
                equipment=equipment[index], issue_description=text, reported_by=reporter
            )
            if final_status != MaintenanceRecord.Status.OPEN:
                record = operations.maintenance_record_set_status(
                    record=record, status=MaintenanceRecord.Status.IN_PROGRESS
                )
            if final_status == MaintenanceRecord.Status.RESOLVED:
                record = operations.maintenance_record_set_status(
                    record=record, status=final_status, resolution_notes=notes
                )
            # The service stamps the report (and the fix) now; these were reported over the last weeks.
            reported_at = self.now - datetime.timedelta(days=days_ago, hours=self.random.randint(0, 3))
            resolved_at = reported_at + datetime.timedelta(days=days_to_fix) if days_to_fix is not None else None
            MaintenanceRecord.objects.filter(pk=record.pk).update(reported_at=reported_at, resolved_at=resolved_at)
        rooms_reported = {equipment[index].room_id for index, *_rest in MAINTENANCE}
        return (
            f"{len(self.rooms)} rooms, {len(equipment)} pieces of equipment, {len(MAINTENANCE)} maintenance records "
            f"in {len(rooms_reported)} rooms"
        )

    def _seed_trainers(self) -> str:
        self.trainers = []
        for email, first, last, specialization, rate in TRAINERS:
            user = User.objects.create_user(email=email, password=None, first_name=first, last_name=last)
            self.trainers.append(
                Trainer.objects.create(
                    user=user, specialization=specialization, hourly_rate=rate, phone="020 7946 0" + email[:3]
                )
            )
        # Past windows, and today's (it began this morning), are history: the service takes only future ones.
        # Today's runs into the evening, later when the seed runs late, so the class at hand and a free PT slot
        # still lie inside it.
        today_start = min(_at(self.today, 6), self.now - datetime.timedelta(hours=1))
        today_end = max(
            _at(self.today, 21), (self.now + datetime.timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
        )
        past = [
            TrainerAvailability(trainer=trainer, start_time=_at(day, 6), end_time=_at(day, 21))
            for trainer in self.trainers
            for day in (self.today + datetime.timedelta(days=offset) for offset in range(-HISTORY_DAYS, 0))
        ]
        past += [
            TrainerAvailability(trainer=trainer, start_time=today_start, end_time=today_end)
            for trainer in self.trainers
        ]
        TrainerAvailability.objects.bulk_create(past)
        windows = len(past)
        for trainer in self.trainers:
            first_upcoming = self.today + datetime.timedelta(days=1)
            operations.availability_create_weekly(
                trainer=trainer, start_time=_at(first_upcoming, 6), end_time=_at(first_upcoming, 21), weeks=2
            )
            for offset in range(2, AVAILABILITY_DAYS + 1):
                if offset in (1, 8):
                    continue  # created by the weekly repeat above
                day = self.today + datetime.timedelta(days=offset)
                operations.availability_create(trainer=trainer, start_time=_at(day, 6), end_time=_at(day, 21))
            windows += AVAILABILITY_DAYS
        return f"{len(self.trainers)} trainers, {windows} availability windows"

    def _seed_members(self) -> str:
        self.members = []
        self.joined: dict[int, datetime.date] = {}
        self.left: dict[int, datetime.date] = {}
        people = [("Morgan", "Member", DEMO_MEMBER_EMAIL)]
        used = set()
        while len(people) < MEMBER_COUNT:
            first, last = self.random.choice(FIRST_NAMES), self.random.choice(LAST_NAMES)
            if (first, last) in used:
                continue
            used.add((first, last))
            people.append((first, last, f"{first}.{last}@example.com".lower()))
        metrics = []
        for index, (first, last, email) in enumerate(people):
            member = members.member_create(
                email=email,
                password=None,
                first_name=first,
                last_name=last,
                date_of_birth=datetime.date(self.random.randint(1960, 2004), self.random.randint(1, 12), 15),
                gender=self.random.choice([choice for choice, _ in Member.Gender.choices]),
                phone=f"07700 {self.random.randint(100000, 999999)}",
                # Most members consented to processing their health metrics at sign-up; one in eight did not,
                # so the demo shows the refusal (their metrics page asks for consent instead of the form).
                metrics_consent=index % 8 != 5,
            )
            self.members.append(member)
            # Joins spread evenly over the last year and a half, a few days apart, the newest two this month.
            if index == 0:
                days_ago = DEMO_MEMBER_JOINED_DAYS_AGO
            elif index <= 2:
                days_ago = self.random.randint(1, max(self.today.day - 1, 1))
            else:
                days_ago = 2 + (index - 1) * (JOIN_DAYS - 8) // (MEMBER_COUNT - 2) + self.random.randint(0, 6)
            joined_on = self.today - datetime.timedelta(days=days_ago)
            self.joined[member.pk] = joined_on
            signed_up = _at(joined_on, self.random.randint(7, 20), self.random.randint(0, 59))
            # Sign-up stamps the account now; these people signed up over the months.
            User.objects.filter(pk=member.user_id).update(date_joined=signed_up)
            Member.objects.filter(pk=member.pk).update(created_at=signed_up)
            MetricsConsent.objects.filter(member=member).update(given_at=signed_up)
            history = self._metric_history(member, joined_on)
            if index % 8 != 5:  # no consent, no metrics: the goal below still reads the weight they started at
                metrics += history
            weight = history[-1].weight
            assert weight is not None  # every measurement has one
            goal_type = self.random.choice(
                [
                    FitnessGoal.GoalType.LOSE_WEIGHT,
                    FitnessGoal.GoalType.REDUCE_BODY_FAT,
                    FitnessGoal.GoalType.GAIN_MUSCLE,
                ]
            )
            target, unit = {
                FitnessGoal.GoalType.LOSE_WEIGHT: (weight - 5, "kg"),
                FitnessGoal.GoalType.REDUCE_BODY_FAT: (Decimal("18.0"), "%"),
                FitnessGoal.GoalType.GAIN_MUSCLE: (weight + 3, "kg"),
            }[goal_type]
            goal = members.goal_create(
                member=member,
                goal_type=goal_type,
                target_value=target,
                unit=unit,
                target_date=self.today + datetime.timedelta(days=self.random.randint(30, 180)),
            )
            FitnessGoal.objects.filter(pk=goal.pk).update(
                created_at=min(signed_up + datetime.timedelta(days=2), self.now)
            )
            plan = (
                self.plans[DEMO_PLAN] if email == DEMO_MEMBER_EMAIL else self.random.choice(list(self.plans.values()))
            )
            billing.membership_start(member=member, plan=plan, started_on=joined_on)
        # The metric history is written in one statement; the trigger keeps last_metric_at right.
        HealthMetric.objects.bulk_create(metrics)
        leavers = self._seed_leavers()
        packs, freezes = self._seed_packs_and_past_freezes()
        return (
            f"{len(self.members)} members on {len(self.plans)} plans (joined over {JOIN_DAYS // 30} months, "
            f"{leavers} left), {len(metrics)} health metrics, {packs} class packs bought, {freezes} past freezes"
        )

    def _metric_history(self, member: Member, joined_on: datetime.date) -> list[HealthMetric]:
        """A measurement every week or so since joining (at most ``METRIC_DAYS``): each member's weight and body
        fat drift along a trend of their own, by tenths of a kg and under a point of body fat a week."""
        weight = _tenth(self.random.uniform(55, 105))
        body_fat = _tenth(self.random.uniform(14, 32))
        heart_rate = self.random.randint(56, 80)
        weight_trend = self.random.choice([-0.4, -0.25, -0.1, 0.0, 0.15])
        fat_trend = self.random.choice([-0.35, -0.2, -0.1, 0.0, 0.1])
        day = max(joined_on + datetime.timedelta(days=1), self.today - datetime.timedelta(days=METRIC_DAYS))
        history = []
        while True:
            recorded_at = _at(day, self.random.randint(7, 19), self.random.randint(0, 59))
            if recorded_at >= self.now:
                recorded_at = self.now - datetime.timedelta(hours=1)
            history.append(
                HealthMetric(
                    member=member, weight=weight, heart_rate=heart_rate, body_fat=body_fat, recorded_at=recorded_at
                )
            )
            day += datetime.timedelta(days=self.random.randint(6, 10))
            if day >= self.today:
                return history
            weight = _tenth(float(weight) + weight_trend + self.random.uniform(-0.3, 0.3))
            body_fat = _tenth(min(max(float(body_fat) + fat_trend + self.random.uniform(-0.4, 0.4), 8.0), 40.0))
            heart_rate = min(max(heart_rate + self.random.randint(-2, 2), 50), 90)

    def _seed_leavers(self) -> int:
        """One or two members a month over the last year ended their membership (staff's ``membership_end``)."""
        candidates = self.members[1:]
        self.random.shuffle(candidates)
        leavers = 0
        for months_ago in range(LEAVER_MONTHS):
            first = add_months(month_start(self.today), -months_ago)
            last = min(month_end(first), self.today - datetime.timedelta(days=1))
            if last < first:
                continue  # today is the 1st: nobody has left this month yet
            for _ in range(2 if months_ago % 3 == 0 else 1):
                # Someone who had been a member a couple of months by then.
                leaver = next(
                    (
                        member
                        for member in candidates
                        if member.pk not in self.left and self.joined[member.pk] < first - datetime.timedelta(days=60)
                    ),
                    None,
                )
                if leaver is None:
                    break
                ended_on = first + datetime.timedelta(days=self.random.randint(0, (last - first).days))
                billing.membership_end(membership=leaver.memberships.get(), ended_on=ended_on)
                self.left[leaver.pk] = ended_on
                leavers += 1
        return leavers

    def _members_on(self, day: datetime.date) -> list[Member]:
        """Members (the demo member aside) whose membership ran on ``day``."""
        return [
            member
            for member in self.members[1:]
            if self.joined[member.pk] < day and (member.pk not in self.left or self.left[member.pk] >= day)
        ]

    def _current_members(self) -> list[Member]:
        """Members (the demo member aside) who are members today."""
        return self._members_on(self.today)

    def _seed_packs_and_past_freezes(self) -> tuple[int, int]:
        """Packs bought before the class history (its classes used some credits), and freezes that are over."""
        desk = User.objects.get(email=DESK_EMAIL)
        earliest = self.today - datetime.timedelta(days=HISTORY_DAYS + 20)
        buyers = [self.members[0]] + [
            member
            for index, member in enumerate(self._current_members(), start=1)
            if self.joined[member.pk] < earliest
            and (member.memberships.get().plan.classes == MembershipPlan.Classes.NONE or index % 6 == 0)
        ]
        for index, member in enumerate(buyers):
            pack = self.packs["10-class pack" if index % 2 == 0 else "5-class pack"]
            bought_on = self.today - datetime.timedelta(days=HISTORY_DAYS + self.random.randint(1, 20))
            bought = billing.credit_pack_buy(member=member, pack=pack, today=bought_on)
            # The service issues the pack's invoice now; it was bought, and paid at the desk, that day.
            bought_at = _at(bought_on, self.random.randint(8, 19), self.random.randint(0, 50))
            Invoice.objects.filter(lines__credit_pack=bought).update(
                created_at=bought_at,
                issued_at=bought_at + datetime.timedelta(minutes=1),
                due_date=bought_on + datetime.timedelta(days=settings.INVOICE_DUE_DAYS),
            )
            billing.payment_record(
                invoice=Invoice.objects.get(lines__credit_pack=bought),
                amount=pack.price,
                method=Payment.Method.CARD,
                reference="Class pack at the desk",
                recorded_by=desk,
                received_at=bought_at + datetime.timedelta(minutes=3),
            )
        # The service freezes from today on only: these are history, before the class history.
        past = []
        long_standing = [
            member
            for member in self._current_members()
            if self.joined[member.pk] < self.today - datetime.timedelta(days=HISTORY_DAYS + 60)
        ]
        for member in long_standing[2::7]:
            starts_on = self.today - datetime.timedelta(days=self.random.randint(HISTORY_DAYS + 16, HISTORY_DAYS + 40))
            past.append(
                MembershipFreeze(
                    membership=member.memberships.get(),
                    starts_on=starts_on,
                    ends_on=starts_on + datetime.timedelta(days=self.random.choice([7, 10, 14])),
                    reason=self.random.choice(["Holiday", "Injury", "Working abroad"]),
                )
            )
        MembershipFreeze.objects.bulk_create(past)
        return len(buyers), len(past)

    # -- the calendar --------------------------------------------------------------------------

    def _class_trainer(self, trainer_index: int) -> Trainer:
        return self.trainers[trainer_index]

    def _past_class(
        self, class_type: tuple, start: datetime.datetime, attendees: list[Member]
    ) -> tuple[GroupClass, list[ClassRegistration]]:
        """A class that has begun, written as history with its seats, each paid for as it was when booked
        (billing's ``cover_seat``: the plan within its allowance, else a credit, else a drop-in)."""
        name, room_name, minutes, capacity, price, trainer_index = class_type
        end = start + datetime.timedelta(minutes=minutes)
        booking = Booking.objects.create(
            kind=Booking.Kind.GROUP_CLASS,
            room=self.rooms[room_name],
            trainer=self._class_trainer(trainer_index),
            start_time=start,
            end_time=end,
            status=Booking.Status.COMPLETED if end <= self.now else Booking.Status.SCHEDULED,
            created_at=start - datetime.timedelta(days=14),
        )
        group_class = GroupClass.objects.create(
            name=name,
            description=f"{name} with {self._class_trainer(trainer_index).full_name}.",
            level=CLASS_LEVELS[name],
            capacity=capacity,
            price=price,
            booking=booking,
        )
        seats = ClassRegistration.objects.bulk_create(
            ClassRegistration(
                member=member,
                group_class=group_class,
                status=ClassRegistration.Status.REGISTERED,
                registered_at=start
                - datetime.timedelta(days=self.random.randint(1, 5), hours=self.random.randint(0, 9)),
            )
            for member in dict.fromkeys(attendees)
        )
        for seat in seats:
            billing.cover_seat(seat, start)
        return group_class, seats

    def _fill(self, capacity: int, pool: list[Member], *, keep: int = 0) -> list[Member]:
        """Who booked a class: the small ones full, the others a third to most of their seats."""
        wanted = capacity if capacity <= 4 else round(capacity * self.random.uniform(0.35, 0.85))
        return self.random.sample(pool, max(0, min(wanted - keep, len(pool))))

    def _seed_history(self) -> str:
        """Eight weeks of classes, PT sessions and front-desk visits, with attendance, written as history.

        The roll call is taken through the service, so a no-show of a seat the plan paid for owes its fee like any
        other. Whoever came to a class checked in at the desk a little before it; others came to use the gym.
        """
        classes = sessions = no_shows = 0
        visits = []
        desk = User.objects.get(email=DESK_EMAIL)
        demo_member = self.members[0]
        for offset in range(-HISTORY_DAYS, 0):
            day = self.today + datetime.timedelta(days=offset)
            pool = self._members_on(day)
            came_today: set[int] = set()
            slots = HISTORY_SLOTS if offset >= -BUSY_HISTORY_DAYS else HISTORY_SLOTS[::2]
            for slot, (hour, minute) in enumerate(slots):
                class_type = CLASS_TYPES[(offset + slot) % len(CLASS_TYPES)]
                start = _at(day, hour, minute)
                # One seat stays free for the demo member, who attends every third day.
                demo_attends = slot == 0 and offset % 3 == 0
                attendees = self._fill(class_type[3], pool, keep=1 if demo_attends else 0)
                if demo_attends:
                    attendees.append(demo_member)  # the demo member has a record of classes attended
                group_class, seats = self._past_class(class_type, start, attendees)
                # About one in twelve does not come; the demo member missed one class too.
                absent = {member.pk for member in attendees if self.random.random() < 0.08}
                if offset == -6 and slot == 0:
                    absent.add(demo_member.pk)
                came = [seat.member_id for seat in seats if seat.member_id not in absent]
                operations.class_attendance_mark(group_class=group_class, attended_member_ids=came)
                no_shows += len(seats) - len(came)
                classes += 1
                for member_id in came:
                    visits.append(
                        self._visit(member_id, start - datetime.timedelta(minutes=self.random.randint(5, 25)), desk)
                    )
                    came_today.add(member_id)
            # Others come in for the gym through the day.
            for member in self.random.sample(pool, min(len(pool), self.random.randint(10, 18))):
                if member.pk not in came_today:
                    visits.append(
                        self._visit(member.pk, _at(day, self.random.randint(6, 20), self.random.randint(0, 59)), desk)
                    )
            start = _at(day, 15)
            trainer = self.trainers[offset % len(self.trainers)]
            booking = Booking.objects.create(
                kind=Booking.Kind.PERSONAL_TRAINING,
                room=self.rooms["PT Suite"],
                trainer=trainer,
                start_time=start,
                end_time=start + datetime.timedelta(hours=1),
                status=Booking.Status.COMPLETED,
                created_at=start - datetime.timedelta(days=5),
            )
            PersonalTrainingSession.objects.create(
                member=demo_member if offset % 4 == 0 else self.random.choice(pool),
                booking=booking,
                price=trainer.hourly_rate,
            )
            sessions += 1
        Visit.objects.bulk_create(visits)
        return f"{classes} classes ({no_shows} no-shows), {sessions} PT sessions, {len(visits)} visits"

    def _visit(
        self, member_id: int, at: datetime.datetime, desk: User, status: str = Visit.MembershipStatus.ACTIVE
    ) -> Visit:
        """An arrival at the desk in the past (``visit_record`` stamps now), found as most are: by card."""
        method = self.random.choices([Visit.Method.CARD, Visit.Method.NUMBER, Visit.Method.NAME], weights=[8, 1, 1])[0]
        return Visit(member_id=member_id, checked_in_at=at, checked_in_by=desk, method=method, membership_status=status)

    def _is_free(
        self, *, room: Room | None, trainer: Trainer | None, start: datetime.datetime, end: datetime.datetime
    ) -> bool:
        """Neither the room nor the trainer is taken then (today's timetable bends around the class at hand)."""
        taken = Booking.objects.filter(start_time__lt=end, end_time__gt=start).exclude(status=Booking.Status.CANCELLED)
        if room is not None and taken.filter(room=room).exists():
            return False
        return trainer is None or not taken.filter(trainer=trainer).exists()

    def _seed_today(self) -> str:
        """Today as the desk lives it: the demo member's class about 20 minutes from now, the day's timetable
        around it, arrivals checked in up to now, rooms taken for events and closures, and PT sessions."""
        desk = User.objects.get(email=DESK_EMAIL)
        demo_member = self.members[0]
        pool = self._current_members()
        states = membership_states(member_ids=[member.pk for member in pool], day=self.today)
        # About 20 minutes from now (whatever the hour the seed runs): checking in at the desk marks the demo
        # member attended.
        soon = (self.now + datetime.timedelta(minutes=SOON_MINUTES)).replace(second=0, microsecond=0)
        trainer = self.trainers[1]
        soon_class = operations.class_create(
            name="HIIT Blast",
            description=f"HIIT Blast with {trainer.full_name}.",
            level=CLASS_LEVELS["HIIT Blast"],
            trainer=trainer,
            room=self.rooms["Main Studio"],
            start_time=soon,
            end_time=soon + datetime.timedelta(minutes=45),
            capacity=20,
            price=Decimal("8.00"),
        )
        operations.class_register(member=demo_member, group_class=soon_class)
        early_birds = self._register_some(soon_class, self.random.sample(pool, len(pool)), 6)
        #: What each member already does today that the history rows' clash checks would not see.
        self.busy_today: dict[int, list[tuple[datetime.datetime, datetime.datetime]]] = {}
        over = to_come = seats = for_classes = 0
        came_in: set[int] = set()  # who has checked in today
        for hour, minute, type_index in TODAY_CLASSES:
            class_type = CLASS_TYPES[type_index]
            name, room_name, minutes, capacity, price, trainer_index = class_type
            start = _at(self.today, hour, minute)
            end = start + datetime.timedelta(minutes=minutes)
            room, trainer = self.rooms[room_name], self._class_trainer(trainer_index)
            if not self._is_free(room=room, trainer=trainer, start=start, end=end):
                continue  # the class at hand took its room or trainer
            if start > self.now:
                group_class = operations.class_create(
                    name=name,
                    description=f"{name} with {trainer.full_name}.",
                    level=CLASS_LEVELS[name],
                    trainer=trainer,
                    room=room,
                    start_time=start,
                    end_time=end,
                    capacity=capacity,
                    price=price,
                )
                wanted = capacity + 2 if capacity <= 4 else round(capacity * self.random.uniform(0.4, 0.9))
                seats += len(self._register_some(group_class, self.random.sample(pool, len(pool)), wanted))
                to_come += 1
                continue
            # Begun already: booked as history, everyone free then; whoever came checked in at the desk.
            group_class, registrations = self._past_class(
                class_type, start, self._fill(capacity, self._free_members(pool, start, end))
            )
            seats += len(registrations)
            for seat in registrations:
                self.busy_today.setdefault(seat.member_id, []).append((start, end))
            came = [seat.member_id for seat in registrations if self.random.random() < 0.9]
            for member_id in came:
                arrived = start - datetime.timedelta(minutes=self.random.randint(4, 25))
                Visit.objects.create(
                    member_id=member_id,
                    checked_in_at=arrived,
                    checked_in_by=desk,
                    method=Visit.Method.CARD,
                    membership_status=states[member_id].status,
                )
                # The desk's check-in marks the member attended in the class they came for.
                class_checkin(member=Member(pk=member_id), at=arrived)
                came_in.add(member_id)
                for_classes += 1
            if end <= self.now:
                # The trainer's roll call when the class was over: whoever did not come is a no-show.
                operations.class_attendance_mark(group_class=group_class, attended_member_ids=came)
            over += 1
        rooms_taken = self._seed_today_room_bookings()
        sessions = self._seed_today_pt(pool)
        # Others came in for the gym from opening time up to now; one of the soon class's early birds just now,
        # through the desk's own service (which marks them present in it).
        day_open = _at(self.today, 6, 30)
        moment = day_open + datetime.timedelta(minutes=self.random.randint(0, 10))
        gym_visits = []
        while moment < min(self.now - datetime.timedelta(minutes=3), _at(self.today, 21, 30)):
            member = self.random.choice(pool)
            if member.pk not in came_in:
                came_in.add(member.pk)
                gym_visits.append(self._visit(member.pk, moment, desk, states[member.pk].status))
            moment += datetime.timedelta(minutes=self.random.randint(6, 18))
        Visit.objects.bulk_create(gym_visits)
        if early_birds and day_open < self.now:
            frontdesk.visit_record(member=early_birds[0].member, by=desk, method=Visit.Method.CARD)
        arrivals = for_classes + len(gym_visits) + int(bool(early_birds) and day_open < self.now)
        return (
            f"{over + to_come + 1} classes ({over} begun, {to_come + 1} to come, the demo member's at "
            f"{club_time(soon):%H:%M}), {seats} seats, {arrivals} check-ins ({for_classes} for a class), "
            f"{rooms_taken} room bookings, {sessions} PT sessions"
        )

    def _seed_today_room_bookings(self) -> int:
        """Events and closures in the rooms between today's classes: those begun are history, the rest booked."""
        taken = 0
        for room_name, hour, minute, minutes, kind, title in TODAY_ROOM_BOOKINGS:
            room = self.rooms[room_name]
            start = _at(self.today, hour, minute)
            end = start + datetime.timedelta(minutes=minutes)
            if not self._is_free(room=room, trainer=None, start=start, end=end):
                continue
            if start > self.now:
                operations.room_booking_create(room=room, start_time=start, end_time=end, kind=kind, title=title)
            else:
                Booking.objects.create(
                    room=room,
                    start_time=start,
                    end_time=end,
                    kind=kind,
                    title=title,
                    status=Booking.Status.COMPLETED if end <= self.now else Booking.Status.SCHEDULED,
                    created_at=start - datetime.timedelta(days=7),
                )
            taken += 1
        return taken

    def _seed_today_pt(self, pool: list[Member]) -> int:
        """Today's PT sessions: those begun are history, those to come booked; the trainers keep free hours."""
        sessions = 0
        for hour, trainer_index, in_suite in TODAY_PT:
            trainer = self.trainers[trainer_index]
            room = self.rooms["PT Suite"] if in_suite else None
            start = _at(self.today, hour)
            end = start + datetime.timedelta(hours=1)
            if not self._is_free(room=room, trainer=trainer, start=start, end=end):
                continue
            member = self._free_members(pool, start, end)[0]
            if start > self.now:
                try:
                    operations.pt_session_book(
                        member=member, trainer=trainer, start_time=start, end_time=end, room=room
                    )
                except (operations.SchedulingError, BillingError):
                    continue
            else:
                booking = Booking.objects.create(
                    kind=Booking.Kind.PERSONAL_TRAINING,
                    room=room,
                    trainer=trainer,
                    start_time=start,
                    end_time=end,
                    status=Booking.Status.COMPLETED if end <= self.now else Booking.Status.SCHEDULED,
                    created_at=start - datetime.timedelta(days=3),
                )
                PersonalTrainingSession.objects.create(member=member, booking=booking, price=trainer.hourly_rate)
                self.busy_today.setdefault(member.pk, []).append((start, end))
            sessions += 1
        return sessions

    def _free_members(self, pool: list[Member], start: datetime.datetime, end: datetime.datetime) -> list[Member]:
        """``pool`` shuffled, without whoever is busy between ``start`` and ``end`` today: a class place or PT
        session to come (what the services' clash check sees), or one of today's history rows."""
        booked = ClassRegistration.objects.filter(
            status__in=ClassRegistration.LIVE,
            group_class__booking__status=Booking.Status.SCHEDULED,
            group_class__booking__start_time__lt=end,
            group_class__booking__end_time__gt=start,
        ).values_list("member_id", flat=True)
        training = PersonalTrainingSession.objects.filter(
            booking__status=Booking.Status.SCHEDULED, booking__start_time__lt=end, booking__end_time__gt=start
        ).values_list("member_id", flat=True)
        busy = set(booked) | set(training)
        busy |= {
            member_id
            for member_id, spans in self.busy_today.items()
            if any(b_start < end and b_end > start for b_start, b_end in spans)
        }
        return [member for member in self.random.sample(pool, len(pool)) if member.pk not in busy]

    def _seed_upcoming_classes(self) -> str:
        created = []
        for offset in range(1, AVAILABILITY_DAYS + 1):
            day = self.today + datetime.timedelta(days=offset)
            for slot, (hour, minute) in enumerate(CLASS_HOURS):
                if (offset + slot) % 2:
                    continue  # a realistic timetable, not every slot every day
                class_type = CLASS_TYPES[(offset * 2 + slot) % len(CLASS_TYPES)]
                name, room_name, minutes, capacity, price, trainer_index = class_type
                start = _at(day, hour, minute)
                created.append(
                    operations.class_create(
                        name=name,
                        description=f"{name} with {self._class_trainer(trainer_index).full_name}.",
                        level=CLASS_LEVELS[name],
                        trainer=self._class_trainer(trainer_index),
                        room=self.rooms[room_name],
                        start_time=start,
                        end_time=start + datetime.timedelta(minutes=minutes),
                        capacity=capacity,
                        price=price,
                    )
                )
        registrations = waitlisted = 0
        demo_member = self.members[0]
        pool = self._current_members()
        for index, group_class in enumerate(created):
            # Small classes fill up and gather a waitlist; bigger ones are partly booked.
            capacity = group_class.capacity
            wanted = capacity + 2 if capacity <= 4 else self.random.randint(2, capacity // 2)
            candidates = self.random.sample(pool, wanted)
            class_day = timezone.localtime(group_class.booking.start_time).date()
            # The demo member's bookings stay in the next few days: the days after are free to freeze.
            if index % 2 == 0 and class_day <= self.today + datetime.timedelta(days=DEMO_BOOKING_DAYS):
                candidates.insert(0, demo_member)
            for member in candidates:
                try:
                    registration = operations.class_register(member=member, group_class=group_class)
                except (operations.SchedulingError, BillingError):
                    continue  # the member is busy then; a real member would pick another class
                registrations += 1
                waitlisted += registration.status == ClassRegistration.Status.WAITLISTED
        return f"{len(created)} classes, {registrations} registrations ({waitlisted} waitlisted)"

    def _seed_demo_member_scenes(self) -> str:
        """A seat offered to the demo member in a class tomorrow (their class today is booked with today's)."""
        demo_member = self.members[0]
        others = [member for member in self._current_members() if not member.memberships.filter(freezes__isnull=False)]
        # Tomorrow 16:30, a small spin class: two seats taken, the third given up and offered to the first on the
        # waitlist, the demo member, for the time an offer lasts; one more member waits behind them.
        start = _at(self.today + datetime.timedelta(days=1), 16, 30)
        offered_class = operations.class_create(
            name="Spin Express",
            description="A short, sharp ride.",
            level=CLASS_LEVELS["Spin Express"],
            trainer=self.trainers[3],
            room=self.rooms["Spin Room"],
            start_time=start,
            end_time=start + datetime.timedelta(minutes=45),
            capacity=3,
            price=Decimal("6.00"),
        )
        seated = self._register_some(offered_class, others[::-1], 3)
        # Given up in time: the service frees the seat; inside the cut-off it would offer it, further ahead it
        # seats the next at once. The demo shows the offer, so the seat is written as the offer it would be.
        operations.class_registration_cancel(registration=seated[-1])
        ClassRegistration.objects.create(
            member=demo_member,
            group_class=offered_class,
            status=ClassRegistration.Status.OFFERED,
            offer_expires_at=scheduling.offer_expiry(start),
            registered_at=self.now - datetime.timedelta(hours=5),
        )
        self._register_some(offered_class, [m for m in others[::-1] if m.pk not in {r.member_id for r in seated}], 1)
        return "an offered seat tomorrow"

    def _register_some(self, group_class: GroupClass, members: list[Member], count: int) -> list[ClassRegistration]:
        """Register the first ``count`` of ``members`` who are free then."""
        registered: list[ClassRegistration] = []
        for member in members:
            if len(registered) == count:
                break
            try:
                registered.append(operations.class_register(member=member, group_class=group_class))
            except (operations.SchedulingError, BillingError):
                continue
        return registered

    def _seed_membership_changes(self) -> str:
        """Notice given, plan changes arranged for next month, and freezes to come, through the services."""
        noticed = changed = frozen = 0
        plans = list(self.plans.values())
        for index, member in enumerate(self._current_members(), start=1):
            try:
                if index % 11 == 0:
                    billing.membership_cancel(member=member)
                    noticed += 1
                elif index % 13 == 0:
                    current = member.memberships.get().plan
                    bigger = next((plan for plan in plans if plan.monthly_fee > current.monthly_fee), None)
                    if bigger is not None:
                        billing.membership_change_plan(member=member, plan=bigger)
                        changed += 1
                elif index % 9 == 0:
                    # Beyond the bookings seeded (two weeks ahead), so no booking stands in the way.
                    starts_on = self.today + datetime.timedelta(days=AVAILABILITY_DAYS + 3)
                    billing.membership_freeze(
                        member=member,
                        starts_on=starts_on,
                        ends_on=starts_on + datetime.timedelta(days=13),
                        reason="Holiday",
                    )
                    frozen += 1
            except BillingError:
                continue  # the member's terms refuse it (a minimum term, say); a real member would be told so
        return f"{noticed} gave notice, {changed} change plan next month, {frozen} freezes to come"

    def _seed_pt_sessions(self) -> str:
        booked = 0
        pool = self._current_members()
        for offset in range(1, AVAILABILITY_DAYS + 1, 2):
            day = self.today + datetime.timedelta(days=offset)
            for hour, trainer in zip((10, 14, 16), self.trainers[::2], strict=True):
                # The demo member's session stays in their next few days, like their classes.
                demo_first = booked == 0 and offset <= DEMO_BOOKING_DAYS
                member = self.members[0] if demo_first else self.random.choice(pool)
                try:
                    operations.pt_session_book(
                        member=member,
                        trainer=trainer,
                        start_time=_at(day, hour),
                        end_time=_at(day, hour + 1),
                        room=self.rooms["PT Suite"] if hour != 16 else None,
                    )
                except (operations.SchedulingError, BillingError):
                    continue
                booked += 1
        return f"{booked} upcoming sessions"

    # -- money -----------------------------------------------------------------------------------

    def _seed_billing(self) -> str:
        """Six months of monthly bills, each month's issued on the 1st and paid over the days after: most on time by
        direct debit or card, some late, a few in part or not at all (overdue, with the reminders sent)."""
        this_month = month_start(self.today)
        clerk = User.objects.get(email=BILLING_EMAIL)
        payments = voided = 0
        for months_ago in range(BILLING_MONTHS, 0, -1):
            first = add_months(this_month, -months_ago)
            last = month_end(first)
            # The run starts early on the 1st and has issued everything by nine (or by now, if the seed runs earlier).
            issued_at = min(_at(last + datetime.timedelta(days=1), 9), self.now - datetime.timedelta(minutes=30))
            run_at = issued_at - datetime.timedelta(hours=3)
            if months_ago == 1:
                invoices = self._last_months_run(first, last, run_at, issued_at)
            else:
                drafts = billing.invoice_generate_all(period_start=first, period_end=last)
                # The service stamps its drafts now; the month's run made them early on the 1st.
                Invoice.objects.filter(pk__in=[draft.pk for draft in drafts]).update(created_at=run_at)
                invoices = [billing.invoice_issue(invoice=draft, issued_at=issued_at) for draft in drafts]
            for index, invoice in enumerate(invoices):
                if invoice.status != Invoice.Status.ISSUED:
                    continue  # nothing was owed: settled when issued
                if index == 7 and months_ago in (2, 4, 6):
                    billing.invoice_void(invoice=invoice)  # sent in error; the member was billed by hand instead
                    voided += 1
                    continue
                payments += self._pay(
                    invoice, months_ago=months_ago, surely_unpaid=months_ago == 2 and index == 0, clerk=clerk
                )
        if self.today.day > 1:
            # The demo member also has this month's charges so far, still a draft.
            billing.invoice_generate(
                member=self.members[0], period_start=this_month, period_end=self.today - datetime.timedelta(days=1)
            )
        # What the dunning job would have done on the days behind: marked the overdue ones, sent their reminders.
        overdue = billing.invoices_mark_overdue(today=self.today)
        thresholds = settings.CLUB_DUNNING_REMINDER_DAYS
        for invoice_id, days in payment_reminders_due(today=self.today, days=thresholds):
            billing.invoice_mark_reminded(
                invoice=Invoice(pk=invoice_id), days=days, thresholds=thresholds, today=self.today
            )
        counts = {status: Invoice.objects.filter(status=status).count() for status, _ in Invoice.Status.choices}
        summary = ", ".join(f"{count} {status}" for status, count in counts.items())
        return f"{summary} ({len(overdue)} overdue), {payments} payments (due in {settings.INVOICE_DUE_DAYS} days)"

    def _last_months_run(
        self, first: datetime.date, last: datetime.date, run_at: datetime.datetime, issued_at: datetime.datetime
    ) -> list[Invoice]:
        """Last month's bills, through the billing run as the schedule starts it (the billing page lists it)."""
        run = billing.billing_run(period_start=first, period_end=last, trigger=BillingRun.Trigger.SCHEDULE)
        # The run stamps itself and its invoices now; it ran on the 1st.
        BillingRun.objects.filter(pk=run.pk).update(
            started_at=run_at, finished_at=run_at + datetime.timedelta(minutes=2)
        )
        billed = Invoice.objects.filter(period_start=first, period_end=last).exclude(status=Invoice.Status.DRAFT)
        billed.update(
            created_at=run_at,
            issued_at=issued_at,
            due_date=club_time(issued_at).date() + datetime.timedelta(days=settings.INVOICE_DUE_DAYS),
        )
        return list(billed.order_by("member_id", "pk"))

    def _pay(self, invoice: Invoice, *, months_ago: int, surely_unpaid: bool, clerk: User) -> int:
        """Pay ``invoice`` as its member would have; the number of payments made (0 or 1)."""
        chance = self.random.random()
        # Bills not due yet are paid as they come in; of those past due, the older have mostly been settled.
        assert invoice.issued_at is not None and invoice.due_date is not None  # issued
        if invoice.due_date >= self.today:
            paid_in_full, paid_in_part = 0.55, 0.7
        elif months_ago <= 2:
            paid_in_full, paid_in_part = 0.82, 0.9
        else:
            paid_in_full, paid_in_part = 0.93, 0.97
        demo = invoice.member_id == self.members[0].pk
        if surely_unpaid and not demo or chance >= paid_in_part and not demo:
            return 0  # unpaid: overdue once past its due date
        balance = invoice.balance
        amount = balance if chance < paid_in_full or demo else (balance / 2).quantize(Decimal("0.01"))
        method = (
            Payment.Method.DIRECT_DEBIT
            if demo
            else self.random.choices(
                [Payment.Method.DIRECT_DEBIT, Payment.Method.CARD, Payment.Method.BANK_TRANSFER, Payment.Method.CASH],
                weights=[4, 4, 1, 1],
            )[0]
        )
        # A direct debit is collected three days after the bill; the others pay when they get round to it, some late.
        if method == Payment.Method.DIRECT_DEBIT:
            delay = datetime.timedelta(days=3, hours=self.random.randint(0, 6))
        else:
            days = self.random.choice([0, 1, 1, 2, 3, 5, 7, 10, 13, 16, 21])
            delay = datetime.timedelta(days=days, hours=self.random.randint(1, 10), minutes=self.random.randint(0, 59))
        received_at = invoice.issued_at + delay
        if received_at >= self.now:
            received_at = invoice.issued_at + (self.now - invoice.issued_at) * self.random.uniform(0.2, 0.9)
        reference = {
            Payment.Method.DIRECT_DEBIT: "Direct debit",
            Payment.Method.CARD: "Card payment",
            Payment.Method.BANK_TRANSFER: "Bank transfer",
            Payment.Method.CASH: "Cash at the desk",
        }[method]
        billing.payment_record(
            invoice=invoice,
            amount=amount,
            method=method,
            reference=reference if amount == balance else "Part payment",
            recorded_by=clerk,
            received_at=received_at,
        )
        return 1
