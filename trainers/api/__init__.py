"""The trainer's door onto the API: availability, schedule, attendance, member lookup, equipment issues."""

from ninja import Router

router = Router(tags=["trainer"])
