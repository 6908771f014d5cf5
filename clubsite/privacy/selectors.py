"""Reads for staff: accounts nobody uses any more, pending erasure requests."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from clubsite.frontdesk.models import Visit
from members.models import Member

from .models import ErasureRequest


def _years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def inactive_since(*, now: datetime.datetime | None = None) -> datetime.datetime:
    """The moment before which no sign-in and no visit makes an account inactive (CLUB_INACTIVE_ACCOUNT_YEARS)."""
    return _years_before(now or timezone.now(), settings.CLUB_INACTIVE_ACCOUNT_YEARS)


def inactive_members(
    *, within: QuerySet[Member] | None = None, now: datetime.datetime | None = None
) -> QuerySet[Member]:
    """Members who joined before the cut-off and have neither signed in nor visited since (erased ones aside):
    one query, whatever their number (the visit test is an EXISTS on the visits' member index)."""
    cutoff = inactive_since(now=now)
    members = within if within is not None else Member.objects.all()
    return (
        members.filter(created_at__lt=cutoff)
        .filter(Q(user__last_login__isnull=True) | Q(user__last_login__lt=cutoff))
        .exclude(Exists(Visit.objects.filter(member=OuterRef("pk"), checked_in_at__gte=cutoff)))
        .exclude(Exists(ErasureRequest.objects.filter(member=OuterRef("pk"), status=ErasureRequest.Status.DONE)))
    )


def pending_erasure_requests() -> QuerySet[ErasureRequest]:
    return ErasureRequest.objects.filter(status=ErasureRequest.Status.PENDING)
