"""Member portal: the class timetable with its filters, registering or joining the waitlist, and cancelling."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from billing import services as billing
from billing.models import InvoiceLine
from clubsite.testing import messages_of
from clubsite.testing.jobs import run_jobs
from clubsite.testing.portal import form_errors
from members.tests.factories import MemberFactory
from operations import services as scheduling
from operations.errors import SchedulingError
from operations.models import Booking, ClassRegistration
from operations.tests.factories import (
    ClassRegistrationFactory,
    GroupClassFactory,
    PersonalTrainingSessionFactory,
    RoomFactory,
    local_time,
)
from trainers.tests.factories import TrainerFactory


def _class(name="Spin", *, days=2, hour=10, **extra):
    # Two days ahead: outside the 12-hour cancellation cut-off whatever the hour the suite runs.
    return GroupClassFactory(name=name, booking__start_time=local_time(days=days, hour=hour), **extra)


def _names(response):
    return [group_class.name for group_class in response.context["page_obj"]]


# -- timetable ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_timetable_lists_upcoming_scheduled_classes_in_order(member_client):
    later = _class("Yoga", days=2, hour=9)
    sooner = _class("Spin", days=1, hour=18)
    _class("Old", days=-1)
    cancelled = _class("Gone", days=1, hour=8)
    Booking.objects.filter(pk=cancelled.booking_id).update(status=Booking.Status.CANCELLED)

    response = member_client.get(reverse("members:timetable"))

    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [sooner, later]


@pytest.mark.django_db
def test_the_timetable_shows_seats_left_or_the_waitlist_length(member_client):
    roomy = _class("Spin", capacity=5)
    ClassRegistrationFactory(group_class=roomy)
    full = _class("Yoga", hour=14, capacity=1)
    ClassRegistrationFactory(group_class=full)
    ClassRegistrationFactory(group_class=full, status=ClassRegistration.Status.WAITLISTED)
    ClassRegistrationFactory(group_class=full, status=ClassRegistration.Status.WAITLISTED)

    content = member_client.get(reverse("members:timetable")).content.decode()

    assert "4 seats left" in content
    assert "Full · 2 waiting" in content
    assert "Join waitlist" in content


@pytest.mark.django_db
def test_the_timetable_filters_by_day_trainer_room_and_name(member_client):
    trainer = TrainerFactory(user__first_name="Tess", user__last_name="Trainer")
    room = RoomFactory(name="Blue Studio")
    by_trainer = GroupClassFactory(
        name="Spin", booking__trainer=trainer, booking__start_time=local_time(days=1, hour=9)
    )
    in_room = GroupClassFactory(name="Yoga Flow", booking__room=room, booking__start_time=local_time(days=2, hour=9))
    other = _class("HIIT", days=3, hour=9)
    url = reverse("members:timetable")

    day = local_time(days=2, hour=0).date().isoformat()
    assert list(member_client.get(url, {"date": day}).context["page_obj"]) == [in_room]
    assert list(member_client.get(url, {"trainer": "tess"}).context["page_obj"]) == [by_trainer]
    assert list(member_client.get(url, {"trainer": "TESS trainer"}).context["page_obj"]) == [by_trainer]
    assert list(member_client.get(url, {"room": "blue"}).context["page_obj"]) == [in_room]
    assert list(member_client.get(url, {"name": "yoga"}).context["page_obj"]) == [in_room]
    assert list(member_client.get(url, {"name": "hi", "room": ""}).context["page_obj"]) == [other]
    assert list(member_client.get(url, {"name": "yoga", "trainer": "tess"}).context["page_obj"]) == []


@pytest.mark.django_db
def test_a_bad_filter_value_is_shown_as_a_form_error_not_a_crash(member_client):
    _class("Spin")

    response = member_client.get(reverse("members:timetable"), {"date": "someday", "room": "Blue"})

    assert response.status_code == 200
    form = response.context["filter"].form
    assert set(form.errors) == {"date"}


@pytest.mark.django_db
def test_the_timetable_pages_keep_the_filters(member_client):
    for hour in range(6, 6 + 22):
        _class("Spin", days=1 + hour // 24, hour=hour % 24, booking__room=RoomFactory(name=f"Room {hour}"))

    first = member_client.get(reverse("members:timetable"), {"name": "spin"})
    second = member_client.get(reverse("members:timetable"), {"name": "spin", "page": 2})

    assert len(first.context["page_obj"]) == 20
    assert len(second.context["page_obj"]) == 2
    assert "?name=spin&amp;page=2" in first.content.decode()


@pytest.mark.django_db
def test_the_timetable_shows_the_members_own_registrations(member_client, member):
    registered = _class("Spin", hour=9)
    ClassRegistrationFactory(member=member, group_class=registered)
    full = _class("Yoga", hour=12, capacity=1)
    ClassRegistrationFactory(group_class=full)
    ClassRegistrationFactory(group_class=full, status=ClassRegistration.Status.WAITLISTED)
    mine = ClassRegistrationFactory(member=member, group_class=full, status=ClassRegistration.Status.WAITLISTED)

    content = member_client.get(reverse("members:timetable")).content.decode()

    assert "You are registered" in content
    assert "On the waitlist: number 2" in content
    assert reverse("members:registration-cancel", args=[mine.pk]) in content


# -- registering --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_registers_for_a_class_with_seats(member_client, member):
    group_class = _class("Spin", capacity=3, price=Decimal("8.00"))
    url = reverse("members:class-register", args=[group_class.pk])

    page = member_client.get(url)
    response = member_client.post(url, {"next": reverse("members:timetable")}, follow=True)

    assert "3 of 3 left" in page.content.decode() and "£8.00" in page.content.decode()
    registration = ClassRegistration.objects.get(member=member, group_class=group_class)
    assert registration.status == ClassRegistration.Status.REGISTERED
    assert response.redirect_chain[-1][0] == reverse("members:timetable")
    # No plan and no credits: the seat is a drop-in, billed at the class's price.
    assert messages_of(response) == [
        f"You have a place in {scheduling.describe_booking(group_class.booking)}. Drop-in: £8.00 on your next bill."
    ]


@pytest.mark.django_db
def test_a_full_class_puts_the_member_on_the_waitlist_with_their_position(member_client, member):
    group_class = _class("Spin", capacity=1)
    ClassRegistrationFactory(group_class=group_class)
    ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)
    url = reverse("members:class-register", args=[group_class.pk])

    page = member_client.get(url)
    response = member_client.post(url, follow=True)

    assert "Join the waitlist" in page.content.decode()
    registration = ClassRegistration.objects.get(member=member, group_class=group_class)
    assert registration.status == ClassRegistration.Status.WAITLISTED
    assert messages_of(response) == [
        f"{scheduling.describe_booking(group_class.booking)} is full: you are number 2 on the waitlist. "
        "We will email you if a place frees up."
    ]


@pytest.mark.django_db
def test_a_class_that_has_started_is_refused(member_client, member):
    started = GroupClassFactory(booking__start_time=timezone.now() - datetime.timedelta(minutes=5))
    url = reverse("members:class-register", args=[started.pk])

    page = member_client.get(url)
    response = member_client.post(url)

    assert "This class has already started." in page.content.decode()
    assert response.status_code == 200
    assert form_errors(response) == [SchedulingError.messages["class_started"].text]
    assert not ClassRegistration.objects.filter(member=member).exists()


@pytest.mark.django_db
def test_a_past_class_is_refused(member_client, member):
    past = _class("Spin", days=-3)

    response = member_client.post(reverse("members:class-register", args=[past.pk]))

    # The operations message for a class that took place, never "cancelled" (which would say something false).
    assert form_errors(response) == [SchedulingError.messages["class_took_place"].text]
    assert "cancelled" not in form_errors(response)[0]
    assert "This class has already taken place." in response.content.decode()
    assert not ClassRegistration.objects.filter(member=member).exists()


@pytest.mark.django_db
def test_a_cancelled_class_is_refused(member_client, member):
    group_class = _class("Spin")
    Booking.objects.filter(pk=group_class.booking_id).update(status=Booking.Status.CANCELLED)

    response = member_client.post(reverse("members:class-register", args=[group_class.pk]))

    assert form_errors(response) == [SchedulingError.messages["class_cancelled"].text]
    assert not ClassRegistration.objects.filter(member=member).exists()


@pytest.mark.django_db
def test_a_class_overlapping_another_class_of_the_member_is_refused(member_client, member):
    mine = _class("Spin", hour=10)
    ClassRegistrationFactory(member=member, group_class=mine)
    overlapping = GroupClassFactory(name="Yoga", booking__start_time=local_time(days=2, hour=10, minute=30))

    response = member_client.post(reverse("members:class-register", args=[overlapping.pk]))

    assert form_errors(response) == [
        SchedulingError("member_busy", commitment=scheduling.describe_booking(mine.booking)).message
    ]
    assert not ClassRegistration.objects.filter(member=member, group_class=overlapping).exists()


@pytest.mark.django_db
def test_a_class_overlapping_a_pt_session_of_the_member_is_refused(member_client, member):
    PersonalTrainingSessionFactory(member=member, booking__start_time=local_time(days=2, hour=10))
    overlapping = _class("Yoga", hour=10)

    response = member_client.post(reverse("members:class-register", args=[overlapping.pk]))

    [error] = form_errors(response)
    assert error.startswith("You already have something booked at that time: personal training with ")
    assert not ClassRegistration.objects.filter(member=member).exists()


@pytest.mark.django_db
def test_registering_twice_says_so(member_client, member):
    group_class = _class("Spin")
    ClassRegistrationFactory(member=member, group_class=group_class)

    response = member_client.post(reverse("members:class-register", args=[group_class.pk]))

    assert form_errors(response) == [SchedulingError.messages["already_registered"].text]
    assert SchedulingError.messages["already_registered"].text in response.content.decode()
    assert ClassRegistration.objects.filter(member=member).count() == 1


@pytest.mark.django_db
def test_an_unknown_class_is_404(member_client):
    assert member_client.get(reverse("members:class-register", args=[999999])).status_code == 404
    assert member_client.post(reverse("members:class-register", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_next_may_not_leave_the_site(member_client):
    group_class = _class("Spin")

    response = member_client.post(
        reverse("members:class-register", args=[group_class.pk]), {"next": "https://evil.example/"}
    )

    assert response.url == reverse("members:timetable")


# -- cancelling ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cancelling_gives_the_seat_to_the_first_on_the_waitlist_who_gets_an_email(member_client, member):
    group_class = _class("Spin", capacity=1)
    mine = ClassRegistrationFactory(member=member, group_class=group_class)
    first = ClassRegistrationFactory(
        group_class=group_class,
        status=ClassRegistration.Status.WAITLISTED,
        member=MemberFactory(user__email="first@clubsite.test"),
    )
    second = ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)
    url = reverse("members:registration-cancel", args=[mine.pk])

    page = member_client.get(url)
    response = member_client.post(url, follow=True)
    run_jobs()

    assert "Your seat will go to the first member on the waitlist." in page.content.decode()
    statuses = {r.pk: r.status for r in ClassRegistration.objects.filter(group_class=group_class)}
    assert statuses == {mine.pk: "cancelled", first.pk: "registered", second.pk: "waitlisted"}
    assert {message.to[0]: message.subject for message in mail.outbox} == {
        "first@clubsite.test": "You have a place in Spin",
        mine.member.user.email: "Your place in Spin is cancelled",
    }
    assert response.redirect_chain[-1][0] == reverse("members:dashboard")
    assert messages_of(response) == [
        f"Your place in {scheduling.describe_booking(group_class.booking)} has been cancelled."
    ]


@pytest.mark.django_db
def test_leaving_the_waitlist(member_client, member):
    group_class = _class("Spin", capacity=1)
    ClassRegistrationFactory(group_class=group_class)
    mine = ClassRegistrationFactory(member=member, group_class=group_class, status=ClassRegistration.Status.WAITLISTED)

    response = member_client.post(
        reverse("members:registration-cancel", args=[mine.pk]), {"next": reverse("members:timetable")}, follow=True
    )

    mine.refresh_from_db()
    assert mine.status == ClassRegistration.Status.CANCELLED
    assert response.redirect_chain[-1][0] == reverse("members:timetable")
    what = scheduling.describe_booking(group_class.booking)
    assert messages_of(response) == [f"You have left the waitlist of {what}."]


@pytest.mark.django_db
def test_a_class_that_has_started_cannot_be_cancelled(member_client, member):
    started = GroupClassFactory(booking__start_time=timezone.now() - datetime.timedelta(minutes=10))
    mine = ClassRegistrationFactory(member=member, group_class=started)

    response = member_client.post(reverse("members:registration-cancel", args=[mine.pk]))

    assert response.status_code == 200
    assert form_errors(response) == [SchedulingError.messages["registration_class_started"].text]
    mine.refresh_from_db()
    assert mine.status == ClassRegistration.Status.REGISTERED


@pytest.mark.django_db
def test_cancelling_twice_says_so(member_client, member):
    mine = ClassRegistrationFactory(member=member, group_class=_class("Spin"), status="cancelled")

    response = member_client.post(reverse("members:registration-cancel", args=[mine.pk]))

    assert form_errors(response) == [SchedulingError.messages["registration_already_cancelled"].text]


@pytest.mark.django_db
def test_cancelling_a_place_already_on_a_draft_invoice_takes_the_charge_off(member_client, member):
    group_class = _class("Spin", price=Decimal("8.00"))
    mine = ClassRegistrationFactory(member=member, group_class=group_class)
    when = timezone.localdate()
    billing.invoice_generate(member=member, period_start=when, period_end=when + datetime.timedelta(days=3))
    assert InvoiceLine.objects.filter(class_registration=mine).exists()

    response = member_client.post(reverse("members:registration-cancel", args=[mine.pk]), follow=True)

    assert not InvoiceLine.objects.filter(class_registration=mine).exists()
    assert messages_of(response) == [
        f"Your place in {scheduling.describe_booking(group_class.booking)} has been cancelled. "
        "It is off your next invoice."
    ]
