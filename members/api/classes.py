"""Group classes for a member: the timetable, one class, registering (or joining the waitlist) and cancelling.

The same reads and services as the portal's timetable: ``class_timetable`` with the portal's ``TimetableFilter``,
``class_register`` (a full class waitlists: not an error) and ``class_registration_cancel`` (the one
cancellation path, which settles the bill).
"""

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from billing.selectors import class_cancellation_cost
from clubsite.api.access import member_of
from clubsite.api.errors import RequestError
from clubsite.api.schemas import PROBLEMS
from clubsite.core.clock import day_bounds, day_start
from members.models import Member
from members.portal.filters import TimetableFilter
from members.portal.selectors import (
    TIMETABLE_DAYS,
    class_with_seats,
    member_class_registrations,
    member_upcoming_registrations,
)
from operations.models import ClassRegistration, GroupClass
from operations.selectors import class_timetable, timetable_rows, waitlist_position
from operations.services import (
    class_offer_accept,
    class_offer_decline,
    class_register,
    class_registration_cancel,
)

from .common import page_of, place_given_up
from .schemas import (
    MemberCancellationCostOut,
    MemberClassOut,
    MemberPage,
    MemberPageQuery,
    MemberRegistrationCancelledOut,
    MemberRegistrationOut,
    MemberRegistrationQuery,
    MemberTimetableQuery,
)
from .selectors import member_past_registrations

router = Router(tags=["member"])

#: The longest stretch one timetable request may span.
MAX_TIMETABLE_DAYS = 366


