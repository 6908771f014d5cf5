"""Billing services and reads added for the back office: drafts by hand, removing lines, settling what was billed
for a cancelled class or session, revenue and the staff dashboard."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from billing import services
from billing.dashboard import staff_dashboard
from billing.models import Invoice, InvoiceLine, Payment
from billing.selectors import revenue_by_day
from billing.tests.factories import InvoiceFactory, MembershipFactory
from clubsite.testing import race
from members.tests.factories import MemberFactory
from operations import services as scheduling
from operations.models import Booking, ClassRegistration
from operations.tests.factories import (
    BookingFactory,
    ClassRegistrationFactory,
    GroupClassFactory,
    PersonalTrainingSessionFactory,
)

pytestmark = pytest.mark.django_db


def refused(message: str):
    return pytest.raises(services.BillingError, match=f"^{re.escape(message)}$")


def this_month() -> tuple[datetime.date, datetime.date]:
    first = timezone.localdate().replace(day=1)
    return first, (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def around_tomorrow() -> tuple[datetime.date, datetime.date]:
    """This month, stretched to tomorrow (the factories' classes and sessions are tomorrow)."""
    first, last = this_month()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return min(first, tomorrow), max(last, tomorrow)


class TestInvoiceCreate:
    def test_an_empty_draft_for_a_member_and_period(self):
        member = MemberFactory()
        first, last = this_month()

        invoice = services.invoice_create(member=member, period_start=first, period_end=last)

        assert (invoice.member, invoice.status, invoice.number) == (member, Invoice.Status.DRAFT, None)
        assert not invoice.lines.exists()

    def test_a_second_draft_for_the_same_period_is_refused(self):
        first, last = this_month()
        draft = InvoiceFactory(period_start=first, period_end=last)

        with refused(services.INVOICE_DRAFT_EXISTS.format(invoice=draft)):
            services.invoice_create(member=draft.member, period_start=first, period_end=last)

    @pytest.mark.parametrize(
        ("member", "start", "end", "message"),
        [
            (None, datetime.date(2026, 1, 1), datetime.date(2026, 1, 31), services.MEMBER_REQUIRED),
            ("member", datetime.date(2026, 2, 1), datetime.date(2026, 1, 31), services.PERIOD_END_BEFORE_START),
            ("member", datetime.date(2026, 1, 1), datetime.date(2027, 1, 1), services.PERIOD_TOO_LONG),
        ],
    )
    def test_bad_input_is_refused_and_nothing_is_written(self, member, start, end, message):
        member = MemberFactory() if member else None

        with refused(message):
            services.invoice_create(member=member, period_start=start, period_end=end)

        assert not Invoice.objects.exists()


class TestInvoiceLineRemove:
    def test_a_draft_line_is_removed(self):
        draft = InvoiceFactory()
        line = services.invoice_line_add(invoice=draft, description="Towel", quantity=1, unit_price=Decimal("2"))

        services.invoice_line_remove(line=line)

        assert not InvoiceLine.objects.exists()

    def test_a_line_of_an_issued_invoice_stays(self):
        invoice = InvoiceFactory()
        line = services.invoice_line_add(invoice=invoice, description="Towel", quantity=1, unit_price=Decimal("2"))
        services.invoice_issue(invoice=invoice)

        with refused(services.LINE_REMOVE_NOT_DRAFT):
            services.invoice_line_remove(line=line)

        assert InvoiceLine.objects.filter(pk=line.pk).exists()

    def test_a_line_gone_already(self):
        line = services.invoice_line_add(
            invoice=InvoiceFactory(), description="Towel", quantity=1, unit_price=Decimal("2")
        )
        InvoiceLine.objects.filter(pk=line.pk).delete()

        with refused(services.LINE_REQUIRED):
            services.invoice_line_remove(line=line)


def billed_class(members: int):
    group_class = GroupClassFactory(price=Decimal("8.00"))
    registrations = [ClassRegistrationFactory(group_class=group_class) for _ in range(members)]
    start, end = around_tomorrow()
    services.invoice_generate_all(period_start=start, period_end=end)
    return group_class, registrations


class TestClassCancelAndSettle:
    def test_lines_on_drafts_are_removed(self, mailoutbox, django_capture_on_commit_callbacks):
        group_class, _registrations = billed_class(members=2)

        with django_capture_on_commit_callbacks(execute=True):
            settlement = services.class_cancel_and_settle(group_class=group_class)

        assert settlement == services.Settlement(removed=2, credited=0)
        assert not InvoiceLine.objects.exists()
        assert Booking.objects.get().status == Booking.Status.CANCELLED
        assert set(ClassRegistration.objects.values_list("status", flat=True)) == {"cancelled"}
        assert len(mailoutbox) == 2

    def test_lines_already_sent_are_credited_on_this_months_draft(self):
        group_class, (registration,) = billed_class(members=1)
        line = InvoiceLine.objects.get()
        services.invoice_issue(invoice=line.invoice)
        services.payment_record(invoice=line.invoice, amount=Decimal("8.00"), method=Payment.Method.CARD)

        settlement = services.class_cancel_and_settle(group_class=group_class)

        assert settlement == services.Settlement(removed=0, credited=1)
        credit = InvoiceLine.objects.get(kind=InvoiceLine.Kind.CREDIT)
        first, last = this_month()
        assert (credit.quantity, credit.unit_price) == (1, Decimal("-8.00"))
        assert credit.description == services.CANCELLED_CREDIT.format(description=line.description)
        assert (credit.invoice.member, credit.invoice.status) == (registration.member, Invoice.Status.DRAFT)
        assert (credit.invoice.period_start, credit.invoice.period_end) == (first, last)
        # What was sent stays as it was sent.
        assert InvoiceLine.objects.get(pk=line.pk).unit_price == Decimal("8.00")

    def test_a_credit_goes_onto_the_draft_the_member_already_has(self):
        group_class, (registration,) = billed_class(members=1)
        services.invoice_issue(invoice=InvoiceLine.objects.get().invoice)
        first, last = this_month()
        draft = services.invoice_create(member=registration.member, period_start=first, period_end=last)

        services.class_cancel_and_settle(group_class=group_class)

        assert InvoiceLine.objects.get(kind=InvoiceLine.Kind.CREDIT).invoice == draft

    def test_lines_of_a_void_invoice_are_left_alone(self):
        group_class, _registrations = billed_class(members=1)
        services.invoice_void(invoice=InvoiceLine.objects.get().invoice)

        assert services.class_cancel_and_settle(group_class=group_class) == services.Settlement()
        assert str(services.Settlement()) == "nothing had been billed"

    def test_a_class_that_cannot_be_cancelled_leaves_the_bills(self):
        group_class, _registrations = billed_class(members=1)
        scheduling.class_cancel(group_class=group_class)

        with refused(scheduling.CLASS_ALREADY_CANCELLED):
            services.class_cancel_and_settle(group_class=group_class)

        assert InvoiceLine.objects.count() == 1

    def test_a_missing_class(self):
        with refused(scheduling.CLASS_REQUIRED):
            services.class_cancel_and_settle(group_class=None)


class TestRegistrationCancelAndSettle:
    """One member gives up a place (in the portal, or at the front desk): only their charge is settled."""

    def test_the_members_line_comes_off_the_draft_and_the_waitlist_moves_up(self):
        group_class, (leaving, staying) = billed_class(members=2)
        group_class.capacity = 2
        group_class.save()
        waiting = ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)

        settlement = services.class_registration_cancel_and_settle(registration=leaving)

        assert settlement == services.Settlement(removed=1)
        assert [line.invoice.member for line in InvoiceLine.objects.all()] == [staying.member]
        waiting.refresh_from_db()
        assert waiting.status == ClassRegistration.Status.REGISTERED

    def test_a_line_already_sent_is_credited(self):
        _group_class, (registration,) = billed_class(members=1)
        services.invoice_issue(invoice=InvoiceLine.objects.get().invoice)

        settlement = services.class_registration_cancel_and_settle(registration=registration)

        assert settlement == services.Settlement(credited=1)
        credit = InvoiceLine.objects.get(kind=InvoiceLine.Kind.CREDIT)
        assert (credit.invoice.member, credit.unit_price) == (registration.member, Decimal("-8.00"))

    def test_a_refused_cancel_leaves_the_bill(self):
        _group_class, (registration,) = billed_class(members=1)
        scheduling.class_registration_cancel(registration=registration)

        with refused(scheduling.REGISTRATION_ALREADY_CANCELLED):
            services.class_registration_cancel_and_settle(registration=registration)

        assert InvoiceLine.objects.count() == 1


