"""Every mail the club sends about classes and sessions: one builder per notice, one recipient per notice.

A builder reads the rows as they are when the worker sends (not as they were when the job was queued) and
returns None when the mail no longer makes sense: a reminder for a class cancelled since, a promotion whose
place was given up. The job that calls it (``tasks.send_notice``) makes sure it is sent once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import dateformat, timezone

from billing.models import ClassCover, InvoiceLine
from clubsite.core.clock import club_time
from members.templatetags.member_tags import money
from operations.describe import describe_span
from operations.models import Booking, ClassRegistration, PersonalTrainingSession
from operations.selectors import class_cutoff_hours, waitlist_position

from .mail import Mail, site_url

Builder = Callable[[int], Mail | None]
NOTICES: dict[str, Builder] = {}


def notice(name: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        NOTICES[name] = builder
        return builder

    return register


# -- what the mails say about a booking -------------------------------------------------------------


def _where(booking: Booking) -> str:
    return booking.room.name if booking.room is not None else "Online"


def _class_details(booking: Booking) -> list[tuple[str, str]]:
    details = [("When", describe_span(booking.start_time, booking.end_time)), ("Where", _where(booking))]
    if booking.trainer is not None:
        details.append(("Trainer", str(booking.trainer)))
    return details


def _registration(registration_id: int) -> ClassRegistration | None:
    return (
        ClassRegistration.objects.select_related(
            "member__user", "group_class__booking__room", "group_class__booking__trainer__user"
        )
        .filter(pk=registration_id)
        .first()
    )


def _session(session_id: int) -> PersonalTrainingSession | None:
    return (
        PersonalTrainingSession.objects.select_related("member__user", "booking__room", "booking__trainer__user")
        .filter(pk=session_id)
        .first()
    )


def _to_member(registration_or_session: ClassRegistration | PersonalTrainingSession, **content: Any) -> Mail:
    """A mail to the member the place or session is theirs."""
    user = registration_or_session.member.user
    return Mail(to=user.email, name=user.first_name or str(registration_or_session.member), **content)


MY_CLASSES = ("See your classes", "members:timetable")
MY_TRAINING = ("See your training", "members:training")


def _action(label_and_url: tuple[str, str]) -> tuple[str, str]:
    label, url_name = label_and_url
    return label, site_url(reverse(url_name))


# -- class places -----------------------------------------------------------------------------------


@notice("waitlist_joined")
def waitlist_joined(registration_id: int) -> Mail | None:
    """Sent only while the member is still waiting: once promoted, the promotion's mail says it all."""
    registration = _registration(registration_id)
    if registration is None or registration.status != ClassRegistration.Status.WAITLISTED:
        return None
    group_class = registration.group_class
    position = waitlist_position(registration=registration)
    return _to_member(
        registration,
        subject=f"You are on the waitlist for {group_class.name}",
        lead=f"{group_class.name} is full, so you are on its waitlist (number {position}).",
        details=_class_details(group_class.booking),
        paragraphs=["If a place comes free, it is yours and we will tell you by mail."],
        action=_action(MY_CLASSES),
    )


@notice("class_registered")
def class_registered(registration_id: int) -> Mail | None:
    registration = _registration(registration_id)
    if registration is None or registration.status != ClassRegistration.Status.REGISTERED:
        return None
    group_class = registration.group_class
    booking = group_class.booking
    return _to_member(
        registration,
        subject=f"You are booked into {group_class.name}",
        lead=f"Your place in {group_class.name} is confirmed.",
        details=_class_details(booking),
        paragraphs=["If you can no longer come, please give your place up so someone on the waitlist can have it."],
        action=_action(MY_CLASSES),
    )


@notice("registration_promoted")
def registration_promoted(registration_id: int) -> Mail | None:
    registration = _registration(registration_id)
    if registration is None or registration.status != ClassRegistration.Status.REGISTERED:
        return None
    group_class = registration.group_class
    return _to_member(
        registration,
        subject=f"You have a place in {group_class.name}",
        lead=f"Good news: a place came free in {group_class.name} and it is now yours.",
        details=_class_details(group_class.booking),
        paragraphs=["If you can no longer come, please cancel so the next person on the waitlist can have it."],
        action=(
            "Cancel my place",
            site_url(reverse("members:registration-cancel", args=[registration.pk])),
        ),
    )


