"""The club's scheduling rules: every write of operations, by sub-domain.

``from operations.services import class_register`` and ``services.class_register(...)`` both work: the public
services, their error and the limits forms need are re-exported here. Each module says what it covers:

- ``availability``: trainers' availability windows;
- ``rooms``: rooms, events and closures, moving a booking to another room, cancelling any booking;
- ``classes``: scheduling, moving and cancelling group classes;
- ``registrations``: places in classes, seats offered from the waitlist, and attendance;
- ``pt``: personal training sessions;
- ``maintenance``: equipment and its maintenance records;
- ``_common``: the span checks, locks, clash checks and mail they share.

Every cancellation returns ``operations.events.Cancelled`` and sends ``places_cancelled`` inside its transaction.
"""

from ..describe import booking_label, describe_booking, describe_day, describe_span
from ..errors import SchedulingError
from ..events import Cancelled
from ._common import MAX_WEEKS
from .availability import availability_create, availability_create_weekly, availability_delete, availability_update
from .classes import class_cancel, class_create, class_create_weekly, class_reschedule
from .maintenance import equipment_create, equipment_update, maintenance_record_create, maintenance_record_set_status
from .pt import pt_session_book, pt_session_cancel, pt_session_mark, pt_session_price, pt_session_reschedule
from .registrations import (
    class_attendance_mark,
    class_offer_accept,
    class_offer_decline,
    class_offers_expire,
    class_register,
    class_registration_cancel,
)
from .rooms import booking_cancel, booking_cancel_by, booking_move_room, room_booking_create, room_create, room_update

__all__ = [
    "MAX_WEEKS",
    "Cancelled",
    "SchedulingError",
    "availability_create",
    "availability_create_weekly",
    "availability_delete",
    "availability_update",
    "booking_cancel",
    "booking_cancel_by",
    "booking_label",
    "booking_move_room",
    "class_attendance_mark",
    "class_cancel",
    "class_create",
    "class_create_weekly",
    "class_offer_accept",
    "class_offer_decline",
    "class_offers_expire",
    "class_register",
    "class_registration_cancel",
    "class_reschedule",
    "describe_booking",
    "describe_day",
    "describe_span",
    "equipment_create",
    "equipment_update",
    "maintenance_record_create",
    "maintenance_record_set_status",
    "pt_session_book",
    "pt_session_cancel",
    "pt_session_mark",
    "pt_session_price",
    "pt_session_reschedule",
    "room_booking_create",
    "room_create",
    "room_update",
]
