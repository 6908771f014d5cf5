"""Billing services and reads added for the back office: drafts by hand, removing lines, settling what was billed
for a cancelled class or session (whoever cancels it: operations announces it, billing's receiver settles),
revenue."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from billing import services
from billing.models import Invoice, InvoiceLine, Payment
from billing.selectors import revenue_by_day
from billing.services import settlement
from billing.services.settlement import on_places_cancelled
from billing.tests.factories import InvoiceFactory, MembershipFactory
from clubsite.testing.jobs import run_jobs
from clubsite.testing.races import race
from members.tests.factories import MemberFactory
from operations import services as scheduling
from operations.errors import SchedulingError
from operations.events import Cancelled, places_cancelled
from operations.models import Booking, ClassRegistration
from operations.tests.factories import (
    BookingFactory,
    ClassRegistrationFactory,
    GroupClassFactory,
    PersonalTrainingSessionFactory,
)

pytestmark = pytest.mark.django_db


def refused(code: str, **params):
    """The service refuses with ``code`` (and, where the message names something, these ``params``)."""
    return pytest.raises(services.BillingError, check=lambda error: (error.code, error.params) == (code, params))


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

        with refused("invoice_draft_exists", invoice=draft):
            services.invoice_create(member=draft.member, period_start=first, period_end=last)

    @pytest.mark.parametrize(
        ("member", "start", "end", "code"),
        [
            (None, datetime.date(2026, 1, 1), datetime.date(2026, 1, 31), "member_required"),
            ("member", datetime.date(2026, 2, 1), datetime.date(2026, 1, 31), "period_end_before_start"),
            ("member", datetime.date(2026, 1, 1), datetime.date(2027, 1, 1), "period_too_long"),
        ],
    )
    def test_bad_input_is_refused_and_nothing_is_written(self, member, start, end, code):
        member = MemberFactory() if member else None

        with refused(code):
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

        with refused("line_remove_not_draft"):
            services.invoice_line_remove(line=line)

        assert InvoiceLine.objects.filter(pk=line.pk).exists()

    def test_a_line_gone_already(self):
        line = services.invoice_line_add(
            invoice=InvoiceFactory(), description="Towel", quantity=1, unit_price=Decimal("2")
        )
        InvoiceLine.objects.filter(pk=line.pk).delete()

        with refused("line_required"):
            services.invoice_line_remove(line=line)


def billed_class(members: int):
    group_class = GroupClassFactory(price=Decimal("8.00"))
    registrations = [ClassRegistrationFactory(group_class=group_class) for _ in range(members)]
    start, end = around_tomorrow()
    services.invoice_generate_all(period_start=start, period_end=end)
    return group_class, registrations


def settlement_of(outcome: Cancelled) -> services.Settlement | None:
    return outcome.effect(services.Settlement)


class TestClassCancelSettles:
    """``operations.services.class_cancel`` announces the places it ended; billing's receiver settles them."""

    def test_lines_on_drafts_are_removed(self, mailoutbox):
        group_class, _registrations = billed_class(members=2)

        outcome = scheduling.class_cancel(group_class=group_class)
        run_jobs()

        assert settlement_of(outcome) == services.Settlement(removed=2, credited=0)
        assert not InvoiceLine.objects.exists()
        assert Booking.objects.get().status == Booking.Status.CANCELLED
        assert set(ClassRegistration.objects.values_list("status", flat=True)) == {"cancelled"}
        assert len(mailoutbox) == 2

    def test_lines_already_sent_are_credited_on_this_months_draft(self):
        group_class, (registration,) = billed_class(members=1)
        line = InvoiceLine.objects.get()
        services.invoice_issue(invoice=line.invoice)
        services.payment_record(invoice=line.invoice, amount=Decimal("8.00"), method=Payment.Method.CARD)

        outcome = scheduling.class_cancel(group_class=group_class)

        assert settlement_of(outcome) == services.Settlement(removed=0, credited=1)
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

        scheduling.class_cancel(group_class=group_class)

        assert InvoiceLine.objects.get(kind=InvoiceLine.Kind.CREDIT).invoice == draft

    def test_lines_of_a_void_invoice_are_left_alone(self):
        group_class, _registrations = billed_class(members=1)
        services.invoice_void(invoice=InvoiceLine.objects.get().invoice)

        settlement = settlement_of(scheduling.class_cancel(group_class=group_class))

        assert settlement == services.Settlement()
        assert not settlement
        assert str(services.Settlement()) == "nothing had been billed"
        assert not InvoiceLine.objects.filter(voided=False).exists()

    def test_a_refused_cancellation_settles_nothing(self):
        group_class, _registrations = billed_class(members=1)
        Booking.objects.filter(pk=group_class.booking_id).update(start_time=timezone.now() - datetime.timedelta(1))

        with pytest.raises(SchedulingError) as error:
            scheduling.class_cancel(group_class=group_class)

        assert error.value.code == "class_started"
        assert InvoiceLine.objects.count() == 1


