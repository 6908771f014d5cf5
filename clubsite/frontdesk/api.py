"""The front desk over the API (staff): check a member in, today's arrivals, the desk's search, the staff member
page as JSON and its notes. The same services and selectors as the desk's pages; the same permissions
(``clubsite.frontdesk.models``: the front desk role and the manager).

``desk_router`` is mounted at /api/v1/staff/desk, ``members_router`` at /api/v1/staff/members.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from billing.selectors import MembershipState
from clubsite.api.access import STAFF_AUTH, require_staff
from clubsite.api.pagination import Converted
from clubsite.api.schemas import PROBLEMS
from clubsite.core.clock import club_today
from members.models import Member
from operations.models import ClassRegistration, PersonalTrainingSession

from .errors import FrontDeskError
from .models import ADD_NOTE, CHECK_IN, VIEW_NOTES, VIEW_VISITS, StaffNote, Visit
from .selectors import (
    DeskCard,
    MemberOverview,
    desk_card,
    find_exact,
    find_members,
    member_overview,
    todays_arrivals,
)
from .services import note_add, visit_record

desk_router = Router(tags=["front desk"], auth=STAFF_AUTH)
members_router = Router(tags=["front desk"], auth=STAFF_AUTH)


# -- schemas ------------------------------------------------------------------------------------------------


class DeskMemberOut(Schema):
    id: int
    number: str = Field(description="The member number staff read and type (the id, zero-padded).")
    name: str
    email: str


class DeskMembershipOut(Schema):
    status: str = Field(description="active, frozen, ended or none (on the day asked about).")
    plan: str = Field(description="The plan's name; empty when there is none.")
    started_on: datetime.date | None
    ends_on: datetime.date | None = Field(description="The membership's last day, when an end is arranged (or came).")
    cancelled_on: datetime.date | None
    frozen_from: datetime.date | None = Field(description="While frozen: the freeze's first day.")
    frozen_until: datetime.date | None = Field(description="While frozen: the freeze's last day.")
    next_plan: str = Field(description="The plan arranged to follow, if any.")
    next_starts_on: datetime.date | None


class DeskClassOut(Schema):
    registration_id: int
    class_id: int
    label: str = Field(description="The class's name.")
    start_time: datetime.datetime
    end_time: datetime.datetime
    status: str = Field(description="registered, waitlisted, offered, attended or no_show.")
    marked_now: bool = Field(description="This check-in marked the member present in it.")


class DeskSessionOut(Schema):
    session_id: int
    label: str
    start_time: datetime.datetime
    end_time: datetime.datetime
    status: str


class DeskVisitOut(Schema):
    id: int
    member: DeskMemberOut
    checked_in_at: datetime.datetime
    method: str = Field(description="card, number or name: how the desk found the member.")
    membership_status: str = Field(description="The membership at the door: active, frozen, ended or none.")
    checked_in_by: str = Field(description="The staff member who checked them in (empty when gone).")


class DeskCardOut(Schema):
    member: DeskMemberOut
    membership: DeskMembershipOut
    balance: Decimal = Field(description="What the member owes on issued invoices.")
    credits: int = Field(description="Class credits usable today.")
    classes: list[DeskClassOut] = Field(description="Today's class places (not cancelled).")
    sessions: list[DeskSessionOut] = Field(description="Today's PT sessions (not cancelled).")
    visit: DeskVisitOut | None
    repeated: bool = Field(False, description="A second scan within two minutes: the first visit is returned.")


class DeskCheckInIn(Schema):
    query: str = Field("", max_length=200, description="A card code (what the QR holds) or a member number.")
    member_id: int | None = Field(None, ge=1, description="Or the member picked from the desk's search.")


class StaffNoteOut(Schema):
    id: int
    text: str
    author: str
    created_at: datetime.datetime


class StaffNoteIn(Schema):
    text: str = Field(max_length=5000)


class InvoiceBriefOut(Schema):
    id: int
    number: str | None
    status: str
    period_start: datetime.date
    period_end: datetime.date
    due_date: datetime.date | None
    total: Decimal
    balance: Decimal


class CreditPackBriefOut(Schema):
    id: int
    pack: str
    credits: int
    credits_left: int
    expires_on: datetime.date


class FreezeBriefOut(Schema):
    starts_on: datetime.date
    ends_on: datetime.date
    reason: str


class MemberOverviewOut(Schema):
    member: DeskMemberOut
    phone: str
    date_of_birth: datetime.date
    membership: DeskMembershipOut
    freezes: list[FreezeBriefOut]
    balance: Decimal
    invoices: list[InvoiceBriefOut] = Field(description="The latest ten, newest period first.")
    credit_packs: list[CreditPackBriefOut]
    credits: int
    upcoming_classes: list[DeskClassOut]
    past_classes: list[DeskClassOut]
    upcoming_sessions: list[DeskSessionOut]
    past_sessions: list[DeskSessionOut]
    classes_attended: int
    classes_missed: int
    attendance_rate: int | None = Field(description="Percent of past seated classes attended; null before any.")
    visits: list[DeskVisitOut] = Field(description="The latest ten.")
    visits_this_month: int
    notes: list[StaffNoteOut] = Field(description="The latest twenty.")


# -- converting ---------------------------------------------------------------------------------------------


def _member_out(member: Member) -> DeskMemberOut:
    return DeskMemberOut(id=member.pk, number=member.number, name=member.full_name, email=member.user.email)


def _membership_out(state: MembershipState) -> DeskMembershipOut:
    membership, freeze, following = state.membership, state.freeze, state.next_membership
    return DeskMembershipOut(
        status=state.status,
        plan=state.plan_name,
        started_on=membership.started_on if membership else None,
        ends_on=membership.ended_on if membership else None,
        cancelled_on=membership.cancelled_on if membership else None,
        frozen_from=freeze.starts_on if freeze else None,
        frozen_until=freeze.ends_on if freeze else None,
        next_plan=following.plan.name if following else "",
        next_starts_on=following.started_on if following else None,
    )


def _class_out(registration: ClassRegistration, marked: frozenset[int] = frozenset()) -> DeskClassOut:
    booking = registration.group_class.booking
    return DeskClassOut(
        registration_id=registration.pk,
        class_id=registration.group_class_id,
        label=registration.group_class.name,
        start_time=booking.start_time,
        end_time=booking.end_time,
        status=registration.status,
        marked_now=registration.pk in marked,
    )


def _session_out(session: PersonalTrainingSession) -> DeskSessionOut:
    booking = session.booking
    return DeskSessionOut(
        session_id=session.pk,
        label=f"Personal training with {booking.trainer}" if booking.trainer_id else "Personal training",
        start_time=booking.start_time,
        end_time=booking.end_time,
        status=booking.status,
    )


def _visit_out(visit: Visit) -> DeskVisitOut:
    by = visit.checked_in_by
    return DeskVisitOut(
        id=visit.pk,
        member=_member_out(visit.member),
        checked_in_at=visit.checked_in_at,
        method=visit.method,
        membership_status=visit.membership_status,
        checked_in_by=(by.get_full_name() or by.email) if by is not None else "",
    )


def _card_out(card: DeskCard, *, repeated: bool = False) -> DeskCardOut:
    return DeskCardOut(
        member=_member_out(card.member),
        membership=_membership_out(card.membership),
        balance=card.balance,
        credits=card.credits,
        classes=[_class_out(registration, card.marked_ids) for registration in card.classes],
        sessions=[_session_out(session) for session in card.sessions],
        visit=_visit_out(card.visit) if card.visit is not None else None,
        repeated=repeated,
    )


def _note_out(note: StaffNote) -> StaffNoteOut:
    author = note.author
    return StaffNoteOut(
        id=note.pk,
        text=note.text,
        author=(author.get_full_name() or author.email) if author is not None else "",
        created_at=note.created_at,
    )


def _overview_out(overview: MemberOverview) -> MemberOverviewOut:
    member = overview.member
    return MemberOverviewOut(
        member=_member_out(member),
        phone=member.phone,
        date_of_birth=member.date_of_birth,
        membership=_membership_out(overview.membership),
        freezes=[
            FreezeBriefOut(starts_on=freeze.starts_on, ends_on=freeze.ends_on, reason=freeze.reason)
            for freeze in overview.freezes
        ],
        balance=overview.balance,
        invoices=[
            InvoiceBriefOut(
                id=invoice.pk,
                number=invoice.number,
                status=invoice.status,
                period_start=invoice.period_start,
                period_end=invoice.period_end,
                due_date=invoice.due_date,
                total=invoice.total_amount,
                balance=invoice.balance_amount,
            )
            for invoice in overview.invoices
        ],
        credit_packs=[
            CreditPackBriefOut(
                id=pack.pk,
                pack=pack.pack.name,
                credits=pack.credits,
                credits_left=pack.credits_left,
                expires_on=pack.expires_on,
            )
            for pack in overview.credit_packs
        ],
        credits=overview.credits,
        upcoming_classes=[_class_out(registration) for registration in overview.upcoming_classes],
        past_classes=[_class_out(registration) for registration in overview.past_classes],
        upcoming_sessions=[_session_out(session) for session in overview.upcoming_sessions],
        past_sessions=[_session_out(session) for session in overview.past_sessions],
        classes_attended=overview.attendance.attended,
        classes_missed=overview.attendance.no_show,
        attendance_rate=overview.attendance.rate,
        visits=[_visit_out(visit) for visit in overview.visits],
        visits_this_month=overview.visits_this_month,
        notes=[_note_out(note) for note in overview.notes],
    )


def _member_or_404(member_id: int) -> Member:
    member = Member.objects.select_related("user").filter(pk=member_id).first()
    if member is None:
        raise Http404
    return member


# -- the desk -----------------------------------------------------------------------------------------------


@desk_router.post(
    "/checkins",
    response={200: DeskCardOut, 201: DeskCardOut, **PROBLEMS},
    operation_id="staff_desk_checkin",
    url_name="staff_desk_checkin",
    summary="Check a member in",
)
def checkin(request: HttpRequest, payload: DeskCheckInIn):
    """Check in the member whose card code or member number is ``query`` (or ``member_id``, picked from the
    desk's search): the visit is recorded (an ended or frozen membership too: the desk decides), and a class
    starting within the check-in window, or under way, is marked attended. Answers the desk card: 201 for a new
    visit, 200 with ``repeated`` for a second scan within two minutes. An unknown code or number: 404
    ``member_not_found``. Needs ``frontdesk.add_visit``."""
    user = require_staff(request, CHECK_IN)
    if payload.member_id is not None:
        member = Member.objects.select_related("user").filter(pk=payload.member_id).first()
        if member is None:
            raise FrontDeskError("member_not_found", field="member_id")
        method: str = Visit.Method.NAME
    else:
        if not payload.query.strip():
            raise FrontDeskError("query_required")
        found = find_exact(payload.query)
        if found is None:
            raise FrontDeskError("member_not_found")
        member, method = found.member, found.method
    outcome = visit_record(member=member, by=user, method=method)
    card = desk_card(member=member, today=club_today(), visit=outcome.visit, marked=outcome.marked)
    return Status(200 if outcome.repeated else 201, _card_out(card, repeated=outcome.repeated))


@desk_router.get(
    "/arrivals",
    response={200: list[DeskVisitOut], **PROBLEMS},
    operation_id="staff_desk_arrivals",
    url_name="staff_desk_arrivals",
    summary="Today's arrivals",
)
@paginate(LimitOffsetPagination)
def arrivals(request: HttpRequest):
    """Today's visits (the club's day), latest first. Needs ``frontdesk.view_visit``."""
    require_staff(request, VIEW_VISITS)
    return Converted(todays_arrivals(day=club_today()), _visit_out)


@desk_router.get(
    "/search",
    response={200: list[DeskMemberOut], **PROBLEMS},
    operation_id="staff_desk_search",
    url_name="staff_desk_search",
    summary="Find a member at the desk",
)
def search(request: HttpRequest, q: str = Query("", max_length=200)) -> list[DeskMemberOut]:
    """What the desk's box finds: the member whose card code or number ``q`` is, else up to ten whose names hold
    every word (two letters at least). Needs ``frontdesk.view_visit``."""
    require_staff(request, VIEW_VISITS)
    return [_member_out(member) for member in find_members(q)]


# -- the staff member page ----------------------------------------------------------------------------------


@members_router.get(
    "/{member_id}/overview",
    response={200: MemberOverviewOut, **PROBLEMS},
    operation_id="staff_member_overview",
    url_name="staff_member_overview",
    summary="Everything about a member",
)
def overview(request: HttpRequest, member_id: int) -> MemberOverviewOut:
    """The staff member page as JSON: profile, membership and freezes, balance and latest invoices, credits,
    upcoming and past bookings, attendance rate, visits and staff notes. Needs ``frontdesk.view_staffnote``."""
    require_staff(request, VIEW_NOTES)
    return _overview_out(member_overview(member=_member_or_404(member_id), today=club_today()))


@members_router.get(
    "/{member_id}/notes",
    response={200: list[StaffNoteOut], **PROBLEMS},
    operation_id="staff_member_note_list",
    url_name="staff_member_note_list",
    summary="A member's staff notes",
)
@paginate(LimitOffsetPagination)
def note_list(request: HttpRequest, member_id: int):
    """The staff-only notes about the member, newest first. Needs ``frontdesk.view_staffnote``."""
    require_staff(request, VIEW_NOTES)
    member = _member_or_404(member_id)
    notes = StaffNote.objects.filter(member=member).select_related("author").order_by("-created_at", "-id")
    return Converted(notes, _note_out)


@members_router.post(
    "/{member_id}/notes",
    response={201: StaffNoteOut, **PROBLEMS},
    operation_id="staff_member_note_add",
    url_name="staff_member_note_add",
    summary="Add a staff note about a member",
)
def note_create(request: HttpRequest, member_id: int, payload: StaffNoteIn):
    """A note staff see on the member page (never the member). Needs ``frontdesk.add_staffnote``."""
    user = require_staff(request, ADD_NOTE)
    note = note_add(member=_member_or_404(member_id), author=user, text=payload.text)
    return Status(201, _note_out(note))
