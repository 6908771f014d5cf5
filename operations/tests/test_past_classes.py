"""A class that already took place is never called cancelled: not by the service, nor at the front desk's
registration form, nor over the API."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clubsite.testing.errors import refused
from members.tests.factories import MemberFactory
from operations import services
from operations.errors import SchedulingError
from operations.models import Booking, ClassRegistration
from operations.tests.factories import GroupClassFactory
from operations.tests.test_api_staff import problem_of, staff_api

pytestmark = pytest.mark.django_db


def past_class(**booking):
    start = timezone.now() - datetime.timedelta(days=2)
    return GroupClassFactory(
        booking__start_time=start, booking__end_time=start + datetime.timedelta(hours=1), **booking
    )


TOOK_PLACE = SchedulingError.messages["class_took_place"].text


class TestTheService:
    @pytest.mark.parametrize("status", [Booking.Status.COMPLETED, Booking.Status.SCHEDULED])
    def test_registering_for_a_class_that_took_place_says_so(self, status):
        group_class = past_class(booking__status=status)

        with refused("class_took_place"):
            services.class_register(member=MemberFactory(), group_class=group_class)

        assert not ClassRegistration.objects.exists()

    def test_a_class_under_way_has_started(self):
        start = timezone.now() - datetime.timedelta(minutes=10)
        group_class = GroupClassFactory(
            booking__start_time=start, booking__end_time=start + datetime.timedelta(hours=1)
        )

        with refused("class_started"):
            services.class_register(member=MemberFactory(), group_class=group_class)

    def test_a_cancelled_class_in_the_past_is_still_cancelled(self):
        group_class = past_class(booking__status=Booking.Status.CANCELLED)

        with refused("class_cancelled"):
            services.class_register(member=MemberFactory(), group_class=group_class)

    def test_the_message_says_it_took_place(self):
        assert TOOK_PLACE == "This class has already taken place."


def test_the_front_desk_registration_form_says_the_class_took_place(admin_client):
    group_class = past_class(booking__status=Booking.Status.COMPLETED)

    response = admin_client.post(
        reverse("admin:operations_classregistration_add"),
        {"member": MemberFactory().pk, "group_class": group_class.pk},
    )

    assert response.context["adminform"].form.non_field_errors() == [TOOK_PLACE]
    assert "cancelled" not in " ".join(response.context["adminform"].form.non_field_errors())


def test_the_api_refuses_with_its_own_code():
    group_class = past_class(booking__status=Booking.Status.COMPLETED)

    response = staff_api("front_desk").post(
        "/staff/registrations", {"member": MemberFactory().pk, "group_class": group_class.pk}
    )

    assert problem_of(response) == (409, "class_took_place", None)
    assert response.json()["detail"] == TOOK_PLACE
