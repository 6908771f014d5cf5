"""Signing up: the account, the member and (once the address is confirmed) the membership with its first invoice.

A visitor's own sign-up answers the same whether or not the email already has an account, so the page and the
API never tell a stranger who is a member: ``member_sign_up_request`` creates an account that waits for the
link mailed to the address, or, when the address already has one, mails its owner instead. Staff adding a
member (and the demo) use ``member_sign_up``, which opens the account at once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from clubsite.accounts.errors import AccountError
from clubsite.accounts.events import sign_up_requested
from clubsite.accounts.models import User, normalize_email
from members.models import Member
from members.services import member_confirm, member_create

from ..models import MembershipPlan, SignUpPlanChoice
from .memberships import Joined, _active_plan, membership_join


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
    metrics_consent: bool = False,
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
            metrics_consent=metrics_consent,
        )
        joined = membership_join(member=member, plan=plan) if plan is not None else None
        return SignedUp(member=member, joined=joined)


def member_sign_up_request(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    gender: str,
    phone: str = "",
    plan: MembershipPlan | None = None,
    metrics_consent: bool = False,
) -> None:
    """A visitor signs up. A new address gets an account that waits, inactive, for the link mailed to it (the
    chosen plan is remembered and joined on confirmation); an address that already has an account is not
    changed and its owner is told by mail (``sign_up_requested`` with ``existing=True``). Either way the caller
    answers the same. Refusals about the details themselves (names, age, phone, a plan not on offer) are raised
    as usual: they say nothing about who has an account."""
    chosen = _active_plan(plan) if plan is not None else None
    try:
        with transaction.atomic():
            member = member_create(
                email=email,
                password=password,
                first_name=first_name,
                last_name=last_name,
                date_of_birth=date_of_birth,
                gender=gender,
                phone=phone,
                metrics_consent=metrics_consent,
                confirmed=False,
            )
            if chosen is not None:
                SignUpPlanChoice.objects.create(member=member, plan=chosen)
            sign_up_requested.send(sender=User, user_id=member.user_id, existing=False)
    except AccountError as error:
        if error.code != "email_taken":
            raise
        # Taken, also when another sign-up with this address won a race a moment ago: its owner hears of it.
        # The password is hashed all the same, so the answer takes as long as a new account's (hashing is most
        # of that time): its timing tells no more than its words.
        make_password(password)
        existing = User.objects.filter(email__iexact=normalize_email(email)).only("pk").first()
        if existing is not None:
            with transaction.atomic():
                sign_up_requested.send(sender=User, user_id=existing.pk, existing=True)


def member_sign_up_confirm(*, member: Member) -> SignedUp:
    """The member followed their sign-up link: the account opens and the plan they chose (if any, and still on
    offer) is joined, with its first invoice, all in one transaction. A plan withdrawn since is dropped, not a
    refusal: they choose another in the portal."""
    with transaction.atomic():
        member_confirm(member=member)
        choice = SignUpPlanChoice.objects.select_related("plan").filter(member=member).first()
        joined = None
        if choice is not None:
            plan = choice.plan
            choice.delete()
            if plan.is_active:
                joined = membership_join(member=member, plan=plan)
        return SignedUp(member=member, joined=joined)


def sign_ups_forget(*, older_than: datetime.timedelta) -> int:
    """Delete the sign-ups whose link was never followed, made more than ``older_than`` ago: the club keeps no
    personal data of someone who never became a member (the plan choice and consent go with the account). How
    many it deleted. Run daily by ``billing.forget_unconfirmed_sign_ups``."""
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        waiting = User.objects.filter(is_active=False, email_confirmed_at__isnull=True, date_joined__lt=cutoff)
        ids = list(waiting.select_for_update(skip_locked=True).values_list("pk", flat=True))
        if not ids:
            return 0
        User.objects.filter(pk__in=ids).delete()
        return len(ids)