class TestSessionAndBookingCancel:
    def test_a_billed_session_is_cancelled_and_its_line_removed(self):
        session = PersonalTrainingSessionFactory()
        start, end = around_tomorrow()
        services.invoice_generate(member=session.member, period_start=start, period_end=end)

        settlement = services.pt_session_cancel_and_settle(session=session)

        assert settlement == services.Settlement(removed=1)
        assert Booking.objects.get().status == Booking.Status.CANCELLED

    def test_a_member_inside_the_cut_off_is_refused_and_stays_billed(self):
        soon = timezone.now() + datetime.timedelta(hours=2)
        session = PersonalTrainingSessionFactory(
            booking__start_time=soon, booking__end_time=soon + datetime.timedelta(hours=1)
        )
        today = timezone.localdate()
        services.invoice_generate(member=session.member, period_start=today, period_end=today + datetime.timedelta(1))

        with refused(scheduling.PT_CUTOFF.format(hours=settings.PT_CANCELLATION_CUTOFF_HOURS)):
            services.pt_session_cancel_and_settle(session=session, by_member=True)

        assert InvoiceLine.objects.filter(pt_session=session).count() == 1
        assert Booking.objects.get().status == Booking.Status.SCHEDULED

    def test_a_booking_cancels_what_it_is_for(self):
        group_class, _registrations = billed_class(members=1)
        event = BookingFactory(start_time=timezone.now() + datetime.timedelta(days=2))

        assert services.booking_cancel_and_settle(booking=group_class.booking) == services.Settlement(removed=1)
        assert services.booking_cancel_and_settle(booking=event) == services.Settlement()
        assert set(Booking.objects.values_list("status", flat=True)) == {Booking.Status.CANCELLED}

    def test_a_refused_booking_cancel_says_why(self):
        event = BookingFactory(status=Booking.Status.CANCELLED)

        with refused(scheduling.BOOKING_ALREADY_CANCELLED):
            services.booking_cancel_and_settle(booking=event)
        with refused(scheduling.BOOKING_REQUIRED):
            services.booking_cancel_and_settle(booking=None)


