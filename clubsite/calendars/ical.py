"""The club's classes and sessions as iCalendar (RFC 5545): a person's feed, or one event to add to a calendar.

Every event keeps one UID for its lifetime, the same in the feed and in the single download, so a calendar
that sees it again updates it instead of adding a copy:

- ``registration-<id>@calendar.clubsite``: a member's place in a class (a new place after a cancelled one is
  a new registration, so a new event beside the cancelled one);
- ``pt-session-<id>@calendar.clubsite``: a personal training session, for the member and for the trainer;
- ``class-<booking id>@calendar.clubsite``: a class, in the calendar of the trainer who teaches it.

The domain is a constant, not the request's host: a feed read through another address (a proxy, a new
domain) must not duplicate every event. Times are written on the club's clock with its TZID, and the
calendar carries the VTIMEZONE they refer to.

Status: a cancelled place, a cancelled class or session is ``STATUS:CANCELLED`` (and free time, TRANSPARENT),
kept in the feed so subscribed calendars drop or strike it. A waitlist place is ``STATUS:TENTATIVE`` with
"(waitlisted)" in the summary and the place in the description, also shown as free time: the member may yet
get a seat, and then the same UID turns CONFIRMED. No SEQUENCE or LAST-MODIFIED is written: the club keeps no
time of the last change of a booking (only its creation, written as CREATED), and a made-up sequence would
be worse than none. DTSTAMP is the moment the calendar was made.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from icalendar import Calendar, Event, Timezone

from clubsite.core.clock import club_time, club_zone
from operations.describe import booking_label, related_or_none
from operations.models import Booking, ClassRegistration, GroupClass, PersonalTrainingSession, Room

from .selectors import FeedContent

UID_DOMAIN = "calendar.clubsite"
CONTENT_TYPE = "text/calendar; charset=utf-8"
#: How often a subscribed calendar app is asked to read the feed again (RFC 7986 and the older X- name).
REFRESH = datetime.timedelta(hours=1)

CONFIRMED, TENTATIVE, CANCELLED = "CONFIRMED", "TENTATIVE", "CANCELLED"


def registration_uid(registration: ClassRegistration) -> str:
    return f"registration-{registration.pk}@{UID_DOMAIN}"


def session_uid(session: PersonalTrainingSession) -> str:
    return f"pt-session-{session.pk}@{UID_DOMAIN}"


def class_uid(booking: Booking) -> str:
    return f"class-{booking.pk}@{UID_DOMAIN}"


def _location(room: Room | None) -> str:
    if room is None:
        return "Online"
    return f"{room.name}, {room.location}" if room.location else room.name


def _event(
    *,
    uid: str,
    booking: Booking,
    summary: str,
    description: list[str],
    status: str,
    created: datetime.datetime,
    stamp: datetime.datetime,
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("created", created)
    event.add("dtstart", club_time(booking.start_time))
    event.add("dtend", club_time(booking.end_time))
    event.add("summary", f"Cancelled: {summary}" if status == CANCELLED else summary)
    event.add("location", _location(booking.room))
    event.add("description", "\n".join(line for line in description if line))
    event.add("status", status)
    # A cancelled event or a waitlist place does not make the person busy.
    event.add("transp", "OPAQUE" if status == CONFIRMED else "TRANSPARENT")
    return event


def registration_event(registration: ClassRegistration, *, stamp: datetime.datetime) -> Event:
    """A member's place in a class (from ``selectors.member_registrations``)."""
    group_class = registration.group_class
    booking = group_class.booking
    label = booking_label(booking)
    lines = [f"Trainer: {booking.trainer}" if booking.trainer else "", group_class.description]
    if booking.status == Booking.Status.CANCELLED:
        status = CANCELLED
        lines.append("The club cancelled this class.")
    elif registration.status == ClassRegistration.Status.CANCELLED:
        status = CANCELLED
        lines.append("Your place in this class was cancelled.")
    elif registration.status == ClassRegistration.Status.WAITLISTED:
        status, label = TENTATIVE, f"{label} (waitlisted)"
        position = getattr(registration, "waitlist_position", None)
        place = f"number {position} " if position else ""
        lines.append(f"You are {place}on the waitlist: if a seat frees up, it is yours.")
    else:
        status = CONFIRMED
    return _event(
        uid=registration_uid(registration),
        booking=booking,
        summary=label,
        description=lines,
        status=status,
        created=registration.registered_at,
        stamp=stamp,
    )


