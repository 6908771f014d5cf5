"""Class booking made for a phone: the day strip, the week view, the class page, and booking or cancelling in one
tap (a late cancel still says what it costs first)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.tests.factories import ClassPackFactory, CreditPackFactory
from clubsite.testing import messages_of
from clubsite.testing.portal import in_hours
from members.tests.factories import MemberFactory
from operations import services as scheduling
from operations.models import ClassRegistration
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory, RoomFactory, local_time
from trainers.tests.factories import TrainerFactory

# Every page: the session, the user, the member profile and the header's trainer check.
BASE = 4


def _class(name="Spin", *, days=2, hour=10, **extra):
    return GroupClassFactory(name=name, booking__start_time=local_time(days=days, hour=hour), **extra)


def _today():
    return local_time(days=0, hour=12).date()


# -- the day strip ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_day_strip_offers_the_booking_days_and_a_chip_shows_that_days_classes(member_client):
    tomorrow, later = _class("Spin", days=1), _class("Yoga", days=3)
    day = local_time(days=3, hour=0).date()

    everything = member_client.get(reverse("members:timetable"))
    one_day = member_client.get(reverse("members:timetable"), {"date": day.isoformat()})

    assert everything.context["day_strip"] == [_today() + datetime.timedelta(days=n) for n in range(14)]
    assert f'href="/member/classes/?date={day.isoformat()}"' in everything.content.decode()
    assert list(everything.context["page_obj"]) == [tomorrow, later]
    assert list(one_day.context["page_obj"]) == [later]
    assert one_day.context["chosen_day"] == day
    assert 'aria-current="page"' in one_day.content.decode()


# -- the week view ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_week_view_lists_seven_days_with_the_members_places(member_client, member):
    mine = _class("Spin", days=1)
    ClassRegistrationFactory(member=member, group_class=mine)
    other = _class("Yoga", days=4)
    _class("Too far", days=8)

    response = member_client.get(reverse("members:timetable-week"))

    days = response.context["days"]
    assert [day for day, _classes in days] == [_today() + datetime.timedelta(days=n) for n in range(7)]
    listed = {group_class.name: group_class for _day, classes in days for group_class in classes}
    assert set(listed) == {"Spin", "Yoga"}
    assert listed["Spin"].my_registration.status == ClassRegistration.Status.REGISTERED
    assert listed["Yoga"].my_registration is None
    assert reverse("members:class-register", args=[other.pk]) in response.content.decode()
    assert response.context["previous_week"] is None


@pytest.mark.django_db
def test_the_week_view_pages_by_week_and_holds_odd_starts_within_the_timetable(member_client):
    next_week = (_today() + datetime.timedelta(days=7)).isoformat()

    paged = member_client.get(reverse("members:timetable-week"), {"start": next_week})
    past = member_client.get(reverse("members:timetable-week"), {"start": "2001-01-01"})
    far = member_client.get(reverse("members:timetable-week"), {"start": "9999-12-31"})
    unreadable = member_client.get(reverse("members:timetable-week"), {"start": "soon"})

    assert paged.context["first_day"].isoformat() == next_week
    assert paged.context["previous_week"] == _today()
    assert past.context["first_day"] == unreadable.context["first_day"] == _today()
    assert far.context["first_day"] == _today() + datetime.timedelta(days=90 - 7)
    assert far.context["next_week"] is None


@pytest.mark.django_db
def test_the_week_view_costs_the_same_whatever_the_classes(member_client, member, django_assert_num_queries):
    def grow(count):
        for index in range(count):
            group_class = _class(f"Class {index}", days=1 + index % 6, hour=6 + index // 6)
            ClassRegistrationFactory(member=member, group_class=group_class)

    url = reverse("members:timetable-week")
    grow(1)
    # the class bookings, their classes with seat counts, the member's registrations
    with django_assert_num_queries(BASE + 3):
        member_client.get(url)
    grow(12)
    with django_assert_num_queries(BASE + 3):
        member_client.get(url)


# -- the class page -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_class_page_shows_what_who_where_and_the_seats_left(member_client):
    trainer = TrainerFactory(user__first_name="Tess", user__last_name="Trainer", specialization="Yoga")
    group_class = _class(
        "Yoga Flow",
        description="Slow flow for every body.",
        capacity=12,
        booking__trainer=trainer,
        booking__room=RoomFactory(name="Studio One", location="First floor"),
    )
    ClassRegistrationFactory(group_class=group_class)

    page = member_client.get(reverse("members:class-detail", args=[group_class.pk])).content.decode()

    assert "Slow flow for every body." in page
    assert "Tess Trainer" in page and "(Yoga)" in page
    assert "Studio One, First floor" in page
    assert "11 of 12 left" in page
    assert f'action="{reverse("members:class-register", args=[group_class.pk])}"' in page


@pytest.mark.django_db
def test_the_class_page_says_how_the_members_seat_is_paid_and_cancels_in_one_tap(member_client, member):
    CreditPackFactory(member=member, pack=ClassPackFactory(credits=3))
    group_class = _class("Spin")
    registration = scheduling.class_register(member=member, group_class=group_class)

    page = member_client.get(reverse("members:class-detail", args=[group_class.pk])).content.decode()

    assert "Registered. Paid with a class credit." in page
    assert "late-warning" not in page
    assert f'action="{reverse("members:registration-cancel", args=[registration.pk])}"' in page


@pytest.mark.django_db
def test_the_class_page_costs_the_same_with_or_without_a_place(member_client, member, django_assert_num_queries):
    group_class = _class("Spin")
    url = reverse("members:class-detail", args=[group_class.pk])
    # the class with its seat counts, the member's place with its cover
    with django_assert_num_queries(BASE + 2):
        member_client.get(url)
    CreditPackFactory(member=member, pack=ClassPackFactory(credits=3))
    scheduling.class_register(member=member, group_class=group_class)
    with django_assert_num_queries(BASE + 2):
        member_client.get(url)


@pytest.mark.django_db
def test_another_members_class_page_never_shows_their_place(client, member):
    group_class = _class("Spin")
    ClassRegistrationFactory(member=member, group_class=group_class)
    client.force_login(MemberFactory().user)

    page = client.get(reverse("members:class-detail", args=[group_class.pk]))

    assert page.context["registration"] is None
    assert client.get(reverse("members:class-detail", args=[987654])).status_code == 404


# -- one tap ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_tap_on_the_timetable_books_and_one_more_cancels(member_client, member):
    group_class = _class("Spin", price=Decimal("8.00"))
    here = reverse("members:timetable")

    timetable = member_client.get(here).content.decode()
    assert f'<form method="post" action="{reverse("members:class-register", args=[group_class.pk])}"' in timetable

    booked = member_client.post(reverse("members:class-register", args=[group_class.pk]), {"next": here}, follow=True)
    registration = ClassRegistration.objects.get(member=member, group_class=group_class)
    assert registration.status == ClassRegistration.Status.REGISTERED
    assert messages_of(booked)[0].startswith("You have a place in Spin")
    assert f'action="{reverse("members:registration-cancel", args=[registration.pk])}"' in booked.content.decode()

    cancelled = member_client.post(
        reverse("members:registration-cancel", args=[registration.pk]), {"next": here}, follow=True
    )
    registration.refresh_from_db()
    assert registration.status == ClassRegistration.Status.CANCELLED
    assert cancelled.redirect_chain[-1][0] == here
    assert "has been cancelled" in messages_of(cancelled)[0]


@pytest.mark.django_db
def test_a_late_seat_on_the_timetable_leads_to_the_page_that_says_what_it_costs(member_client, member):
    soon = GroupClassFactory(name="Spin", booking__start_time=in_hours(3))  # inside the 12-hour cut-off
    registration = ClassRegistrationFactory(member=member, group_class=soon)

    page = member_client.get(reverse("members:timetable")).content.decode()

    cancel_url = reverse("members:registration-cancel", args=[registration.pk])
    assert f'href="{cancel_url}?next=' in page
    assert f'<form method="post" action="{cancel_url}"' not in page


@pytest.mark.django_db
def test_another_members_place_cannot_be_cancelled(client, member):
    registration = ClassRegistrationFactory(member=member, group_class=_class("Spin"))
    client.force_login(MemberFactory().user)

    response = client.post(reverse("members:registration-cancel", args=[registration.pk]))

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == ClassRegistration.Status.REGISTERED
