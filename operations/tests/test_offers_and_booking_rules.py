"""The class booking rules: the booking window, and seats offered (not given) from the waitlist inside the cut-off."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import ClassCover, InvoiceLine
from billing.tests.factories import CreditPackFactory
from clubsite.core.events import happened
from clubsite.testing.errors import refused
from clubsite.testing.jobs import run_jobs
from members.tests.factories import MemberFactory
from operations import services
from operations.models import ClassRegistration
from operations.tasks import expire_offers
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory, local_time

pytestmark = pytest.mark.django_db

S = ClassRegistration.Status


@pytest.fixture
def events():
    heard = []

    def listen(sender, event, **kwargs):
        heard.append((event.name, event.object_id))

    happened.connect(listen)
    yield heard
    happened.disconnect(listen)


def full_class(*, hours_ahead: float, capacity: int = 1):
    """A class ``hours_ahead`` from now, full, with two members waiting (first ``waiting[0]``)."""
    group_class = GroupClassFactory(
        capacity=capacity, booking__start_time=timezone.now() + datetime.timedelta(hours=hours_ahead)
    )
    seated = [services.class_register(member=MemberFactory(), group_class=group_class) for _ in range(capacity)]
    waiting = [services.class_register(member=MemberFactory(), group_class=group_class) for _ in range(2)]
    assert [r.status for r in waiting] == [S.WAITLISTED, S.WAITLISTED]
    return group_class, seated, waiting


def status(registration) -> str:
    registration.refresh_from_db()
    return registration.status


class TestBookingWindow:
    def test_a_class_opens_for_booking_the_set_number_of_days_ahead(self, member):
        later = GroupClassFactory(booking__start_time=local_time(days=15, hour=10))

        with refused("class_not_open_yet", days=14) as caught:
            services.class_register(member=member, group_class=later)
        assert caught.value.field is None
        assert not later.registrations.exists()
        soon = GroupClassFactory(booking__start_time=local_time(days=13, hour=10))
        assert services.class_register(member=member, group_class=soon).status == S.REGISTERED


class TestOffers:
    def test_outside_the_cut_off_a_freed_seat_goes_to_the_first_waiting_and_is_paid_for(self):
        group_class, seated, waiting = full_class(hours_ahead=48)
        CreditPackFactory(member=waiting[0].member)

        outcome = services.class_registration_cancel(registration=seated[0])

        assert outcome.promoted[0].pk == waiting[0].pk
        assert status(waiting[0]) == S.REGISTERED
        assert ClassCover.objects.get(registration=waiting[0]).kind == ClassCover.Kind.CREDIT

    def test_inside_the_cut_off_the_seat_is_offered_and_held_not_given(self, events, settings):
        group_class, seated, waiting = full_class(hours_ahead=5)

        services.class_registration_cancel(registration=seated[0])

        waiting[0].refresh_from_db()
        assert waiting[0].status == S.OFFERED
        expected = timezone.now() + datetime.timedelta(minutes=settings.CLUB_CLASS_OFFER_MINUTES)
        assert abs(waiting[0].offer_expires_at - expected) < datetime.timedelta(seconds=5)
        assert ("registration.offered", waiting[0].pk) in events
        # Not seated, not charged: no cover, nothing billable, until accepted.
        assert not ClassCover.objects.filter(registration=waiting[0]).exists()
        # The offer holds the seat: a newcomer waits behind it.
        newcomer = services.class_register(member=MemberFactory(), group_class=group_class)
        assert newcomer.status == S.WAITLISTED

    def test_an_offer_never_outlasts_the_start_of_the_class(self):
        group_class, seated, waiting = full_class(hours_ahead=1)

        services.class_registration_cancel(registration=seated[0])

        waiting[0].refresh_from_db()
        assert waiting[0].offer_expires_at == group_class.booking.start_time

    def test_accepting_takes_the_seat_and_pays_for_it(self):
        group_class, seated, waiting = full_class(hours_ahead=5)
        services.class_registration_cancel(registration=seated[0])

        accepted = services.class_offer_accept(registration=waiting[0])

        assert (accepted.status, accepted.offer_expires_at) == (S.REGISTERED, None)
        assert ClassCover.objects.get(registration=waiting[0]).kind == ClassCover.Kind.DROP_IN

    def test_accepting_after_the_deadline_is_refused(self, time_machine):
        group_class, seated, waiting = full_class(hours_ahead=5)
        services.class_registration_cancel(registration=seated[0])
        time_machine.move_to(timezone.now() + datetime.timedelta(hours=3))

        with refused("offer_expired"):
            services.class_offer_accept(registration=waiting[0])
        assert status(waiting[0]) == S.OFFERED  # until the job passes it on

    def test_an_expired_offer_passes_to_the_next_person(self, time_machine, events):
        group_class, seated, waiting = full_class(hours_ahead=5)
        services.class_registration_cancel(registration=seated[0])
        time_machine.move_to(timezone.now() + datetime.timedelta(hours=2, minutes=1))

        expired = services.class_offers_expire()

        assert [r.pk for r in expired] == [waiting[0].pk]
        assert (status(waiting[0]), status(waiting[1])) == (S.CANCELLED, S.OFFERED)
        assert ("registration.offered", waiting[1].pk) in events

    def test_the_offers_job_runs_the_expiry(self, time_machine):
        group_class, seated, waiting = full_class(hours_ahead=5)
        services.class_registration_cancel(registration=seated[0])
        time_machine.move_to(timezone.now() + datetime.timedelta(hours=2, minutes=1))

        expire_offers.defer(timestamp=0)
        run_jobs()

        assert (status(waiting[0]), status(waiting[1])) == (S.CANCELLED, S.OFFERED)

    def test_declining_passes_the_seat_on_at_once_without_a_fee(self):
        group_class, seated, waiting = full_class(hours_ahead=5)
        services.class_registration_cancel(registration=seated[0])

        outcome = services.class_offer_decline(registration=waiting[0])

        assert outcome.promoted[0].pk == waiting[1].pk
        assert (status(waiting[0]), status(waiting[1])) == (S.CANCELLED, S.OFFERED)
        # The seat given up 5 hours before was late; the offer turned down is not.
        fees = InvoiceLine.objects.filter(kind=InvoiceLine.Kind.FEE)
        assert [line.class_registration_id for line in fees] == [seated[0].pk]

    def test_only_an_open_offer_can_be_accepted_or_declined(self):
        registration = ClassRegistrationFactory()

        with refused("offer_not_open"):
            services.class_offer_accept(registration=registration)
        with refused("offer_not_open"):
            services.class_offer_decline(registration=registration)

    def test_with_drop_ins_off_a_waiting_member_without_credits_is_offered_the_seat_even_days_ahead(self, settings):
        group_class, seated, waiting = full_class(hours_ahead=48)
        settings.CLUB_CLASS_DROP_IN = False

        services.class_registration_cancel(registration=seated[0])

        assert status(waiting[0]) == S.OFFERED
        with refused("class_needs_credit"):
            services.class_offer_accept(registration=waiting[0])
        CreditPackFactory(member=waiting[0].member)
        assert services.class_offer_accept(registration=waiting[0]).status == S.REGISTERED

    def test_the_database_refuses_an_offer_without_an_expiry(self):
        registration = ClassRegistrationFactory()

        with pytest.raises(IntegrityError) as caught, transaction.atomic():
            ClassRegistration.objects.filter(pk=registration.pk).update(status=S.OFFERED)

        assert "operations_classregistration_offer_expires" in str(caught.value)