class TestRegistrationCancelSettles:
    """One member gives up a place (in the portal, or at the front desk): only their charge is settled."""

    def test_the_members_line_comes_off_the_draft_and_the_waitlist_moves_up(self):
        group_class, (leaving, staying) = billed_class(members=2)
        group_class.capacity = 2
        group_class.save()
        waiting = ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)

        outcome = scheduling.class_registration_cancel(registration=leaving)

        assert settlement_of(outcome) == services.Settlement(removed=1)
        assert [line.invoice.member for line in InvoiceLine.objects.all()] == [staying.member]
        waiting.refresh_from_db()
        assert waiting.status == ClassRegistration.Status.REGISTERED

    def test_a_line_already_sent_is_credited(self):
        _group_class, (registration,) = billed_class(members=1)
        services.invoice_issue(invoice=InvoiceLine.objects.get().invoice)

        outcome = scheduling.class_registration_cancel(registration=registration)

        assert settlement_of(outcome) == services.Settlement(credited=1)
        credit = InvoiceLine.objects.get(kind=InvoiceLine.Kind.CREDIT)
        assert (credit.invoice.member, credit.unit_price) == (registration.member, Decimal("-8.00"))

    def test_a_refused_cancel_leaves_the_bill(self):
        _group_class, (registration,) = billed_class(members=1)
        registration.group_class.booking.start_time = timezone.now() - datetime.timedelta(minutes=5)
        Booking.objects.filter(pk=registration.group_class.booking_id).update(
            start_time=registration.group_class.booking.start_time
        )

        with pytest.raises(SchedulingError) as error:
            scheduling.class_registration_cancel(registration=registration)

        assert error.value.code == "registration_class_started"
        assert InvoiceLine.objects.count() == 1


class TestSessionAndBookingCancelSettle:
    def test_a_billed_session_is_cancelled_and_its_line_removed(self):
        session = PersonalTrainingSessionFactory()
        start, end = around_tomorrow()
        services.invoice_generate(member=session.member, period_start=start, period_end=end)

        outcome = scheduling.pt_session_cancel(session=session, by_member=False)

        assert settlement_of(outcome) == services.Settlement(removed=1)
        assert not InvoiceLine.objects.exists()
        assert Booking.objects.get().status == Booking.Status.CANCELLED

    def test_a_member_inside_the_cut_off_is_refused_and_stays_billed(self):
        soon = timezone.now() + datetime.timedelta(hours=2)
        session = PersonalTrainingSessionFactory(
            booking__start_time=soon, booking__end_time=soon + datetime.timedelta(hours=1)
        )
        today = timezone.localdate()
        services.invoice_generate(member=session.member, period_start=today, period_end=today + datetime.timedelta(1))

        with pytest.raises(SchedulingError) as error:
            scheduling.pt_session_cancel(session=session, by_member=True)

        assert error.value.code == "pt_cutoff"
        assert InvoiceLine.objects.filter(pt_session=session).count() == 1
        assert Booking.objects.get().status == Booking.Status.SCHEDULED

    def test_a_booking_cancels_what_it_is_for(self):
        group_class, _registrations = billed_class(members=1)
        event = BookingFactory(start_time=timezone.now() + datetime.timedelta(days=2))

        assert settlement_of(scheduling.booking_cancel(booking=group_class.booking)) == services.Settlement(removed=1)
        assert not settlement_of(scheduling.booking_cancel(booking=event))
        assert set(Booking.objects.values_list("status", flat=True)) == {Booking.Status.CANCELLED}
        assert not InvoiceLine.objects.exists()


class TestTheReceiver:
    def test_it_is_connected_once(self):
        receivers = places_cancelled._live_receivers(sender=ClassRegistration)
        receivers = receivers[0] if isinstance(receivers, tuple) else receivers  # Django 5: (sync, async)
        assert list(receivers).count(on_places_cancelled) == 1

    def test_nothing_announced_settles_nothing_without_a_query(self, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert services.settle_cancelled() == services.Settlement()

    def test_a_failing_settlement_rolls_the_cancellation_back(self, monkeypatch):
        _group_class, (registration,) = billed_class(members=1)

        def broken(lines):
            raise services.BillingError("conflict")

        monkeypatch.setattr(settlement, "settle_lines", broken)

        with pytest.raises(services.BillingError):
            scheduling.class_registration_cancel(registration=registration)

        registration.refresh_from_db()
        assert registration.status == ClassRegistration.Status.REGISTERED
        assert InvoiceLine.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_invoice_run_racing_a_cancellation_never_leaves_the_class_billed():
    group_class = GroupClassFactory(price=Decimal("8.00"))
    for _ in range(3):
        MembershipFactory(member=ClassRegistrationFactory(group_class=group_class).member)
    start, end = around_tomorrow()

    def act(index: int):
        if index == 0:
            return scheduling.class_cancel(group_class=group_class)
        return services.invoice_generate_all(period_start=start, period_end=end)

    outcome = race(act, workers=2)

    assert outcome.errors == []
    assert not InvoiceLine.objects.filter(kind=InvoiceLine.Kind.CLASS, voided=False).exists()
    # The plan months were billed whichever came first.
    assert InvoiceLine.objects.filter(kind=InvoiceLine.Kind.PLAN_MONTH).count() >= 3


class TestRevenue:
    @override_settings(TIME_ZONE="America/New_York")  # five hours behind UTC: club days and UTC days differ
    def test_revenue_is_what_was_received_each_club_day_net_of_refunds(self):
        invoice = InvoiceFactory()
        services.invoice_line_add(invoice=invoice, description="Locker", quantity=1, unit_price=Decimal("100"))
        # Issued before the first payment below (nine days ago): a payment never precedes its invoice.
        services.invoice_issue(invoice=invoice, issued_at=timezone.now() - datetime.timedelta(days=10))
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
