"""Every way to cancel a class place or a PT session settles what was billed for it.

There is one cancellation path: operations' cancel services send ``places_cancelled`` inside their transaction
and billing's receiver settles the bill there. This test walks every door that cancels (the services the API and
jobs call, the admin actions, the member portal, the API's endpoints) and proves each one settles, for a line
still on a draft (it comes off) and for one already invoiced (a credit on this month's draft).

A new way to cancel is one row of ``ENTRY_POINTS``; ``test_every_cancel_entry_point_is_listed`` fails until it
is there. (No admin change form cancels, and the trainer portal cannot cancel: a trainer asks the front desk.)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from billing import services
from billing.models import Invoice, InvoiceLine
from clubsite.core.clock import club_datetime, club_time, club_today
from clubsite.testing.api import ApiClient
from clubsite.testing.roles import staff_user
from members.models import Member
from operations import services as scheduling
from operations.models import Booking, ClassRegistration, GroupClass, PersonalTrainingSession
from operations.tests.factories import ClassRegistrationFactory, PersonalTrainingSessionFactory

pytestmark = pytest.mark.django_db

#: Far enough ahead that a member may still cancel a session (the PT cut-off is hours, not days).
IN_THREE_DAYS = 3


def _start() -> datetime.datetime:
    return club_datetime(club_today() + datetime.timedelta(days=IN_THREE_DAYS), datetime.time(10))


def a_place(member: Member) -> ClassRegistration:
    """A seat of ``member`` in a paid class (8.00) three days from now."""
    start = _start()
    return ClassRegistrationFactory(
        member=member,
        group_class__price=Decimal("8.00"),
        group_class__booking__start_time=start,
        group_class__booking__end_time=start + datetime.timedelta(hours=1),
    )


def a_session(member: Member) -> PersonalTrainingSession:
    """A PT session of ``member`` (40.00) three days from now."""
    start = _start()
    return PersonalTrainingSessionFactory(
        member=member,
        price=Decimal("40.00"),
        booking__start_time=start,
        booking__end_time=start + datetime.timedelta(hours=1),
    )


@dataclass(frozen=True)
class Doors:
    """Who can come in: the front desk in the admin (a superuser) and the member in their portal."""

    admin: Client
    member: Client


def _admin_action(changelist: str, action: str, pk: Callable[[object], int]) -> Callable[[Doors, object], None]:
    def cancel(doors: Doors, thing: object) -> None:
        doors.admin.post(reverse(changelist), {"action": action, "_selected_action": [pk(thing)]}, follow=True)

    return cancel


def _member_post(url_name: str) -> Callable[[Doors, object], None]:
    def cancel(doors: Doors, thing: object) -> None:
        doors.member.post(reverse(url_name, args=[thing.pk]), follow=True)  # type: ignore[attr-defined]

    return cancel


def _member_api_delete(url_name: str) -> Callable[[Doors, object], None]:
    def cancel(doors: Doors, thing: object) -> None:
        owner = thing.member.user  # type: ignore[attr-defined]
        response = ApiClient(owner).delete(reverse(url_name, args=[_pk(thing)]))
        assert response.status_code == 200, response.content

    return cancel


def _staff_api_delete(url_name: str, pk: Callable[[object], int]) -> Callable[[Doors, object], None]:
    def cancel(doors: Doors, thing: object) -> None:
        response = ApiClient(staff_user("manager")).delete(reverse(url_name, args=[pk(thing)]))
        assert response.status_code == 200, response.content

    return cancel


@dataclass(frozen=True)
class EntryPoint:
    """One way to cancel: what it cancels (made for a member) and how it is asked to."""

    name: str
    billed: Callable[[Member], ClassRegistration | PersonalTrainingSession]
    cancel: Callable[[Doors, object], object]
    #: How this entry point is found when the apps are scanned: a service, an admin action, or a URL name.
    found_as: str

    def __str__(self) -> str:
        return self.name


def _class_of(registration: object) -> GroupClass:
    assert isinstance(registration, ClassRegistration)
    return registration.group_class


def _booking_of(thing: object) -> Booking:
    if isinstance(thing, ClassRegistration):
        return thing.group_class.booking
    assert isinstance(thing, PersonalTrainingSession)
    return thing.booking


def _pk(thing: object) -> int:
    return thing.pk  # type: ignore[attr-defined]


ENTRY_POINTS = [
    # The services: what every door calls, and what the API and background jobs will call.
    EntryPoint(
        "service class_registration_cancel",
        a_place,
        lambda doors, r: scheduling.class_registration_cancel(registration=r),
        "service:class_registration_cancel",
    ),
    EntryPoint(
        "service class_cancel",
        a_place,
        lambda doors, r: scheduling.class_cancel(group_class=_class_of(r)),
        "service:class_cancel",
    ),
    EntryPoint(
        "service pt_session_cancel (staff)",
        a_session,
        lambda doors, s: scheduling.pt_session_cancel(session=s, by_member=False),
        "service:pt_session_cancel",
    ),
    EntryPoint(
        "service pt_session_cancel (member)",
        a_session,
        lambda doors, s: scheduling.pt_session_cancel(session=s, by_member=True),
        "service:pt_session_cancel",
    ),
    EntryPoint(
        "service booking_cancel (a class's booking)",
        a_place,
        lambda doors, r: scheduling.booking_cancel(booking=_booking_of(r)),
        "service:booking_cancel",
    ),
    EntryPoint(
        "service booking_cancel (a session's booking)",
        a_session,
        lambda doors, s: scheduling.booking_cancel(booking=_booking_of(s)),
        "service:booking_cancel",
    ),
    # The admin's actions.
    EntryPoint(
        "admin GroupClass cancel_classes",
        a_place,
        _admin_action("admin:operations_groupclass_changelist", "cancel_classes", lambda r: _class_of(r).pk),
        "action:operations.groupclass.cancel_classes",
    ),
    EntryPoint(
        "admin ClassRegistration cancel_registrations",
        a_place,
        _admin_action("admin:operations_classregistration_changelist", "cancel_registrations", _pk),
        "action:operations.classregistration.cancel_registrations",
    ),
    EntryPoint(
        "admin PersonalTrainingSession cancel_sessions",
        a_session,
        _admin_action("admin:operations_personaltrainingsession_changelist", "cancel_sessions", _pk),
        "action:operations.personaltrainingsession.cancel_sessions",
    ),
    EntryPoint(
        "admin Booking cancel_bookings (a class's booking)",
        a_place,
        _admin_action("admin:operations_booking_changelist", "cancel_bookings", lambda r: _booking_of(r).pk),
        "action:operations.booking.cancel_bookings",
    ),
    EntryPoint(
        "admin Booking cancel_bookings (a session's booking)",
        a_session,
        _admin_action("admin:operations_booking_changelist", "cancel_bookings", lambda s: _booking_of(s).pk),
        "action:operations.booking.cancel_bookings",
    ),
    # The member portal.
    EntryPoint(
        "member portal registration-cancel",
        a_place,
        _member_post("members:registration-cancel"),
        "url:members:registration-cancel",
    ),
    EntryPoint("member portal pt-cancel", a_session, _member_post("members:pt-cancel"), "url:members:pt-cancel"),
    # The member API.
    EntryPoint(
        "member API registration cancel",
        a_place,
        _member_api_delete("api:member_registration_cancel"),
        "url:api:member_registration_cancel",
    ),
    EntryPoint(
        "member API PT session cancel",
        a_session,
        _member_api_delete("api:member_pt_session_cancel"),
        "url:api:member_pt_session_cancel",
    ),
    # The staff API.
    EntryPoint(
        "staff API registration cancel",
        a_place,
        _staff_api_delete("api:staff_registration_cancel", _pk),
        "url:api:staff_registration_cancel",
    ),
    EntryPoint(
        "staff API class cancel",
        a_place,
        _staff_api_delete("api:staff_class_cancel", lambda r: _class_of(r).pk),
        "url:api:staff_class_cancel",
    ),
    EntryPoint(
        "staff API booking cancel (a class's booking)",
        a_place,
        _staff_api_delete("api:staff_booking_cancel", lambda r: _booking_of(r).pk),
        "url:api:staff_booking_cancel",
    ),
    EntryPoint(
        "staff API booking cancel (a session's booking)",
        a_session,
        _staff_api_delete("api:staff_booking_cancel", lambda s: _booking_of(s).pk),
        "url:api:staff_booking_cancel",
    ),
]


def _is_cancelled(thing: object) -> bool:
    if isinstance(thing, ClassRegistration):
        thing.refresh_from_db()
        return thing.status == ClassRegistration.Status.CANCELLED
    assert isinstance(thing, PersonalTrainingSession)
    return Booking.objects.get(pk=thing.booking_id).status == Booking.Status.CANCELLED


def _bill(member: Member, thing: object, *, issue: bool) -> InvoiceLine:
    day = club_time(_booking_of(thing).start_time).date()
    invoice = services.invoice_generate(member=member, period_start=day, period_end=day)
    assert invoice is not None
    if issue:
        services.invoice_issue(invoice=invoice)
    return InvoiceLine.objects.get(invoice=invoice)


@pytest.fixture
def doors(admin_client: Client, member_client: Client) -> Doors:
    return Doors(admin=admin_client, member=member_client)


@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=str)
def test_cancelling_takes_a_drafted_line_off_the_bill(entry: EntryPoint, doors: Doors, member: Member) -> None:
    thing = entry.billed(member)
    line = _bill(member, thing, issue=False)

    entry.cancel(doors, thing)

    assert _is_cancelled(thing)
    assert not InvoiceLine.objects.filter(pk=line.pk).exists()
    assert not InvoiceLine.objects.filter(kind=InvoiceLine.Kind.CREDIT).exists()


@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=str)
def test_cancelling_credits_an_invoiced_line_on_this_months_draft(
    entry: EntryPoint, doors: Doors, member: Member
) -> None:
    thing = entry.billed(member)
    line = _bill(member, thing, issue=True)

    entry.cancel(doors, thing)

    assert _is_cancelled(thing)
    credit = InvoiceLine.objects.get(kind=InvoiceLine.Kind.CREDIT)
    first = club_today().replace(day=1)
    assert (credit.invoice.member, credit.invoice.status) == (member, Invoice.Status.DRAFT)
    assert credit.invoice.period_start == first
    assert (credit.quantity, credit.unit_price) == (1, -line.unit_price)
    # What was sent stays as it was sent.
    assert InvoiceLine.objects.get(pk=line.pk).unit_price == line.unit_price


# -- every entry point is in the table --------------------------------------------------------------

CANCELLABLE = (GroupClass, ClassRegistration, PersonalTrainingSession, Booking)


def _url_names(resolver: URLResolver, namespace: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def _found() -> set[str]:
    """Every way to cancel that the apps offer: cancel services, admin actions, and pages named for cancelling."""
    found = {f"service:{name}" for name in dir(scheduling) if name.endswith("_cancel")}
    for model, modeladmin in admin.site._registry.items():
        if model._meta.app_label == "procrastinate":  # its "cancel" cancels a queued job, not a place
            continue
        for action in modeladmin.actions or ():
            name = action if isinstance(action, str) else action.__name__
            # Notice on a membership, and a trainer's time off called off, end no place or session.
            if "cancel" in name and model._meta.label_lower not in {"billing.membership", "trainers.timeoff"}:
                found.add(f"action:{model._meta.label_lower}.{name}")
    found |= {f"url:{name}" for name in _url_names(get_resolver()) if "cancel" in name and not _not_a_place(name)}
    return found


def _not_a_place(name: str) -> bool:
    """Names with "cancel" in them that end no place or session: giving notice on a membership (and taking it
    back), calling off a request to be erased, and the read-only previews of what a cancellation would cost."""
    return "membership" in name or "erasure" in name or name.endswith(("_preview", "_cost"))


def test_every_cancel_entry_point_is_listed() -> None:
    listed = {entry.found_as for entry in ENTRY_POINTS}

    assert _found() == listed


def test_no_admin_deletes_what_it_would_have_to_cancel(admin_user) -> None:
    """Deleting a class, a place, a session or a booking would take it off the books without settling the bill."""
    request = RequestFactory().get("/admin/")
    request.user = admin_user

    for model in CANCELLABLE:
        assert not admin.site._registry[model].has_delete_permission(request), model