def _place_cancelled(registration: ClassRegistration, paragraphs: list[str]) -> Mail:
    group_class = registration.group_class
    return _to_member(
        registration,
        subject=f"Your place in {group_class.name} is cancelled",
        lead=f"You no longer have a place in {group_class.name}.",
        details=_class_details(group_class.booking),
        paragraphs=paragraphs,
        action=("Book another class", site_url(reverse("members:timetable"))),
    )


def _cancelled_registration(registration_id: int) -> ClassRegistration | None:
    registration = _registration(registration_id)
    if registration is None or registration.status != ClassRegistration.Status.CANCELLED:
        return None
    return registration


@notice("registration_cancelled")
def registration_cancelled(registration_id: int) -> Mail | None:
    registration = _cancelled_registration(registration_id)
    return None if registration is None else _place_cancelled(registration, [])


@notice("registration_cancelled_late")
def registration_cancelled_late(registration_id: int) -> Mail | None:
    """A seat given up inside the cut-off: the mail says what it cost, as the bill and the packs now show it."""
    registration = _cancelled_registration(registration_id)
    if registration is None:
        return None
    late = f"You gave the place up less than {class_cutoff_hours()} hours before the class"
    fee = (
        InvoiceLine.objects.filter(kind=InvoiceLine.Kind.FEE, class_registration=registration, voided=False)
        .values_list("unit_price", flat=True)
        .first()
    )
    if ClassCover.objects.filter(registration=registration, kind=ClassCover.Kind.CREDIT).exists():
        cost = f"{late}, so the class credit that paid for it is not given back."
    elif fee is not None:
        cost = f"{late}, so the {money(fee)} late-cancel fee is added to this month's bill."
    else:
        cost = f"{late}."
    return _place_cancelled(registration, [cost])


@notice("seat_offered")
def seat_offered(registration_id: int) -> Mail | None:
    """Sent only while the offer stands: accepted, declined or passed on by the time the worker sends, no mail."""
    registration = _registration(registration_id)
    if registration is None or registration.status != ClassRegistration.Status.OFFERED:
        return None
    expires_at = registration.offer_expires_at
    if expires_at is None or expires_at <= timezone.now():
        return None
    group_class = registration.group_class
    by = dateformat.format(club_time(expires_at), "D j M H:i")
    return _to_member(
        registration,
        subject=f"A seat in {group_class.name} is offered to you",
        lead=f"A seat came free in {group_class.name}, and it is offered to you: accept it by {by}.",
        details=[*_class_details(group_class.booking), ("Accept by", by)],
        paragraphs=["If you do not accept it in time, it passes to the next person on the waitlist."],
        action=("Accept on your dashboard", site_url(reverse("members:dashboard"))),
    )


@notice("class_moved")
def class_moved(registration_id: int) -> Mail | None:
    registration = _registration(registration_id)
    if registration is None or registration.status not in ClassRegistration.LIVE:
        return None
    group_class = registration.group_class
    still = "on the waitlist" if registration.status == ClassRegistration.Status.WAITLISTED else "registered"
    return _to_member(
        registration,
        subject=f"{group_class.name} has been moved",
        lead=f"{group_class.name} has been moved. It now takes place:",
        details=_class_details(group_class.booking),
        paragraphs=[f"You are still {still}. If the new time does not suit you, you can cancel your place."],
        action=("Cancel my place", site_url(reverse("members:registration-cancel", args=[registration.pk]))),
    )


@notice("class_cancelled")
def class_cancelled(registration_id: int) -> Mail | None:
    registration = _registration(registration_id)
    if registration is None:
        return None
    group_class = registration.group_class
    return _to_member(
        registration,
        subject=f"{group_class.name} has been cancelled",
        lead=f"We are sorry: {group_class.name} has been cancelled, and your place with it.",
        details=_class_details(group_class.booking),
        paragraphs=["Anything you were charged for it comes off your bill."],
        action=("Pick another class", site_url(reverse("members:timetable"))),
    )


