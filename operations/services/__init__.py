"""The club's scheduling rules: every write of operations, by sub-domain.

``from operations.services import class_register`` and ``services.class_register(...)`` both work: the public
services, their error and the limits forms need are re-exported here. Each module says what it covers:

- ``availability``: trainers' availability windows;
- ``rooms``: rooms, events and closures, moving a booking to another room, cancelling any booking;
- ``classes``: scheduling (one, weekly, or a series on weekdays), moving and cancelling group classes;
- ``registrations``: places in classes, seats offered from the waitlist, and attendance;
- ``pt``: personal training sessions;
- ``maintenance``: equipment and its maintenance records;
- ``_common``: the span checks, locks, clash checks and mail they share.

Every cancellation returns ``operations.events.Cancelled`` and sends ``places_cancelled`` inside its transaction.
"""

from ..describe import booking_label, describe_booking, describe_day, describe_span
from ..errors import SchedulingError
from ..events import Cancelled
from ._common import MAX_SERIES_DAYS, MAX_WEEKS
from .availability import (
    MAX_TIME_OFF_DAYS,
    TemplateApplied,
    TemplateCollision,
    TimeOffTaken,
    availability_apply_template,
    availability_create,
    availability_create_weekly,
    availability_delete,
    availability_update,
    describe_days,
    time_off_create,
)
from .classes import (
    ALL_OR_NOTHING,
    SERIES_MODES,
    WHAT_FITS,
    SeriesCreated,
    class_cancel,
    class_create,
    class_create_weekly,
    class_reschedule,
    class_series_create,
)
from .maintenance import equipment_create, equipment_update, maintenance_record_create, maintenance_record_set_status
from .pt import (
    PT_NOTE_MAX_LENGTH,
    pt_session_book,
    pt_session_cancel,
    pt_session_mark,
    pt_session_note,
    pt_session_price,
    pt_session_reschedule,
)
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
    "ALL_OR_NOTHING",
    "MAX_SERIES_DAYS",
    "SERIES_MODES",
    "WHAT_FITS",
    "MAX_TIME_OFF_DAYS",
    "MAX_WEEKS",
    "PT_NOTE_MAX_LENGTH",
    "Cancelled",
    "SchedulingError",
    "SeriesCreated",
    "TemplateApplied",
    "TemplateCollision",
    "TimeOffTaken",
    "availability_apply_template",
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
    "class_series_create",
    "describe_booking",
    "describe_day",
    "describe_days",
    "describe_span",
    "equipment_create",
    "equipment_update",
    "maintenance_record_create",
    "maintenance_record_set_status",
    "pt_session_book",
    "pt_session_cancel",
    "pt_session_mark",
    "pt_session_note",
    "pt_session_price",
    "pt_session_reschedule",
    "room_booking_create",
    "room_create",
    "room_update",
    "time_off_create",
]
