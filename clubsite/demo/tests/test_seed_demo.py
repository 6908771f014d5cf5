import datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from billing import services as billing
from billing.models import (
    ClassCover,
    ClassPack,
    CreditPack,
    Invoice,
    InvoiceLine,
    Membership,
    MembershipFreeze,
    MembershipPlan,
    Payment,
)
from billing.selectors import (
    credits_left,
    invoices_with_totals,
    membership_state,
    overdue_invoices,
    plan_month_charge,
    revenue_by_day,
)
from clubsite.accounts.models import User
from clubsite.core.clock import club_datetime, club_today, day_bounds
from clubsite.demo.management.commands.seed_demo import (
    DEMO_ADMIN_EMAIL,
    DEMO_MEMBER_EMAIL,
    DEMO_PASSWORD,
    DEMO_TRAINER_EMAIL,
)
from clubsite.frontdesk.selectors import todays_arrivals, visits_per_hour
from clubsite.testing import sign_in
from members.models import FitnessGoal, HealthMetric, Member
from operations import services as operations
from operations.models import (
    AdminStaff,
    Booking,
    ClassRegistration,
    GroupClass,
    MaintenanceRecord,
    PersonalTrainingSession,
    Room,
)
from operations.selectors import (
    member_commitment_between,
    open_maintenance,
    room_day,
    trainer_free_slots,
    with_seat_counts,
)
from trainers.models import Trainer, TrainerAvailability


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


#: The seed runs at this hour of the club's day in these tests: some of today's classes are over, some under way,
#: most to come, whatever the hour (or the CLUBSITE_TEST_NOW day) the suite runs.
SEEDED_AT = datetime.time(10, 40)


