"""Staff's door onto operations: rooms, bookings, equipment, maintenance, classes, registrations, member search.

Each endpoint asks for the Django permission the admin checks for the same change, so every staff role can do
here exactly what it can in the admin, through the same services. A refusal is the service's ClubError.
"""

from ninja import Router

from clubsite.api.access import STAFF_AUTH

from . import classes, members, rooms

router = Router(tags=["staff"], auth=STAFF_AUTH)
router.add_router("", rooms.router)
router.add_router("", classes.router)
router.add_router("", members.router)
