"""The member's reminder choices: which mail they get before their classes and sessions."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from clubsite.api.access import member_of
from clubsite.api.schemas import PROBLEMS
from members.models import Member
from members.services import member_set_reminders

router = Router(tags=["member"])


class RemindersOut(Schema):
    classes: bool = Field(description="A reminder before each class you have a seat in.")
    pt_sessions: bool = Field(description="A reminder before each personal training session.")
    hours_before: int = Field(description="How long before the start the reminder is sent (the club's setting).")


class RemindersIn(Schema):
    classes: bool
    pt_sessions: bool


def reminders_of(member: Member) -> RemindersOut:
    return RemindersOut(
        classes=member.remind_classes,
        pt_sessions=member.remind_pt_sessions,
        hours_before=settings.CLUB_REMINDER_HOURS,
    )


@router.get(
    "/reminders",
    response={200: RemindersOut, **PROBLEMS},
    operation_id="member_reminders_read",
    url_name="member_reminders_read",
    summary="Which reminders you get",
)
def reminders_read(request: HttpRequest) -> RemindersOut:
    """Confirmations, changes and bills always go out; reminders are yours to choose."""
    return reminders_of(member_of(request))


@router.put(
    "/reminders",
    response={200: RemindersOut, **PROBLEMS},
    operation_id="member_reminders_update",
    url_name="member_reminders_update",
    summary="Choose which reminders you get",
)
def reminders_update(request: HttpRequest, payload: RemindersIn) -> RemindersOut:
    """Turn the class and the personal training reminders on or off."""
    member = member_set_reminders(member=member_of(request), classes=payload.classes, pt_sessions=payload.pt_sessions)
    return reminders_of(member)
