"""Staff's door onto operations: rooms, bookings, equipment, maintenance, classes, registrations, member search."""

from ninja import Router

router = Router(tags=["staff"])
