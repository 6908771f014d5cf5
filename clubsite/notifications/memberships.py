"""The mail about a member's membership: a plan change, notice given, a freeze and its early end.

Importing this module registers the notices and connects the receiver that queues them on the ``membership.*``
events (``NotificationsConfig.ready`` imports it). Joining needs no mail of its own: the first invoice's mail goes
(``invoice.issued``). Each builder reads the rows when the worker sends and returns None when the mail no longer
applies: a change called off since, notice withdrawn, a freeze called off.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import dateformat

from billing.models import Membership, MembershipFreeze
from clubsite.core.clock import club_today
from clubsite.core.events import Event, happened
from members.models import Member
from members.templatetags.member_tags import money

from .mail import Mail, site_url
from .notices import notice
from .tasks import queue_notice

MEMBERSHIP_CHANGED = "membership_changed"
MEMBERSHIP_CANCELLED = "membership_cancelled"
MEMBERSHIP_FROZEN = "membership_frozen"
MEMBERSHIP_UNFROZEN = "membership_unfrozen"
FREEZE_CALLED_OFF = "membership_freeze_called_off"
ONE_DAY = datetime.timedelta(days=1)


def _day(day: datetime.date) -> str:
    return dateformat.format(day, "l j F Y")


def _to(member: Member, **content: Any) -> Mail:
    user = member.user
    return Mail(
        to=user.email,
        name=user.first_name or str(member),
        action=("See your membership", site_url(reverse("members:membership"))),
        **content,
    )


def _membership(membership_id: int) -> Membership | None:
    return Membership.objects.select_related("plan", "member__user").filter(pk=membership_id).first()


def _freeze(freeze_id: int) -> MembershipFreeze | None:
    return (
        MembershipFreeze.objects.select_related("membership__plan", "membership__member__user")
        .filter(pk=freeze_id)
        .first()
    )


@notice(MEMBERSHIP_CHANGED)
def membership_changed(membership_id: int) -> Mail | None:
    """A plan arranged for next month, or the membership running on as it was (a change called off, notice
    withdrawn)."""
    membership = _membership(membership_id)
    if membership is None:  # a plan change called off (or replaced) since: its row is gone
        return None
    plan = membership.plan
    if membership.started_on > club_today():
        return _to(
            membership.member,
            subject=f"Your plan changes to {plan.name} on {dateformat.format(membership.started_on, 'j F')}",
            lead=f"From {_day(membership.started_on)} your plan is {plan.name}.",
            details=[
                ("New plan", plan.name),
                ("From", _day(membership.started_on)),
                ("Monthly fee", money(plan.monthly_fee)),
            ],
            paragraphs=["Until then you stay on your current plan."],
        )
    following = Membership.objects.filter(member_id=membership.member_id, started_on__gt=membership.started_on)
    # Cancelled, or another change arranged, since: that change's own mail says what holds now.
    if membership.ended_on is not None or following.exists():
        return None
    return _to(
        membership.member,
        subject=f"Your {plan.name} membership runs on",
        lead=f"Your membership stays on {plan.name}, with no plan change or end arranged.",
        details=[("Plan", plan.name), ("Monthly fee", money(plan.monthly_fee))],
    )


@notice(MEMBERSHIP_CANCELLED)
def membership_cancelled(membership_id: int) -> Mail | None:
    membership = _membership(membership_id)
    if membership is None or membership.cancelled_on is None or membership.ended_on is None:
        return None  # notice withdrawn since
    return _to(
        membership.member,
        subject=f"Your membership ends on {dateformat.format(membership.ended_on, 'j F Y')}",
        lead=f"We have your notice: your {membership.plan.name} membership ends on {_day(membership.ended_on)}.",
        details=[
            ("Notice given", _day(membership.cancelled_on)),
            ("Last day", _day(membership.ended_on)),
        ],
        paragraphs=["You are billed until then. Changed your mind? You can withdraw the cancellation before that day."],
    )


@notice(MEMBERSHIP_FROZEN)
def membership_frozen(freeze_id: int) -> Mail | None:
    freeze = _freeze(freeze_id)
    if freeze is None:  # called off since
        return None
    return _to(
        freeze.membership.member,
        subject="Your membership is frozen",
        lead=f"Your {freeze.membership.plan.name} membership is frozen from {_day(freeze.starts_on)} to "
        f"{_day(freeze.ends_on)}.",
        details=[
            ("First frozen day", _day(freeze.starts_on)),
            ("Last frozen day", _day(freeze.ends_on)),
            ("Days", str(freeze.days)),
            ("Back on", _day(freeze.ends_on + ONE_DAY)),
        ],
        paragraphs=["No plan charge for those days, and nothing can be booked on them. You can end the freeze early."],
    )


@notice(MEMBERSHIP_UNFROZEN)
def membership_unfrozen(freeze_id: int) -> Mail | None:
    freeze = _freeze(freeze_id)
    if freeze is None:
        return None
    back_on = freeze.ends_on + ONE_DAY
    return _to(
        freeze.membership.member,
        subject="Your freeze ends early",
        lead=f"Your freeze now ends on {_day(freeze.ends_on)}: your membership runs again from {_day(back_on)}.",
        details=[("Frozen", f"{_day(freeze.starts_on)} – {_day(freeze.ends_on)}"), ("Back on", _day(back_on))],
        paragraphs=["The plan is billed again from that day."],
    )


@notice(FREEZE_CALLED_OFF)
def freeze_called_off(member_id: int) -> Mail | None:
    """A freeze called off before it started: its row is gone, so the mail is about the member."""
    member = Member.objects.select_related("user").filter(pk=member_id).first()
    if member is None:
        return None
    return _to(
        member,
        subject="Your freeze is called off",
        lead="Your freeze is called off: your membership runs, and is billed, as usual on those days.",
    )


def on_membership_event(sender: object, event: Event, **kwargs: Any) -> None:
    """Queue the membership mail in the transaction that made the change (a rolled-back change mails nothing)."""
    name, pk = event.name, event.object_id
    if name == "membership.changed":
        queue_notice(MEMBERSHIP_CHANGED, pk, key=f"{pk}:{event.id}")
    elif name == "membership.cancelled":
        queue_notice(MEMBERSHIP_CANCELLED, pk, key=f"{pk}:{event.id}")
    elif name == "membership.frozen":
        queue_notice(MEMBERSHIP_FROZEN, pk)
    elif name == "membership.unfrozen":
        # A freeze ended early keeps its row; one called off before it started is gone, and the mail says so.
        if MembershipFreeze.objects.filter(pk=pk).exists():
            queue_notice(MEMBERSHIP_UNFROZEN, pk, key=f"{pk}:{event.id}")
        else:
            queue_notice(FREEZE_CALLED_OFF, int(str(event.data["member_id"])), key=f"freeze:{pk}")


happened.connect(on_membership_event, dispatch_uid="notifications.memberships.on_membership_event")
