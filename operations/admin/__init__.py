"""Staff back office for staff roles, rooms, equipment, bookings, classes and PT sessions, through the services.

One module per sub-domain; importing the package registers them all. Cancelling anything here goes through
the one cancellation path (``operations.events``), so what was billed is settled whichever page cancels.
"""

from . import bookings, classes, pt, rooms, staff

__all__ = ["bookings", "classes", "pt", "rooms", "staff"]
