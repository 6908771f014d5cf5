"""operations.selectors.rooms_free, which the member portal offers for a personal training session."""

import datetime

import pytest

from operations.models import Booking
from operations.selectors import rooms_free
from operations.tests.factories import BookingFactory, RoomFactory, local_time


@pytest.mark.django_db
def test_rooms_free_leaves_out_rooms_with_a_live_overlapping_booking(django_assert_num_queries):
    start, end = local_time(days=2, hour=10), local_time(days=2, hour=11)
    free = RoomFactory(name="A free room")
    busy = RoomFactory(name="B busy room")
    minute = datetime.timedelta(minutes=1)
    BookingFactory(room=busy, start_time=start - 30 * minute, end_time=start + minute)
    back_to_back = RoomFactory(name="C back to back")
    BookingFactory(room=back_to_back, start_time=end, end_time=end + datetime.timedelta(hours=1))
    cancelled = RoomFactory(name="D cancelled booking")
    BookingFactory(room=cancelled, start_time=start, end_time=end, status=Booking.Status.CANCELLED)

    with django_assert_num_queries(1):
        rooms = list(rooms_free(start=start, end=end))

    assert rooms == [free, back_to_back, cancelled]
    assert busy not in rooms


@pytest.mark.django_db
def test_a_booking_being_moved_does_not_block_its_own_room():
    start, end = local_time(days=2, hour=10), local_time(days=2, hour=11)
    room = RoomFactory(name="Studio")
    moving = BookingFactory(room=room, start_time=start, end_time=end)

    assert list(rooms_free(start=start, end=end)) == []
    assert list(rooms_free(start=start, end=end, exclude_booking_id=moving.pk)) == [room]