def _session_lines(booking: Booking, session: PersonalTrainingSession, first: str) -> tuple[str, list[str]]:
    lines = [first, f"Notes: {session.notes}" if session.notes else ""]
    if booking.status == Booking.Status.CANCELLED:
        lines.append("This session was cancelled.")
        return CANCELLED, lines
    return CONFIRMED, lines


def member_session_event(session: PersonalTrainingSession, *, stamp: datetime.datetime) -> Event:
    """A member's personal training session (from ``selectors.member_sessions``)."""
    booking = session.booking
    status, lines = _session_lines(booking, session, f"Trainer: {booking.trainer}" if booking.trainer else "")
    return _event(
        uid=session_uid(session),
        booking=booking,
        summary=booking_label(booking),
        description=lines,
        status=status,
        created=booking.created_at,
        stamp=stamp,
    )


def trainer_booking_event(booking: Booking, *, stamp: datetime.datetime) -> Event | None:
    """A class the trainer teaches or one of their sessions (from ``selectors.trainer_bookings``); None for
    a booking that is neither."""
    group_class = related_or_none(booking, "group_class")
    if isinstance(group_class, GroupClass):
        cancelled = booking.status == Booking.Status.CANCELLED
        lines = [
            f"You teach this class (up to {group_class.capacity} members).",
            group_class.description,
            "This class was cancelled." if cancelled else "",
        ]
        return _event(
            uid=class_uid(booking),
            booking=booking,
            summary=booking_label(booking),
            description=lines,
            status=CANCELLED if cancelled else CONFIRMED,
            created=booking.created_at,
            stamp=stamp,
        )
    session = related_or_none(booking, "pt_session")
    if isinstance(session, PersonalTrainingSession):
        status, lines = _session_lines(booking, session, f"Member: {session.member}")
        return _event(
            uid=session_uid(session),
            booking=booking,
            summary=booking_label(booking, with_member=True),
            description=lines,
            status=status,
            created=booking.created_at,
            stamp=stamp,
        )
    return None


def _day(value: datetime.date) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _calendar(events: list[Event], *, feed: bool) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.CLUB_NAME}//Calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    zone = club_zone().key
    if feed:
        # The name a calendar app gives the subscription; a single download goes into a calendar the person
        # picks, so it names none (some apps would otherwise make a new calendar for one event).
        calendar.add("name", settings.CLUB_NAME)
        calendar.add("x-wr-calname", settings.CLUB_NAME)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    calendar.add("x-wr-timezone", zone)
    # The club's zone, with its changes from the first event to a year after the last (or around today for
    # an empty feed), so every TZID in the file has its VTIMEZONE.
    today = club_time(timezone.now()).date()
    starts = [_day(event.start) for event in events]
    ends = [_day(event.end) for event in events]
    first = min([*starts, today]) - datetime.timedelta(days=1)
    last = max([*ends, today]) + datetime.timedelta(days=366)
    calendar.add_component(Timezone.from_tzid(zone, first_date=first, last_date=last))
    for event in events:
        calendar.add_component(event)
    return calendar


def feed_calendar(content: FeedContent) -> bytes:
    """A person's whole feed as an iCalendar file."""
    stamp = timezone.now()
    events: list[Event] = [registration_event(registration, stamp=stamp) for registration in content.registrations]
    events += [member_session_event(session, stamp=stamp) for session in content.sessions]
    for booking in content.trainer_bookings:
        event = trainer_booking_event(booking, stamp=stamp)
        if event is not None:
            events.append(event)
    bytes_: bytes = _calendar(events, feed=True).to_ical()
    return bytes_


def single_event_calendar(event: Event) -> bytes:
    """One event as an iCalendar file to open in (or import into) a calendar app."""
    bytes_: bytes = _calendar([event], feed=False).to_ical()
    return bytes_


def event_filename(event: Event) -> str:
    """'spin-2026-10-25.ics': what the class or session is and its day on the club's clock."""
    summary = str(event.get("summary", "event"))
    return f"{slugify(summary) or 'event'}-{event.start:%Y-%m-%d}.ics"
