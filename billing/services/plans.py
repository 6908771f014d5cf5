"""Membership plans: offering a plan with its terms (fees, the classes it includes, minimum term, notice), and
changing them."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from clubsite.core.db import constraint_errors

from ..errors import BillingError
from ..models import ZERO, MembershipPlan
from ._base import PLAN_CONSTRAINTS, money

NAME_MAX: int = MembershipPlan._meta.get_field("name").max_length  # type: ignore[assignment]


MAX_TERM_MONTHS = 60
MAX_NOTICE_MONTHS = 12
MAX_CLASSES_PER_MONTH = 100


def _months(value: object, high: int, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise BillingError(code)
    return value


def _plan_fields(
    *,
    name: str,
    monthly_fee: Decimal,
    description: str,
    is_active: bool,
    joining_fee: Decimal,
    classes: str,
    classes_per_month: int | None,
    minimum_term_months: int,
    notice_months: int,
) -> dict[str, object]:
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise BillingError("plan_name_required")
    if len(name) > NAME_MAX:
        raise BillingError("plan_name_too_long")
    fee = money(monthly_fee, "monthly_fee")
    if fee < 0:
        raise BillingError("fee_negative")
    joining = money(joining_fee, "joining_fee")
    if joining < 0:
        raise BillingError("joining_fee_negative")
    if classes not in MembershipPlan.Classes.values:
        raise BillingError("plan_classes_invalid")
    if classes == MembershipPlan.Classes.ALLOWANCE:
        if (
            isinstance(classes_per_month, bool)
            or not isinstance(classes_per_month, int)
            or not 1 <= classes_per_month <= MAX_CLASSES_PER_MONTH
        ):
            raise BillingError("plan_allowance_required")
    elif classes_per_month is not None:
        raise BillingError("plan_allowance_unexpected")
    return {
        "name": name,
        "monthly_fee": fee,
        "joining_fee": joining,
        "classes": classes,
        "classes_per_month": classes_per_month,
        "minimum_term_months": _months(minimum_term_months, MAX_TERM_MONTHS, "plan_term_invalid"),
        "notice_months": _months(notice_months, MAX_NOTICE_MONTHS, "plan_notice_invalid"),
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
    *,
    name: str,
    monthly_fee: Decimal,
    description: str = "",
    is_active: bool = True,
    joining_fee: Decimal = ZERO,
    classes: str = MembershipPlan.Classes.NONE,
    classes_per_month: int | None = None,
    minimum_term_months: int = 0,
    notice_months: int = 0,
) -> MembershipPlan:
    """Offer a new plan; its name is unique (regardless of case)."""
    fields = _plan_fields(
        name=name,
        monthly_fee=monthly_fee,
        description=description,
        is_active=is_active,
        joining_fee=joining_fee,
        classes=classes,
        classes_per_month=classes_per_month,
        minimum_term_months=minimum_term_months,
        notice_months=notice_months,
    )
    _check_name_free(fields["name"])
    with constraint_errors(PLAN_CONSTRAINTS, BillingError):
        return MembershipPlan.objects.create(**fields)


@transaction.atomic
def membership_plan_update(
    *,
    plan: MembershipPlan,
    name: str,
    monthly_fee: Decimal,
    description: str = "",
    is_active: bool = True,
    joining_fee: Decimal = ZERO,
    classes: str = MembershipPlan.Classes.NONE,
    classes_per_month: int | None = None,
    minimum_term_months: int = 0,
    notice_months: int = 0,
) -> MembershipPlan:
    """Change a plan. A new fee bills the months not billed yet; new terms apply to notice given from now on; a
    plan no longer offered keeps its members (joining and changing to it are refused)."""
    fields = _plan_fields(
        name=name,
        monthly_fee=monthly_fee,
        description=description,
        is_active=is_active,
        joining_fee=joining_fee,
        classes=classes,
        classes_per_month=classes_per_month,
        minimum_term_months=minimum_term_months,
        notice_months=notice_months,
    )
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