def _window(query: MemberTimetableQuery) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of the timetable asked for: from now (never earlier, as the portal's), 90 days by default."""
    now = timezone.now()
    start = max(now, day_start(query.date_from)) if query.date_from else now
    end = day_bounds(query.date_to)[1] if query.date_to else start + datetime.timedelta(days=TIMETABLE_DAYS)
    if query.date_from and query.date_to and query.date_to < query.date_from:
        raise RequestError("range_reversed")
    if end - start > datetime.timedelta(days=MAX_TIMETABLE_DAYS):
        raise RequestError("range_too_long", days=MAX_TIMETABLE_DAYS)
    return start, end


def _mark_mine(member: Member, classes: list[GroupClass]) -> list[GroupClass]:
    """Set ``my_registration`` on each class: the caller's live seat or waitlist place in it, if any; one query."""
    mine = member_class_registrations(member=member, class_ids=[group_class.pk for group_class in classes])
    for group_class in classes:
        group_class.my_registration = mine.get(group_class.pk)  # type: ignore[attr-defined]
    return classes


def _own_registrations(member: Member) -> Any:
    return ClassRegistration.objects.filter(member=member).select_related(
        "group_class__booking__room", "group_class__booking__trainer__user", "cover__credit_pack"
    )


def _answer(member: Member, registration_id: int) -> ClassRegistration:
    """The registration as it is now (its status and cover, after the service), with its waitlist position."""
    registration: ClassRegistration = _own_registrations(member).get(pk=registration_id)
    registration.waitlist_position = waitlist_position(registration=registration)  # type: ignore[attr-defined]
    return registration


@router.get(
    "/classes",
    response={200: MemberPage[MemberClassOut], **PROBLEMS},
    operation_id="member_class_timetable",
    url_name="member_class_timetable",
    summary="The class timetable",
)
def class_list(
    request: HttpRequest, filters: Query[MemberTimetableQuery], page: Query[MemberPageQuery]
) -> dict[str, Any]:
    """Scheduled classes from now (or ``from``) to 90 days ahead (or the end of ``to``), in time order,
    with the timetable's filters (``date``: one day; ``name``; ``trainer``: words of the name; ``room``). Each
    comes with its seats left, its waitlist, and your own registration (``my_registration``) if you have one."""
    member = member_of(request)
    start, end = _window(filters)
    data = {
        name: str(value)
        for name, value in filters.dict(include={"date", "name", "trainer", "room"}).items()
        if value not in (None, "")
    }
    matching = TimetableFilter(data, queryset=class_timetable(start=start, end=end)).qs
    # As the portal's timetable: the matching ids are paged, then the page's classes are read by id.
    ids = page_of(list(matching.values_list("pk", flat=True)), page)
    classes = list(timetable_rows(GroupClass.objects.filter(pk__in=ids["items"])))
    return {"count": ids["count"], "items": _mark_mine(member, classes)}


@router.get(
    "/classes/{class_id}",
    response={200: MemberClassOut, **PROBLEMS},
    operation_id="member_class_read",
    url_name="member_class_read",
    summary="One class",
)
def class_read(request: HttpRequest, class_id: int) -> GroupClass:
    """A class (whatever its date or status) with its seats left, its waitlist and your registration."""
    member = member_of(request)
    group_class = class_with_seats(class_id=class_id)
    if group_class is None:
        raise Http404("No such class.")
    return _mark_mine(member, [group_class])[0]


@router.post(
    "/classes/{class_id}/registration",
    response={201: MemberRegistrationOut, **PROBLEMS},
    operation_id="member_class_register",
    url_name="member_class_register",
    summary="Register for a class (or join its waitlist)",
)
def class_register_endpoint(request: HttpRequest, class_id: int) -> Status[ClassRegistration]:
    """Take a seat; when the class is full you get a waitlist place instead (``status`` ``waitlisted`` and your
    ``waitlist_position``; not an error) and are emailed if a seat frees up. ``cover`` says how the seat is paid:
    your plan, a class credit (with the credits left in that pack) or a drop-in at the class's price. Already
    registered, a class that has started or been cancelled, or something else of yours at that time: 409; not
    open for booking yet: 409 ``class_not_open_yet``; your membership frozen that day: 409 ``membership_frozen``;
    nothing to pay with: 409 ``class_needs_credit``."""
    member = member_of(request)
    group_class = class_with_seats(class_id=class_id)
    if group_class is None:
        raise Http404("No such class.")
    registration = class_register(member=member, group_class=group_class)
    return Status(201, _answer(member, registration.pk))


@router.get(
    "/registrations",
    response={200: list[MemberRegistrationOut], **PROBLEMS},
    operation_id="member_registration_list",
    url_name="member_registration_list",
    summary="Your class registrations",
)
@paginate
def registration_list(request: HttpRequest, filters: Query[MemberRegistrationQuery]) -> Any:
    """``upcoming`` (default): your seats and waitlist places in classes yet to start, soonest first, as on your
    dashboard; ``past``: the rest (started or cancelled classes, places you gave up), latest first."""
    member = member_of(request)
    if filters.when == "past":
        return member_past_registrations(member=member)
    return member_upcoming_registrations(member=member).select_related("cover__credit_pack")


@router.delete(
    "/registrations/{registration_id}",
    response={200: MemberRegistrationCancelledOut, **PROBLEMS},
    operation_id="member_registration_cancel",
    url_name="member_registration_cancel",
    summary="Give up a seat or leave a waitlist",
)
def registration_cancel(request: HttpRequest, registration_id: int) -> ClassRegistration:
    """Cancel before the class starts; a freed seat goes to the first on the waitlist (inside the cut-off it is
    offered to them). ``billing`` says what it did to your bill: ``removed`` from a draft invoice, ``credited`` on
    this month's invoice (it had been sent), or ``nothing``. Inside the cut-off a seat given up is ``late``: the
    class credit that paid for it is kept (``credits_kept``), or the late-cancel fee is charged
    (``fee_charged``); in time, a credit comes back (``credits_returned``). See the cost first with
    ``GET …/cancellation``. Already cancelled, or the class has started: 409."""
    member = member_of(request)
    registration = get_object_or_404(_own_registrations(member), pk=registration_id)
    return _given_up(member, class_registration_cancel(registration=registration))


def _given_up(member: Member, outcome: Any) -> ClassRegistration:
    registration = _answer(member, outcome.target.pk)
    for name, value in place_given_up(outcome).items():
        setattr(registration, name, value)
    return registration


@router.get(
    "/registrations/{registration_id}/cancellation",
    response={200: MemberCancellationCostOut, **PROBLEMS},
    operation_id="member_registration_cancellation_cost",
    url_name="member_registration_cancellation_cost",
    summary="What giving up a place now would cost",
)
def registration_cancellation_cost_read(request: HttpRequest, registration_id: int) -> Any:
    """Whether giving up this place now would be late (inside the cut-off, for a seat you hold), and so whether a
    class credit would come back or be kept, or the late-cancel fee be charged. Someone else's place: 404."""
    registration = get_object_or_404(_own_registrations(member_of(request)), pk=registration_id)
    return class_cancellation_cost(registration=registration)


@router.post(
    "/registrations/{registration_id}/offer/accept",
    response={200: MemberRegistrationOut, **PROBLEMS},
    operation_id="member_offer_accept",
    url_name="member_offer_accept",
    summary="Accept a seat offered from the waitlist",
)
def offer_accept(request: HttpRequest, registration_id: int) -> ClassRegistration:
    """Take the seat offered to you (``status`` ``offered``) before ``offer_expires_at``; it is paid for as any
    seat (``cover``). Not offered any more (accepted, declined or passed on): 409 ``offer_not_open``; too late:
    409 ``offer_expired``; nothing to pay with: 409 ``class_needs_credit`` (buy a pack, then accept)."""
    member = member_of(request)
    registration = get_object_or_404(_own_registrations(member), pk=registration_id)
    class_offer_accept(registration=registration)
    return _answer(member, registration.pk)


@router.post(
    "/registrations/{registration_id}/offer/decline",
    response={200: MemberRegistrationCancelledOut, **PROBLEMS},
    operation_id="member_offer_decline",
    url_name="member_offer_decline",
    summary="Decline a seat offered from the waitlist",
)
def offer_decline(request: HttpRequest, registration_id: int) -> ClassRegistration:
    """Turn the seat down: it goes to the next on the waitlist at once. Never late, never charged. Not offered any
    more: 409 ``offer_not_open``."""
    member = member_of(request)
    registration = get_object_or_404(_own_registrations(member), pk=registration_id)
    return _given_up(member, class_offer_decline(registration=registration))
