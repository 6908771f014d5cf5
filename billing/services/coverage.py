"""How a seat in a class is paid for, and what a late cancellation or a no-show costs.

Operations cannot call billing, so its services send ``operations.events.place_taken`` when a member is about to
hold a place, ``places_cancelled`` when places end, and ``attendance_marked`` after a roll call, each inside their
transaction. The receivers here (connected in ``BillingConfig.ready``):

- refuse any booking on a day the member's membership is frozen;
- pay for each seat taken: the plan when it includes the class (unlimited, or within its monthly allowance), else
  one class credit (the pack expiring first), else a drop-in billed at the class's price (``CLUB_CLASS_DROP_IN``),
  else refuse;
- give the credit back when the seat is given up in time; keep it when the cancellation is late, and charge the
  late-cancel fee instead when no credit paid;
- charge the no-show fee for a seat the plan paid for, and take it back when the roll call is corrected.

Lock order: the member (locked by operations), the class, then the membership row (the allowance is counted under
it), then the credit pack, then invoices.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F

from clubsite.core.clock import club_time, club_today, month_start
from clubsite.core.db import constraint_errors
from operations.describe import describe_booking
from operations.models import ClassRegistration, GroupClass

from ..errors import BillingError
from ..models import ClassCover, CreditPack, InvoiceLine, Membership, MembershipFreeze, MembershipPlan
from ._base import LINE_CONSTRAINTS, description, month_draft

CREDIT_CONSTRAINTS = {
    "billing_creditpack_credits_left_in_range": "credits_exhausted",
    "billing_creditpack_credits_left_check": "credits_exhausted",
}

#: The descriptions of the fee lines, with the class's label ("Spin Tue 8 Dec 10:00–11:00").
LATE_CANCEL_FEE = "Late cancellation — {label}"
NO_SHOW_FEE = "No-show — {label}"


def _membership_on(member_id: int, day: datetime.date, *, lock: bool) -> Membership | None:
    memberships = Membership.objects.filter(member_id=member_id, started_on__lte=day).exclude(ended_on__lt=day)
    if lock:
        memberships = memberships.select_for_update(of=("self",))
    return memberships.select_related("plan").order_by("-started_on").first()


def refuse_if_frozen(member_id: int, day: datetime.date) -> None:
    """Refuse a booking on a day the member's membership is frozen."""
    freeze = (
        MembershipFreeze.objects.filter(membership__member_id=member_id, starts_on__lte=day, ends_on__gte=day)
        .order_by("starts_on")
        .first()
    )
    if freeze is not None:
        raise BillingError(
            "membership_frozen", starts_on=_day_text(freeze.starts_on), ends_on=_day_text(freeze.ends_on)
        )


