"""Signing up with a plan: the account, the member and the membership with its first invoice, all or nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from members.models import Member
from members.services import member_create

from ..models import MembershipPlan
from .memberships import Joined, membership_join


@dataclass(frozen=True)
class SignedUp:
    member: Member
    #: The membership and its first invoice, when a plan was chosen.
    joined: Joined | None


def member_sign_up(
    *,
    email: str,
    password: str | None,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    gender: str,
    phone: str = "",
    plan: MembershipPlan | None = None,
) -> SignedUp:
    """``members.services.member_create``, then ``membership_join`` on ``plan`` when one was chosen (a visitor may
    choose later in the portal). A refused plan leaves no account behind."""
    with transaction.atomic():
        member = member_create(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=date_of_birth,
            gender=gender,
            phone=phone,
        )
        joined = membership_join(member=member, plan=plan) if plan is not None else None
        return SignedUp(member=member, joined=joined)