def _seeded_moment() -> datetime.datetime:
    return club_datetime(club_today(), SEEDED_AT)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module (it takes a while) at mid-morning of today, and clean up afterwards."""
    with time_machine.travel(_seeded_moment(), tick=True), django_db_blocker.unblock():
        output = _seed()
        yield output
        from django.core.management import call_command as run

        run("flush", "--no-input", verbosity=0)
        from django.db import connection

        from conftest import PROCRASTINATE_TABLES

        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {PROCRASTINATE_TABLES} RESTART IDENTITY CASCADE")


@pytest.mark.django_db
def test_seed_demo_builds_a_realistic_club(seeded):
    now = timezone.now()
    fortnight = now + datetime.timedelta(days=14)

    assert Member.objects.count() >= 40
    # Most members consented to processing health metrics and have a history; a few did not, and have none
    # (their metrics page shows the refusal and how to consent).
    consented = Member.objects.filter(metrics_consents__isnull=False, metrics_consents__withdrawn_at__isnull=True)
    with_metrics = Member.objects.filter(metrics__isnull=False).distinct()
    assert set(with_metrics) == set(consented)
    assert 0 < Member.objects.exclude(pk__in=consented).count() < Member.objects.count() // 4
    assert consented.filter(user__email=DEMO_MEMBER_EMAIL).exists()
    assert HealthMetric.objects.count() >= 40 * 5
    assert FitnessGoal.objects.filter(is_active=True).count() >= 40
    assert Trainer.objects.count() == 6
    for trainer in Trainer.objects.all():
        upcoming_days = {
            timezone.localtime(window.start_time).date()
            for window in TrainerAvailability.objects.filter(
                trainer=trainer, start_time__gte=now, start_time__lt=fortnight
            )
        }
        assert len(upcoming_days) >= 13, trainer
    assert Room.objects.count() == 5
    assert MaintenanceRecord.objects.values("status").distinct().count() == 3
    upcoming = GroupClass.objects.filter(booking__start_time__gte=now, booking__status=Booking.Status.SCHEDULED)
    assert upcoming.count() >= 30
    full_with_waitlist = upcoming.annotate(
        seated=Count("registrations", filter=Q(registrations__status__in=ClassRegistration.SEATED)),
        waiting=Count("registrations", filter=Q(registrations__status=ClassRegistration.Status.WAITLISTED)),
    ).filter(waiting__gt=0)
    assert full_with_waitlist.exists()
    assert all(group_class.seated == group_class.capacity for group_class in full_with_waitlist)
    assert PersonalTrainingSession.objects.filter(booking__start_time__gte=now).exists()
    assert PersonalTrainingSession.objects.filter(booking__status=Booking.Status.COMPLETED).exists()
    assert set(Invoice.objects.values_list("status", flat=True)) == {status for status, _ in Invoice.Status.choices}
    assert "Demo club ready" in seeded


@pytest.mark.django_db
def test_seed_demo_logins_work(seeded, client):
    admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
    assert admin.is_superuser and admin.admin_staff.role == AdminStaff.Role.MANAGER
    assert User.objects.get(email=DEMO_MEMBER_EMAIL).member
    assert User.objects.get(email=DEMO_TRAINER_EMAIL).trainer
    assert sign_in(client, email=DEMO_ADMIN_EMAIL, password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing(seeded):
    counts = (User.objects.count(), HealthMetric.objects.count(), Booking.objects.count(), Invoice.objects.count())

    output = _seed()

    assert "already present" in output
    assert counts == (
        User.objects.count(),
        HealthMetric.objects.count(),
        Booking.objects.count(),
        Invoice.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_tells_nobody_of_the_history_it_writes(seeded):
    # Its registrations, sessions and invoices are history: no confirmation, invoice mail or webhook is queued.
    from clubsite.testing.jobs import queued

    assert ClassRegistration.objects.exists()
    assert queued() == []


# -- plans with terms, packs, freezes, offers: what the demo member tries after `make run` -------------------------


def _demo_member() -> Member:
    return Member.objects.get(user__email=DEMO_MEMBER_EMAIL)


@pytest.mark.django_db
def test_the_demo_club_sells_plans_with_terms_and_class_packs(seeded):
    plans = {plan.name: plan for plan in MembershipPlan.objects.all()}
    assert set(plans) == {"Off-Peak Gym", "Student", "Classes 8", "Unlimited"}
    assert (plans["Off-Peak Gym"].classes, plans["Off-Peak Gym"].joining_fee) == ("none", Decimal("0.00"))
    eight = plans["Classes 8"]
    assert (eight.classes_per_month, eight.joining_fee, eight.minimum_term_months, eight.notice_months) == (
        8,
        Decimal("20.00"),
        3,
        1,
    )
    assert (plans["Unlimited"].classes, plans["Unlimited"].minimum_term_months) == ("unlimited", 12)
    assert set(ClassPack.objects.values_list("name", "credits", "price", "valid_days")) == {
        ("5-class pack", 5, Decimal("40.00"), 90),
        ("10-class pack", 10, Decimal("70.00"), 180),
    }
    # Members on every plan; some bought packs, some froze, gave notice or change plan next month.
    assert Membership.objects.values("plan").distinct().count() == 4
    assert CreditPack.objects.count() >= 5
    assert MembershipFreeze.objects.filter(ends_on__lt=timezone.localdate()).exists()
    assert MembershipFreeze.objects.filter(starts_on__gt=timezone.localdate()).exists()
    assert Membership.objects.filter(cancelled_on__isnull=False).exists()
    assert Membership.objects.filter(started_on__gt=timezone.localdate()).exists()


@pytest.mark.django_db
def test_every_seat_of_the_demo_is_paid_for_and_history_has_no_shows(seeded):
    taken = ClassRegistration.objects.filter(status__in=ClassRegistration.TAKEN)

    assert not taken.filter(cover__isnull=True).exists()
    assert set(ClassCover.objects.values_list("kind", flat=True)) == {"plan", "credit", "drop_in"}
    assert ClassRegistration.objects.filter(status=ClassRegistration.Status.NO_SHOW).exists()
    assert ClassRegistration.objects.filter(status=ClassRegistration.Status.ATTENDED).exists()
    assert InvoiceLine.objects.filter(kind=InvoiceLine.Kind.FEE).exists()
    # A pack's credits left are what it bought less the seats it paid for.
    for pack in CreditPack.objects.annotate(spent=Count("covers")):
        assert pack.credits_left == pack.credits - pack.spent, pack


@pytest.mark.django_db
def test_the_demo_member_has_a_plan_credits_an_offer_and_a_class_soon(seeded):
    member = _demo_member()
    today = timezone.localdate()
    now = timezone.now()

    state = membership_state(member=member, day=today)
    assert (state.status, state.plan_name) == ("active", "Classes 8")
    assert credits_left(member=member, day=today) > 0
    offer = ClassRegistration.objects.get(member=member, status=ClassRegistration.Status.OFFERED)
    assert timezone.localtime(offer.group_class.booking.start_time).date() == today + datetime.timedelta(days=1)
    assert offer.offer_expires_at > now
    assert offer.group_class.registrations.filter(status=ClassRegistration.Status.WAITLISTED).exists()
    # "Soon" is measured from the moment the seed ran, not from now: under a loaded suite, minutes can pass
    # between seeding and this test.
    seeded_at = _seeded_moment()
    soon = ClassRegistration.objects.get(
        member=member,
        status=ClassRegistration.Status.REGISTERED,
        group_class__booking__start_time__gte=seeded_at + datetime.timedelta(minutes=15),
        group_class__booking__start_time__lte=seeded_at + datetime.timedelta(minutes=30),
    )
    assert soon.group_class.booking.start_time.date() == seeded_at.date()
    assert ClassRegistration.objects.filter(member=member, status=ClassRegistration.Status.NO_SHOW).exists()


@pytest.mark.django_db
def test_the_demo_member_books_in_the_next_days_and_can_freeze_the_fortnight_after(seeded):
    member = _demo_member()
    today = timezone.localdate()
    upcoming = ClassRegistration.objects.filter(
        member=member, status__in=ClassRegistration.LIVE, group_class__booking__start_time__gt=timezone.now()
    )
    assert upcoming.count() >= 3
    starts_on = today + datetime.timedelta(days=4)

    freeze = billing.membership_freeze(
        member=member, starts_on=starts_on, ends_on=starts_on + datetime.timedelta(days=13)
    )

    charge = plan_month_charge(membership=freeze.membership, month=starts_on, freezes=[freeze])
    assert charge.days_frozen > 0
    assert charge.amount < freeze.membership.plan.monthly_fee


# -- a real today and a believable history: what the desk, the dashboards and the charts show ----------------------


def _today_classes():
    start, end = day_bounds(club_today())
    return with_seat_counts(
        GroupClass.objects.filter(booking__start_time__gte=start, booking__start_time__lt=end).select_related("booking")
    )


@pytest.mark.django_db
def test_today_has_classes_through_the_day_some_over_some_to_come_some_full(seeded):
    now = timezone.now()
    classes = list(_today_classes())
    over = [c for c in classes if c.booking.end_time <= now]
    to_come = [c for c in classes if c.booking.start_time > now]

    assert len(classes) >= 10
    assert len({timezone.localtime(c.booking.start_time).hour for c in classes}) >= 8
    assert len(over) >= 3 and len(to_come) >= 5
    # The classes over had their roll call: who came, who did not.
    over_seats = ClassRegistration.objects.filter(group_class__in=over)
    assert over_seats.filter(status=ClassRegistration.Status.ATTENDED).count() >= 10
    assert not over_seats.filter(status=ClassRegistration.Status.REGISTERED).exists()
    # Those to come are booked, and a small one is full with people waiting.
    assert all(c.seated_count > 0 for c in to_come)
    assert any(c.seated_count == c.capacity and c.waitlist_count > 0 for c in to_come)


@pytest.mark.django_db
def test_the_desk_checked_people_in_through_the_morning(seeded):
    today = club_today()
    arrivals = list(todays_arrivals(day=today))

    assert len(arrivals) >= 20
    assert all(visit.checked_in_at <= timezone.now() for visit in arrivals)
    busy_hours = [count for _hour, count in visits_per_hour(day=today) if count]
    assert len(busy_hours) >= 4
    # Arriving for a class marked the member present in it.
    checked_in_for_a_class = ClassRegistration.objects.filter(
        status=ClassRegistration.Status.ATTENDED, group_class__in=_today_classes()
    )
    assert checked_in_for_a_class.count() >= 10


@pytest.mark.django_db
def test_the_rooms_are_booked_today(seeded):
    rooms, bookings = room_day(day=club_today())

    assert {booking.room_id for booking in bookings} == {room.pk for room in rooms}
    assert {Booking.Kind.GROUP_CLASS, Booking.Kind.PERSONAL_TRAINING, Booking.Kind.EVENT, Booking.Kind.CLOSURE} <= {
        booking.kind for booking in bookings
    }


@pytest.mark.django_db
def test_the_demo_member_can_book_a_free_pt_slot_today(seeded):
    member = _demo_member()
    today = club_today()
    assert (
        PersonalTrainingSession.objects.filter(
            booking__start_time__gte=day_bounds(today)[0], booking__start_time__lt=day_bounds(today)[1]
        ).count()
        >= 3
    )
    hour = datetime.timedelta(hours=1)
    free = [
        (trainer, slot)
        for trainer in Trainer.objects.select_related("user")
        for slot in trainer_free_slots(trainer=trainer, day=today, duration=hour)
    ]
    assert free

    trainer, slot = next(
        (trainer, slot)
        for trainer, slot in free
        if member_commitment_between(member_id=member.pk, start=slot.start, end=slot.end) is None
    )
    session = operations.pt_session_book(member=member, trainer=trainer, start_time=slot.start, end_time=slot.end)

    assert timezone.localtime(session.booking.start_time).date() == today


@pytest.mark.django_db
def test_payments_came_in_on_many_days_over_several_months(seeded):
    now = timezone.now()
    payments = list(Payment.objects.select_related("invoice"))
    days = {timezone.localtime(payment.received_at).date() for payment in payments}
    months = {(day.year, day.month) for day in days}

    assert len(days) >= 30
    assert len(months) >= 5
    assert all(payment.invoice.issued_at <= payment.received_at <= now for payment in payments)
    first = min(days)
    revenue = revenue_by_day(first=first, last=club_today())
    assert sum(1 for _day, amount in revenue if amount > 0) == len(days)


@pytest.mark.django_db
def test_every_invoice_was_created_before_it_was_issued(seeded):
    issued = Invoice.objects.filter(issued_at__isnull=False)

    assert issued.count() >= 200
    assert not issued.filter(created_at__gt=F("issued_at")).exists()
    assert not Invoice.objects.filter(created_at__gt=timezone.now()).exists()
    # Monthly bills went out on the 1st of the month after, each month its own day.
    monthly = issued.filter(lines__kind=InvoiceLine.Kind.PLAN_MONTH).distinct()
    assert len({timezone.localtime(invoice.issued_at).date() for invoice in monthly}) >= 5


@pytest.mark.django_db
def test_invoices_in_every_status_readme_promises(seeded):
    today = club_today()
    invoices = list(invoices_with_totals())
    statuses = {invoice.status for invoice in invoices}

    assert statuses == {status for status, _ in Invoice.Status.choices}  # draft, issued, paid, void
    partly_paid = [
        invoice for invoice in invoices if invoice.status == Invoice.Status.ISSUED and 0 < invoice.paid_amount
    ]
    assert partly_paid and all(invoice.balance_amount > 0 for invoice in partly_paid)
    assert overdue_invoices(today=today).count() >= 1
    # Issued, not yet due, nothing paid.
    assert any(
        invoice.status == Invoice.Status.ISSUED and invoice.due_date >= today and invoice.paid_amount == 0
        for invoice in invoices
    )


@pytest.mark.django_db
def test_health_metrics_change_smoothly(seeded):
    previous: dict[int, HealthMetric] = {}
    jumps = []
    for metric in HealthMetric.objects.order_by("member_id", "recorded_at"):
        before = previous.get(metric.member_id)
        if before is not None:
            jumps.append((abs(metric.body_fat - before.body_fat), abs(metric.weight - before.weight)))
        previous[metric.member_id] = metric
        assert metric.body_fat == metric.body_fat.quantize(Decimal("0.1"))
        assert metric.weight == metric.weight.quantize(Decimal("0.1"))

    assert len(jumps) >= 500
    assert max(fat for fat, _weight in jumps) <= Decimal("1.5")
    assert max(weight for _fat, weight in jumps) <= Decimal("1.0")
    assert any(fat > 0 for fat, _weight in jumps)


@pytest.mark.django_db
def test_members_joined_over_the_last_year_and_a_half_and_some_left(seeded):
    today = club_today()
    joined = [timezone.localtime(user.date_joined).date() for user in User.objects.filter(member__isnull=False)]
    created = [timezone.localtime(member.created_at).date() for member in Member.objects.all()]
    starts = list(Membership.objects.values_list("started_on", flat=True))

    assert (today - min(joined)).days >= 365
    assert len({(day.year, day.month) for day in joined}) >= 12
    assert sorted(created) == sorted(joined)
    assert len({(day.year, day.month) for day in starts}) >= 12
    ended = [day for day in Membership.objects.filter(ended_on__lt=today).values_list("ended_on", flat=True)]
    assert len({(day.year, day.month) for day in ended}) >= 6
    # Those who left are not booked for anything to come.
    leavers = Member.objects.exclude(memberships__ended_on__isnull=True).exclude(memberships__ended_on__gte=today)
    assert leavers.count() >= 10
    assert not ClassRegistration.objects.filter(
        member__in=leavers, group_class__booking__start_time__gt=timezone.now()
    ).exists()


@pytest.mark.django_db
def test_attendance_over_the_last_weeks(seeded):
    today = club_today()
    for weeks_ago in range(1, 9):  # the back office charts eight weeks
        start, _ = day_bounds(today - datetime.timedelta(weeks=weeks_ago))
        end = start + datetime.timedelta(weeks=1)
        week = ClassRegistration.objects.filter(
            group_class__booking__start_time__gte=start, group_class__booking__start_time__lt=end
        )
        attended = week.filter(status=ClassRegistration.Status.ATTENDED).count()
        no_shows = week.filter(status=ClassRegistration.Status.NO_SHOW).count()
        assert attended >= 50, weeks_ago
        assert 0.7 <= attended / (attended + no_shows) < 1, weeks_ago


@pytest.mark.django_db
def test_open_maintenance_issues_of_various_ages_in_several_rooms(seeded):
    now = timezone.now()
    issues = list(open_maintenance())

    assert len({issue.equipment.room_id for issue in issues}) >= 3
    ages = [(now - issue.reported_at).days for issue in issues]
    assert min(ages) <= 1 and max(ages) >= 30
    resolved = MaintenanceRecord.objects.filter(status=MaintenanceRecord.Status.RESOLVED)
    assert resolved.exists() and all(record.reported_at < record.resolved_at < now for record in resolved)
