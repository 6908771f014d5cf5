import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clubsite.views import HOME_CLASSES
from operations.tests.factories import GroupClassFactory


@pytest.mark.django_db
def test_home_page_shows_upcoming_classes_to_visitors(client):
    group_class = GroupClassFactory(name="Sunrise Yoga")

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "Sunrise Yoga" in response.content.decode()
    assert group_class.booking.room.name in response.content.decode()


@pytest.mark.django_db
def test_home_page_shows_the_next_thirty_classes_in_a_fixed_number_of_queries(client, django_assert_num_queries):
    soon = timezone.now() + datetime.timedelta(hours=1)
    for hour in range(HOME_CLASSES + 2):
        GroupClassFactory(
            name=f"Class {hour:02d}",
            booking__start_time=soon + datetime.timedelta(hours=hour),
            booking__end_time=soon + datetime.timedelta(hours=hour, minutes=45),
        )

    with django_assert_num_queries(2):  # the class bookings in the week, then the thirty classes
        response = client.get(reverse("home"))

    content = response.content.decode()
    assert f"Class {HOME_CLASSES - 1:02d}" in content
    assert f"Class {HOME_CLASSES:02d}" not in content
    assert reverse("members:timetable") in content
