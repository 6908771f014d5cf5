"""The trainer's door onto the API: availability (windows, the weekly template, time off), schedule, attendance and
session notes, member lookup and a client's page, equipment issues.

Handlers are as thin as the trainer portal's views and call the same services and selectors: a trainer reaches
only their own windows, classes and sessions (anyone else's id is a 404, as on the portal), and a member looked
up shows name, active goals and latest metric, nothing else.
"""

from __future__ import annotations

from ninja import Router

from clubsite.api.access import TRAINER_AUTH

from . import attendance, availability, calendar, equipment, lookup, schedule, template

router = Router(tags=["trainer"], auth=TRAINER_AUTH)
# The template's fixed paths (/availability/template...) before the windows' /availability/{id}, which would take them.
for _part in (template, availability, schedule, attendance, lookup, equipment, calendar):
    router.add_router("", _part.router)
