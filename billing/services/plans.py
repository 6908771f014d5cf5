"""Membership plans: offering a plan, and changing its name, fee, description or whether it is still offered."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from clubsite.core.db import constraint_errors

from ..errors import BillingError
from ..models import MembershipPlan
from ._base import PLAN_CONSTRAINTS, money

NAME_MAX: int = MembershipPlan._meta.get_field("name").max_length  # type: ignore[assignment]


def _plan_fields(*, name: str, monthly_fee: Decimal, description: str, is_active: bool) -> dict[str, object]:
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise BillingError("plan_name_required")
    if len(name) > NAME_MAX:
        raise BillingError("plan_name_too_long")
    fee = money(monthly_fee, "monthly_fee")
    if fee < 0:
        raise BillingError("fee_negative")
    return {
        "name": name,
        "monthly_fee": fee,
        "description": description.strip() if isinstance(description, str) else "",
        "is_active": bool(is_active),
    }


def _check_name_free(name: object, *, exclude_id: int | None = None) -> None:
    taken = MembershipPlan.objects.filter(name__iexact=name)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise BillingError("plan_name_taken")


@transaction.atomic
def membership_plan_create(
    *, name: str, monthly_fee: Decimal, description: str = "", is_active: bool = True
) -> MembershipPlan:
    """Offer a new plan; its name is unique (regardless of case)."""
    fields = _plan_fields(name=name, monthly_fee=monthly_fee, description=description, is_active=is_active)
    _check_name_free(fields["name"])
    with constraint_errors(PLAN_CONSTRAINTS, BillingError):
        return MembershipPlan.objects.create(**fields)


@transaction.atomic
def membership_plan_update(
    *, plan: MembershipPlan, name: str, monthly_fee: Decimal, description: str = "", is_active: bool = True
) -> MembershipPlan:
    """Change a plan. A new fee bills the months not billed yet; a plan no longer offered keeps its members
    (``membership_start`` refuses it for new ones)."""
    fields = _plan_fields(name=name, monthly_fee=monthly_fee, description=description, is_active=is_active)
    if not isinstance(plan, MembershipPlan) or plan.pk is None:
        raise BillingError("plan_required")
    locked = MembershipPlan.objects.select_for_update().filter(pk=plan.pk).first()
    if locked is None:
        raise BillingError("plan_required")
    _check_name_free(fields["name"], exclude_id=locked.pk)
    for field, value in fields.items():
        setattr(locked, field, value)
    with constraint_errors(PLAN_CONSTRAINTS, BillingError):
        locked.save(update_fields=list(fields))
    return locked
