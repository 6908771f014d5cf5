"""Class packs: staff offer packs of class credits; a member buys one, invoiced at once, its credits expiring
``valid_days`` after the purchase. Spending and giving back credits is ``coverage``'s work."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from clubsite.core.clock import club_today
from clubsite.core.db import constraint_errors
from clubsite.core.events import publish
from members.models import Member

from ..errors import BillingError
from ..models import ClassPack, CreditPack, Invoice, InvoiceLine
from ._base import LINE_CONSTRAINTS, description, lock_member, money
from .invoices import invoice_issue

NAME_MAX: int = ClassPack._meta.get_field("name").max_length  # type: ignore[assignment]
MAX_CREDITS = 100
MAX_VALID_DAYS = 730
PACK_CONSTRAINTS = {
    "billing_classpack_name_key": "pack_name_taken",
    "billing_classpack_credits_positive": "pack_credits_invalid",
    "billing_classpack_price_not_negative": "pack_price_negative",
    "billing_classpack_valid_days_positive": "pack_valid_days_invalid",
}


def _whole(value: object, low: int, high: int, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BillingError(code)
    return value


def _pack_fields(
    *, name: str, credits: int, price: Decimal, valid_days: int, is_active: bool, exclude_id: int | None = None
) -> dict[str, object]:
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise BillingError("pack_name_required")
    if len(name) > NAME_MAX:
        raise BillingError("pack_name_too_long")
    taken = ClassPack.objects.filter(name__iexact=name)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise BillingError("pack_name_taken")
    amount = money(price, "price")
    if amount < 0:
        raise BillingError("pack_price_negative")
    return {
        "name": name,
        "credits": _whole(credits, 1, MAX_CREDITS, "pack_credits_invalid"),
        "price": amount,
        "valid_days": _whole(valid_days, 1, MAX_VALID_DAYS, "pack_valid_days_invalid"),
        "is_active": bool(is_active),
    }


@transaction.atomic
def class_pack_create(*, name: str, credits: int, price: Decimal, valid_days: int, is_active: bool = True) -> ClassPack:
    """Offer a pack of ``credits`` class credits at ``price``, to be used within ``valid_days`` of buying it."""
    fields = _pack_fields(name=name, credits=credits, price=price, valid_days=valid_days, is_active=is_active)
    with constraint_errors(PACK_CONSTRAINTS, BillingError):
        return ClassPack.objects.create(**fields)


@transaction.atomic
def class_pack_update(
    *, pack: ClassPack, name: str, credits: int, price: Decimal, valid_days: int, is_active: bool = True
) -> ClassPack:
    """Change a pack; packs bought already keep what they were bought with."""
    if not isinstance(pack, ClassPack) or pack.pk is None:
        raise BillingError("pack_required")
    locked = ClassPack.objects.select_for_update().filter(pk=pack.pk).first()
    if locked is None:
        raise BillingError("pack_required")
    fields = _pack_fields(
        name=name, credits=credits, price=price, valid_days=valid_days, is_active=is_active, exclude_id=locked.pk
    )
    for field, value in fields.items():
        setattr(locked, field, value)
    with constraint_errors(PACK_CONSTRAINTS, BillingError):
        locked.save(update_fields=list(fields))
    return locked


def credit_pack_buy(*, member: Member, pack: ClassPack, today: datetime.date | None = None) -> CreditPack:
    """Buy a pack: its credits can be used at once, for classes up to its expiry; its invoice is issued now."""
    today = club_today() if today is None else today
    with transaction.atomic():
        member = lock_member(member)
        if not isinstance(pack, ClassPack) or pack.pk is None:
            raise BillingError("pack_required")
        fresh = ClassPack.objects.filter(pk=pack.pk).first()
        if fresh is None:
            raise BillingError("pack_required")
        if not fresh.is_active:
            raise BillingError("pack_inactive")
        expires_on = today + datetime.timedelta(days=fresh.valid_days - 1)
        bought = CreditPack.objects.create(
            member=member, pack=fresh, credits=fresh.credits, credits_left=fresh.credits, expires_on=expires_on
        )
        invoice = Invoice.objects.create(member=member, period_start=today, period_end=today)
        with constraint_errors(LINE_CONSTRAINTS, BillingError):
            InvoiceLine.objects.create(
                invoice=invoice,
                kind=InvoiceLine.Kind.PACK,
                description=description(
                    f"{fresh.name}: {fresh.credits} class credits, to use by {expires_on:%d %b %Y}"
                ),
                unit_price=fresh.price,
                credit_pack=bought,
            )
        invoice_issue(invoice=invoice)
        publish("credit_pack.bought", bought.pk, member_id=member.pk, invoice_id=invoice.pk)
        return bought