@pytest.mark.django_db(transaction=True)
def test_an_invoice_run_racing_a_cancellation_never_leaves_the_class_billed():
    group_class = GroupClassFactory(price=Decimal("8.00"))
    for _ in range(3):
        MembershipFactory(member=ClassRegistrationFactory(group_class=group_class).member)
    start, end = around_tomorrow()

    def act(index: int):
        if index == 0:
            return services.class_cancel_and_settle(group_class=group_class)
        return services.invoice_generate_all(period_start=start, period_end=end)

    outcome = race(act, workers=2)

    assert outcome.errors == []
    assert not InvoiceLine.objects.filter(kind=InvoiceLine.Kind.CLASS, voided=False).exists()
    # The plan months were billed whichever came first.
    assert InvoiceLine.objects.filter(kind=InvoiceLine.Kind.PLAN_MONTH).count() >= 3


class TestRevenueAndDashboard:
    @override_settings(TIME_ZONE="America/New_York")  # five hours behind UTC: club days and UTC days differ
    def test_revenue_is_what_was_received_each_club_day_net_of_refunds(self):
        invoice = InvoiceFactory()
        services.invoice_line_add(invoice=invoice, description="Locker", quantity=1, unit_price=Decimal("100"))
        services.invoice_issue(invoice=invoice)
        today = timezone.localdate()
        zone = timezone.get_default_timezone()

        def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)), zone)

        three_days_ago = today - datetime.timedelta(days=3)
        services.payment_record(
            invoice=invoice, amount=Decimal("60.00"), method=Payment.Method.CARD, received_at=at(three_days_ago, 9)
        )
        # 23:30 in the club is 04:30 the next day in UTC: it still counts for the club's day.
        services.payment_record(
            invoice=invoice, amount=Decimal("10.00"), method=Payment.Method.CASH, received_at=at(three_days_ago, 23, 30)
        )
        services.payment_record(
            invoice=invoice,
            amount=Decimal("7.00"),
            method=Payment.Method.CARD,
            received_at=at(today - datetime.timedelta(days=9), 9),
        )
        services.payment_refund(invoice=invoice, amount=Decimal("5.00"), method=Payment.Method.CARD)  # now

        days = revenue_by_day(first=today - datetime.timedelta(days=4), last=today)

        assert days == [
            (today - datetime.timedelta(days=4), Decimal("0.00")),
            (three_days_ago, Decimal("70.00")),
            (today - datetime.timedelta(days=2), Decimal("0.00")),
            (today - datetime.timedelta(days=1), Decimal("0.00")),
            (today, Decimal("-5.00")),
        ]

    def test_the_dashboard_reads_in_a_fixed_number_of_queries(self, django_assert_max_num_queries):
        today = timezone.localdate()
        with django_assert_max_num_queries(8):
            dashboard = staff_dashboard(today=today, classes=True, maintenance=True, invoices=True, revenue=True)
        assert dashboard.classes == [] and dashboard.maintenance == [] and dashboard.overdue == []

        nothing = staff_dashboard(today=today, classes=False, maintenance=False, invoices=False, revenue=False)
        assert (nothing.classes, nothing.maintenance, nothing.overdue, nothing.revenue_month) == (None,) * 4