def _day_text(day: datetime.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _plan_covers(membership: Membership, month: datetime.date) -> bool:
    plan = membership.plan
    if plan.classes == MembershipPlan.Classes.UNLIMITED:
        return True
    if plan.classes == MembershipPlan.Classes.ALLOWANCE:
        used = ClassCover.objects.filter(membership=membership, kind=ClassCover.Kind.PLAN, month=month).count()
        return used < (plan.classes_per_month or 0)
    return False


def _spend_credit(member_id: int, day: datetime.date) -> CreditPack | None:
    """Take one credit from the member's pack that expires first and is valid on ``day``; None when none is left.

    The pack row is locked and decremented in the database; its CHECK keeps it from going below zero whatever runs
    at the same time.
    """
    pack = (
        CreditPack.objects.select_for_update()
        .filter(member_id=member_id, credits_left__gt=0, expires_on__gte=day)
        .order_by("expires_on", "pk")
        .first()
    )
    if pack is None:
        return None
    with constraint_errors(CREDIT_CONSTRAINTS, BillingError):
        CreditPack.objects.filter(pk=pack.pk).update(credits_left=F("credits_left") - 1)
    pack.credits_left -= 1
    return pack


def cover_seat(registration: ClassRegistration, start_time: datetime.datetime) -> ClassCover:
    """Decide and record how the seat is paid for (see the module's docstring)."""
    day = club_time(start_time).date()
    month = month_start(day)
    membership = _membership_on(registration.member_id, day, lock=True)
    if membership is not None and _plan_covers(membership, month):
        return ClassCover.objects.create(
            registration=registration, kind=ClassCover.Kind.PLAN, membership=membership, month=month
        )
    pack = _spend_credit(registration.member_id, day)
    if pack is not None:
        return ClassCover.objects.create(
            registration=registration, kind=ClassCover.Kind.CREDIT, credit_pack=pack, month=month
        )
    if not settings.CLUB_CLASS_DROP_IN:
        raise BillingError("class_needs_credit")
    return ClassCover.objects.create(registration=registration, kind=ClassCover.Kind.DROP_IN, month=month)


def on_place_taken(
    sender: object,
    *,
    member_id: int,
    start_time: datetime.datetime,
    registration: ClassRegistration | None = None,
    **kwargs: Any,
) -> ClassCover | None:
    """The receiver of ``operations.events.place_taken``: refuse a frozen day; pay for a seat taken."""
    refuse_if_frozen(member_id, club_time(start_time).date())
    if registration is None or registration.status != ClassRegistration.Status.REGISTERED:
        return None
    return cover_seat(registration, start_time)


def _class_labels(registration_ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    """Each registration's member and its class's label; one query."""
    rows = ClassRegistration.objects.filter(pk__in=list(registration_ids)).select_related("group_class__booking")
    labels = {}
    for registration in rows:
        group_class: GroupClass = registration.group_class
        # The forward one-to-one leaves the class on its booking, so the label costs no query.
        labels[registration.pk] = (registration.member_id, describe_booking(group_class.booking))
    return labels


def charge_fees(registration_ids: Iterable[int], *, fee: Decimal, text: str) -> int:
    """Put one fee line per registration (not charged yet) on its member's draft for this month; how many."""
    ids = [pk for pk in registration_ids]
    if fee <= 0 or not ids:
        return 0
    already = set(
        InvoiceLine.objects.filter(kind=InvoiceLine.Kind.FEE, voided=False, class_registration_id__in=ids).values_list(
            "class_registration_id", flat=True
        )
    )
    labels = _class_labels(pk for pk in ids if pk not in already)
    today = club_today()
    charged = 0
    with constraint_errors(LINE_CONSTRAINTS, BillingError):
        for registration_id, (member_id, label) in sorted(labels.items()):
            InvoiceLine.objects.create(
                invoice=month_draft(member_id, today),
                kind=InvoiceLine.Kind.FEE,
                description=description(text.format(label=label)),
                quantity=1,
                unit_price=fee,
                class_registration_id=registration_id,
            )
            charged += 1
    return charged


def release_covers(registration_ids: Iterable[int], *, late_ids: Iterable[int]) -> tuple[int, int, list[int]]:
    """Undo the covers of cancelled places: credits given back for places given up in time, kept for late ones.

    Returns (credits given back, credits kept, the late places that no credit paid for: they owe the fee).
    """
    ids, late = list(registration_ids), set(late_ids)
    covers = list(ClassCover.objects.filter(registration_id__in=ids).order_by("credit_pack_id", "pk"))
    returned = kept = 0
    back: dict[int, int] = {}
    drop = []
    for cover in covers:
        if cover.kind == ClassCover.Kind.CREDIT and cover.registration_id in late:
            kept += 1  # the credit paid for a seat given up too late: it stays spent, with its cover as the record
            continue
        if cover.kind == ClassCover.Kind.CREDIT and cover.credit_pack_id is not None:
            back[cover.credit_pack_id] = back.get(cover.credit_pack_id, 0) + 1
            returned += 1
        drop.append(cover.pk)
    for pack in CreditPack.objects.select_for_update().filter(pk__in=sorted(back)).order_by("pk"):
        CreditPack.objects.filter(pk=pack.pk).update(credits_left=F("credits_left") + back[pack.pk])
    ClassCover.objects.filter(pk__in=drop).delete()
    paid_by_credit = {cover.registration_id for cover in covers if cover.kind == ClassCover.Kind.CREDIT}
    owe_fee = sorted(pk for pk in late if pk not in paid_by_credit)
    return returned, kept, owe_fee
