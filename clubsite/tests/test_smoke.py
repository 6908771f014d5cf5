import pytest
from django.urls import reverse

from operations.tests.factories import GroupClassFactory


@pytest.mark.django_db
def test_home_page_shows_upcoming_classes_to_visitors(client):
    group_class = GroupClassFactory(name="Sunrise Yoga")

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "Sunrise Yoga" in response.content.decode()
    assert group_class.booking.room.name in response.content.decode()