@notice("class_reminder")
def class_reminder(registration_id: int) -> Mail | None:
    registration = _registration(registration_id)
    if registration is None or registration.status != ClassRegistration.Status.REGISTERED:
        return None
    booking = registration.group_class.booking
    if booking.status != Booking.Status.SCHEDULED or booking.start_time <= timezone.now():
        return None
    if not registration.member.remind_classes:
        return None
    return _to_member(
        registration,
        subject=f"Reminder: {registration.group_class.name}, {describe_span(booking.start_time, booking.end_time)}",
        lead=f"A reminder that you have a place in {registration.group_class.name}.",
        details=_class_details(booking),
        paragraphs=["Can't make it? Please give your place up so someone on the waitlist can come."],
        action=("Cancel my place", site_url(reverse("members:registration-cancel", args=[registration.pk]))),
        preferences_for=registration.member_id,
        why=f"You get this because you asked for class reminders {settings.CLUB_REMINDER_HOURS} hours ahead.",
    )


# -- personal training: the member and the trainer each get their own mail ----------------------------


def _pt_details(booking: Booking, *, for_trainer: PersonalTrainingSession | None = None) -> list[tuple[str, str]]:
    details = [("When", describe_span(booking.start_time, booking.end_time)), ("Where", _where(booking))]
    if for_trainer is not None:
        details.append(("Member", str(for_trainer.member)))
    elif booking.trainer is not None:
        details.append(("Trainer", str(booking.trainer)))
    return details


def _to_trainer(session: PersonalTrainingSession, **content: Any) -> Mail | None:
    """A mail to the session's trainer (none for a session without one)."""
    trainer = session.booking.trainer
    if trainer is None:
        return None
    return Mail(to=trainer.user.email, name=trainer.user.first_name or str(trainer), **content)


def _trainer_session_link(session: PersonalTrainingSession) -> tuple[str, str]:
    return "Open the session", site_url(reverse("trainers:session-detail", args=[session.pk]))


def _pt_pair(
    name: str,
    *,
    scheduled_only: bool,
    subject: str,
    member_lead: str,
    trainer_lead: str,
) -> None:
    """Register ``<name>_member`` and ``<name>_trainer`` notices about one session."""

    def relevant(session_id: int) -> PersonalTrainingSession | None:
        session = _session(session_id)
        if session is None:
            return None
        scheduled = session.booking.status == Booking.Status.SCHEDULED
        return session if scheduled == scheduled_only else None

    def to_member(session_id: int) -> Mail | None:
        session = relevant(session_id)
        if session is None:
            return None
        return _to_member(
            session,
            subject=subject,
            lead=member_lead,
            details=_pt_details(session.booking),
            action=_action(MY_TRAINING),
        )

    def to_trainer(session_id: int) -> Mail | None:
        session = relevant(session_id)
        if session is None:
            return None
        return _to_trainer(
            session,
            subject=f"{subject}: {session.member}",
            lead=trainer_lead.format(member=session.member),
            details=_pt_details(session.booking, for_trainer=session),
            action=_trainer_session_link(session),
        )

    NOTICES[f"{name}_member"] = to_member
    NOTICES[f"{name}_trainer"] = to_trainer


_pt_pair(
    "pt_booked",
    scheduled_only=True,
    subject="Personal training booked",
    member_lead="Your personal training session is booked.",
    trainer_lead="{member} booked a personal training session with you.",
)
_pt_pair(
    "pt_moved",
    scheduled_only=True,
    subject="Personal training moved",
    member_lead="Your personal training session has moved. It now takes place:",
    trainer_lead="Your personal training session with {member} has moved. It now takes place:",
)
_pt_pair(
    "pt_cancelled",
    scheduled_only=False,
    subject="Personal training cancelled",
    member_lead="Your personal training session has been cancelled.",
    trainer_lead="Your personal training session with {member} has been cancelled.",
)


@notice("pt_reminder")
def pt_reminder(session_id: int) -> Mail | None:
    session = _session(session_id)
    if session is None:
        return None
    booking = session.booking
    if booking.status != Booking.Status.SCHEDULED or booking.start_time <= timezone.now():
        return None
    if not session.member.remind_pt_sessions:
        return None
    return _to_member(
        session,
        subject=f"Reminder: personal training, {describe_span(booking.start_time, booking.end_time)}",
        lead="A reminder of your personal training session.",
        details=_pt_details(booking),
        action=_action(MY_TRAINING),
        preferences_for=session.member_id,
        why=f"You get this because you asked for training reminders {settings.CLUB_REMINDER_HOURS} hours ahead.",
    )
