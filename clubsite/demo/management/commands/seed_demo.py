"""Fill the database with a realistic club around today's date, for trying the site.

What lies ahead (availability, classes, registrations, PT bookings, invoices, freezes, notice, plan changes) is
created through the services, so the demo obeys the same rules as real use. What lies behind (past classes,
completed sessions, past freezes, metric history) cannot be booked any more, so it is written as history
directly; the seats of past classes are still paid for by the billing rule (``cover_seat``) and their roll call
taken through ``class_attendance_mark``, so plans, credits, drop-ins and no-show fees agree with the bills.

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
from django.utils import timezone

from billing import services as billing
from billing.errors import BillingError
from billing.models import Invoice, MembershipFreeze, MembershipPlan
from clubsite.accounts.models import User
from clubsite.core import events
from members import services as members
from members.models import FitnessGoal, HealthMetric, Member
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
from operations.staff import staff_set_role
from trainers.models import Trainer, TrainerAvailability

DEMO_PASSWORD = "clubsite-demo"
DEMO_MEMBER_EMAIL = "member@clubsite.test"
DEMO_TRAINER_EMAIL = "trainer@clubsite.test"
DEMO_ADMIN_EMAIL = "admin@clubsite.test"

MEMBER_COUNT = 48
AVAILABILITY_DAYS = 14
HISTORY_DAYS = 120

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
CLASS_HOURS = [(7, 0), (9, 30), (12, 15), (18, 0), (19, 30)]
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
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


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
        self.today = timezone.localdate()
        self.now = timezone.now()
        steps = [
            ("staff and plans", self._seed_staff_and_plans),
            ("rooms and equipment", self._seed_rooms),
            ("trainers and availability", self._seed_trainers),
            ("members, goals and metric history", self._seed_members),
            ("past classes and sessions", self._seed_history),
            ("upcoming classes and registrations", self._seed_upcoming_classes),
            ("the demo member's offer and class today", self._seed_demo_member_scenes),
            ("personal training bookings", self._seed_pt_sessions),
            ("invoices and payments", self._seed_billing),
            ("notice, plan changes and freezes", self._seed_membership_changes),
            ("demo passwords", self._set_passwords),
        ]
        # The demo's members never booked anything: no confirmation or webhook goes out for its history.
        with transaction.atomic(), events.muted():
            for number, (label, step) in enumerate(steps, start=1):
                self.stdout.write(f"[{number}/{len(steps)}] {label}…", ending="")
                self.stdout.flush()
                summary = step()
                self.stdout.write(f" {summary}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo club ready. Sign in with {DEMO_MEMBER_EMAIL}, {DEMO_TRAINER_EMAIL} or "
                f"{DEMO_ADMIN_EMAIL}, password {DEMO_PASSWORD!r}."
            )
        )

    def _set_passwords(self) -> str:
        # Users are created without a password and given one hash here: hashing it once per user
        # would make seeding take most of a minute for nothing.
        created_by_this_run = User.objects.filter(date_joined__gte=self.now)
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
            ("frontdesk@clubsite.test", "Fran", "Desk", AdminStaff.Role.FRONT_DESK),
            ("maintenance@clubsite.test", "Max", "Wrench", AdminStaff.Role.MAINTENANCE),
            ("billing@clubsite.test", "Bea", "Ledger", AdminStaff.Role.BILLING),
        ]:
            user = User.objects.create_user(email=email, password=None, first_name=first, last_name=last)
            staff_set_role(user=user, role=role)
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
        reporter = User.objects.get(email=DEMO_ADMIN_EMAIL)
        issues = [
            (equipment[3], "Resistance knob slips at high settings.", None),
            (equipment[9], "Safety pin missing on the left side.", MaintenanceRecord.Status.IN_PROGRESS),
            (equipment[12], "Belt squeaks above 12 km/h.", MaintenanceRecord.Status.RESOLVED),
        ]
        for worn, text, final_status in issues:
            record = operations.maintenance_record_create(equipment=worn, issue_description=text, reported_by=reporter)
            if final_status is not None:
                record = operations.maintenance_record_set_status(
                    record=record, status=MaintenanceRecord.Status.IN_PROGRESS
                )
            if final_status == MaintenanceRecord.Status.RESOLVED:
                operations.maintenance_record_set_status(
                    record=record, status=final_status, resolution_notes="Belt tensioned and lubricated."
                )
        return f"{len(self.rooms)} rooms, {len(equipment)} pieces of equipment, {len(issues)} maintenance records"

    def _seed_trainers(self) -> str:
        self.trainers = []
        for email, first, last, specialization, rate in TRAINERS:
            user = User.objects.create_user(email=email, password=None, first_name=first, last_name=last)
            self.trainers.append(
                Trainer.objects.create(
                    user=user, specialization=specialization, hourly_rate=rate, phone="020 7946 0" + email[:3]
                )
            )
        # Past windows are history (the service takes only future ones); upcoming ones go through it.
        windows = 0
        for trainer in self.trainers:
            for offset in range(-HISTORY_DAYS // 4, 0):
                day = self.today + datetime.timedelta(days=offset)
                TrainerAvailability.objects.create(trainer=trainer, start_time=_at(day, 6), end_time=_at(day, 21))
                windows += 1
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
        people = [("Morgan", "Member", DEMO_MEMBER_EMAIL)]
        used = set()
        while len(people) < MEMBER_COUNT:
            first, last = self.random.choice(FIRST_NAMES), self.random.choice(LAST_NAMES)
            if (first, last) in used:
                continue
            used.add((first, last))
            people.append((first, last, f"{first}.{last}@example.com".lower()))
        metrics = []
        for first, last, email in people:
            member = members.member_create(
                email=email,
                password=None,
                first_name=first,
                last_name=last,
                date_of_birth=datetime.date(self.random.randint(1960, 2004), self.random.randint(1, 12), 15),
                gender=self.random.choice([choice for choice, _ in Member.Gender.choices]),
                phone=f"07700 {self.random.randint(100000, 999999)}",
            )
            self.members.append(member)
            weight = Decimal(self.random.randint(58, 105))
            for entry in range(self.random.randint(6, 14)):
                weight += Decimal(self.random.choice(["-0.8", "-0.4", "-0.2", "0.0", "0.3"]))
                days_ago = HISTORY_DAYS - entry * 8 - self.random.randint(0, 5)
                metrics.append(
                    HealthMetric(
                        member=member,
                        weight=weight,
                        heart_rate=self.random.randint(52, 84),
                        body_fat=Decimal(self.random.randint(120, 320)) / 10,
                        recorded_at=self.now
                        - datetime.timedelta(days=max(days_ago, 1), hours=self.random.randint(0, 9)),
                    )
                )
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
            members.goal_create(
                member=member,
                goal_type=goal_type,
                target_value=target,
                unit=unit,
                target_date=self.today + datetime.timedelta(days=self.random.randint(30, 180)),
            )
            plan = (
                self.plans[DEMO_PLAN] if email == DEMO_MEMBER_EMAIL else self.random.choice(list(self.plans.values()))
            )
            billing.membership_start(
                member=member, plan=plan, started_on=(self.today - datetime.timedelta(days=HISTORY_DAYS)).replace(day=1)
            )
        # The metric history is written in one statement; the trigger keeps last_metric_at right.
        HealthMetric.objects.bulk_create(metrics)
        packs, freezes = self._seed_packs_and_past_freezes()
        return (
            f"{len(self.members)} members on {len(self.plans)} plans, {len(metrics)} health metrics, "
            f"{packs} class packs bought, {freezes} past freezes"
        )

    def _seed_packs_and_past_freezes(self) -> tuple[int, int]:
        """Packs bought three weeks ago (the classes since used some credits), and freezes that are over."""
        bought_on = self.today - datetime.timedelta(days=21)
        buyers = [self.members[0]] + [
            member
            for index, member in enumerate(self.members[1:], start=1)
            if member.memberships.get().plan.classes == MembershipPlan.Classes.NONE or index % 6 == 0
        ]
        for index, member in enumerate(buyers):
            pack = self.packs["10-class pack" if index % 2 == 0 else "5-class pack"]
            billing.credit_pack_buy(member=member, pack=pack, today=bought_on)
        # The service freezes from today on only: these are history, two months back, before the class history.
        past = []
        for member in self.members[3::7]:
            starts_on = self.today - datetime.timedelta(days=self.random.randint(55, 75))
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

    def _seed_history(self) -> str:
        """Classes and PT sessions of the last two weeks, with attendance, written as history.

        Each seat is paid as it would have been when booked (billing's ``cover_seat``: the plan within its allowance,
        else a credit, else a drop-in), then the roll call is taken through the service, so a no-show of a seat the
        plan paid for owes its fee like any other.
        """
        classes = sessions = no_shows = 0
        for offset in range(-14, 0):
            day = self.today + datetime.timedelta(days=offset)
            for slot, (hour, minute) in enumerate(CLASS_HOURS[:2]):
                class_type = CLASS_TYPES[(offset + slot) % len(CLASS_TYPES)]
                name, room_name, minutes, capacity, price, trainer_index = class_type
                start = _at(day, hour, minute)
                booking = Booking.objects.create(
                    kind=Booking.Kind.GROUP_CLASS,
                    room=self.rooms[room_name],
                    trainer=self._class_trainer(trainer_index),
                    start_time=start,
                    end_time=start + datetime.timedelta(minutes=minutes),
                    status=Booking.Status.COMPLETED,
                )
                group_class = GroupClass.objects.create(name=name, capacity=capacity, price=price, booking=booking)
                # One seat stays free for the demo member, who attends every third day.
                attendees = self.random.sample(self.members[1:], min(capacity - 1, self.random.randint(2, 8)))
                if offset % 3 == 0:
                    attendees.append(self.members[0])  # the demo member has a record of classes attended
                seats = ClassRegistration.objects.bulk_create(
                    ClassRegistration(
                        member=member,
                        group_class=group_class,
                        status=ClassRegistration.Status.REGISTERED,
                        registered_at=start - datetime.timedelta(days=2),
                    )
                    for member in dict.fromkeys(attendees)
                )
                for seat in seats:
                    billing.cover_seat(seat, start)
                # Now and then someone does not come; the demo member missed one class too.
                absent = {self.random.choice(attendees).pk} if self.random.random() < 0.4 else set()
                if offset == -6 and slot == 0:
                    absent.add(self.members[0].pk)
                came = [seat.member_id for seat in seats if seat.member_id not in absent]
                operations.class_attendance_mark(group_class=group_class, attended_member_ids=came)
                no_shows += len(seats) - len(came)
                classes += 1
            start = _at(day, 15)
            trainer = self.trainers[offset % len(self.trainers)]
            booking = Booking.objects.create(
                kind=Booking.Kind.PERSONAL_TRAINING,
                room=self.rooms["PT Suite"],
                trainer=trainer,
                start_time=start,
                end_time=start + datetime.timedelta(hours=1),
                status=Booking.Status.COMPLETED,
            )
            PersonalTrainingSession.objects.create(
                member=self.members[0] if offset % 4 == 0 else self.random.choice(self.members),
                booking=booking,
                price=trainer.hourly_rate,
            )
            sessions += 1
        return f"{classes} classes ({no_shows} no-shows), {sessions} PT sessions"

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
        for index, group_class in enumerate(created):
            # Small classes fill up and gather a waitlist; bigger ones are partly booked.
            capacity = group_class.capacity
            wanted = capacity + 2 if capacity <= 4 else self.random.randint(2, capacity // 2)
            candidates = self.random.sample(self.members[1:], wanted)
            class_day = timezone.localtime(group_class.booking.start_time).date()
            # The demo member's bookings stay in the next few days: the days after are free to freeze.
            if index % 2 == 0 and class_day <= self.today + datetime.timedelta(days=DEMO_BOOKING_DAYS):
                candidates.insert(0, demo_member)
            for member in candidates:
                try:
                    registration = operations.class_register(member=member, group_class=group_class)
                except operations.SchedulingError:
                    continue  # the member is busy then; a real member would pick another class
                registrations += 1
                waitlisted += registration.status == ClassRegistration.Status.WAITLISTED
        return f"{len(created)} classes, {registrations} registrations ({waitlisted} waitlisted)"

    def _seed_demo_member_scenes(self) -> str:
        """A seat offered to the demo member in a class tomorrow, and their class starting in about 20 minutes."""
        demo_member = self.members[0]
        others = [member for member in self.members[1:] if not member.memberships.filter(freezes__isnull=False)]
        # Tomorrow 16:30, a small spin class: two seats taken, the third given up and offered to the first on the
        # waitlist, the demo member, for the time an offer lasts; one more member waits behind them.
        start = _at(self.today + datetime.timedelta(days=1), 16, 30)
        offered_class = operations.class_create(
            name="Spin Express",
            description="A short, sharp ride.",
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

        # Today, about 20 minutes from now (whatever the hour the seed runs): checking in at the desk marks the demo
        # member attended. Its trainer gets a window for it first.
        soon = (self.now + datetime.timedelta(minutes=SOON_MINUTES)).replace(second=0, microsecond=0)
        trainer = self.trainers[1]
        operations.availability_create(
            trainer=trainer,
            start_time=soon - datetime.timedelta(minutes=10),
            end_time=soon + datetime.timedelta(hours=2),
        )
        soon_class = operations.class_create(
            name="HIIT Blast",
            description=f"HIIT Blast with {trainer.full_name}.",
            trainer=trainer,
            room=self.rooms["Main Studio"],
            start_time=soon,
            end_time=soon + datetime.timedelta(minutes=45),
            capacity=20,
            price=Decimal("8.00"),
        )
        operations.class_register(member=demo_member, group_class=soon_class)
        self._register_some(soon_class, others, 5)
        return f"an offered seat tomorrow, a class at {timezone.localtime(soon):%H:%M} today"

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
        for index, member in enumerate(self.members[1:], start=1):
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
        for offset in range(1, AVAILABILITY_DAYS + 1, 2):
            day = self.today + datetime.timedelta(days=offset)
            for hour, trainer in zip((10, 14, 16), self.trainers[::2], strict=True):
                # The demo member's session stays in their next few days, like their classes.
                demo_first = booked == 0 and offset <= DEMO_BOOKING_DAYS
                member = self.members[0] if demo_first else self.random.choice(self.members[1:])
                try:
                    operations.pt_session_book(
                        member=member,
                        trainer=trainer,
                        start_time=_at(day, hour),
                        end_time=_at(day, hour + 1),
                        room=self.rooms["PT Suite"] if hour != 16 else None,
                    )
                except operations.SchedulingError:
                    continue
                booked += 1
        return f"{booked} upcoming sessions"

    # -- money -----------------------------------------------------------------------------------

    def _seed_billing(self) -> str:
        this_month = self.today.replace(day=1)
        last_month_end = this_month - datetime.timedelta(days=1)
        last_month = last_month_end.replace(day=1)
        admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
        past = billing.invoice_generate_all(period_start=last_month, period_end=last_month_end)
        for index, invoice in enumerate(past):
            if index % 9 == 8:
                continue  # left as a draft for staff to finish
            if index % 13 == 12:
                billing.invoice_void(invoice=invoice)
                continue
            invoice = billing.invoice_issue(
                invoice=invoice,
                issued_at=timezone.make_aware(
                    datetime.datetime.combine(last_month_end + datetime.timedelta(days=1), datetime.time(9))
                ),
            )
            if invoice.status != Invoice.Status.ISSUED:
                continue
            if index % 3 == 0:
                billing.payment_record(
                    invoice=invoice,
                    amount=invoice.balance,
                    method="card",
                    reference="Demo card payment",
                    recorded_by=admin,
                )
            elif index % 3 == 1:
                billing.payment_record(
                    invoice=invoice,
                    amount=(invoice.balance / 2).quantize(Decimal("0.01")),
                    method="cash",
                    reference="Part payment at the desk",
                    recorded_by=admin,
                )
        if self.today.day > 1:
            # The demo member also has this month's charges so far, still a draft.
            billing.invoice_generate(
                member=self.members[0], period_start=this_month, period_end=self.today - datetime.timedelta(days=1)
            )
        counts = {status: Invoice.objects.filter(status=status).count() for status, _ in Invoice.Status.choices}
        summary = ", ".join(f"{count} {status}" for status, count in counts.items())
        return f"{summary} (due in {settings.INVOICE_DUE_DAYS} days)"
