"""Every staff billing endpoint called as every kind of caller: each staff role may do over the API exactly what
its permissions let it do in the billing admin (billing/tests/api_access.py), nobody else anything."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from billing import services
from billing.tasks import previous_month
from billing.tests.api_access import API_ACCESS
from billing.tests.factories import (
    ClassPackFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    MembershipFactory,
    MembershipFreezeFactory,
    MembershipPlanFactory,
)
from clubsite.core.clock import club_today
from clubsite.frontdesk.tests.api_access import API_ACCESS as FRONT_DESK_ACCESS
from clubsite.testing.api_roles import assert_each_caller_gets_what_its_role_allows, operations_of
from members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_every_staff_billing_endpoint_has_an_entry_and_every_entry_an_endpoint():
    # A member's membership and credits are under /staff/members/{id}/, beside the front desk's member pages.
    for_a_member = operations_of("/api/v1/staff/members/") - set(FRONT_DESK_ACCESS)
    assert operations_of("/api/v1/staff/billing/") | for_a_member == set(API_ACCESS)


def scene() -> dict[str, Any]:
    member = MemberFactory()
    plan = MembershipPlanFactory(name="Gold", monthly_fee=Decimal("49.00"))
    draft = InvoiceFactory(member=member)
    line = InvoiceLineFactory(invoice=draft)
    sent = InvoiceFactory(member=MemberFactory())
    InvoiceLineFactory(invoice=sent, unit_price=Decimal("50.00"))
    services.invoice_issue(invoice=sent)
    services.payment_record(invoice=sent, amount=Decimal("10.00"), method="cash")
    membership = MembershipFactory(member=member, plan=plan)
    leaving = MemberFactory()
    MembershipFactory(member=leaving, plan=plan)
    services.membership_cancel(member=leaving)
    today = club_today()
    return {
        "member": member,
        "newcomer": MemberFactory(),
        "leaving": leaving,
        "plan": plan,
        "dearer": MembershipPlanFactory(name="Platinum", monthly_fee=Decimal("69.00")),
        "membership": membership,
        "freeze": MembershipFreezeFactory(
            membership=membership,
            starts_on=today + datetime.timedelta(days=10),
            ends_on=today + datetime.timedelta(days=20),
        ),
        "pack": ClassPackFactory(name="Ten classes", credits=10),
        "draft": draft,
        "line": line,
        "sent": sent,
    }


def _days(start: int, end: int) -> dict[str, str]:
    today = club_today()
    return {
        "starts_on": (today + datetime.timedelta(days=start)).isoformat(),
        "ends_on": (today + datetime.timedelta(days=end)).isoformat(),
    }


def _of(s: dict[str, Any], key: str = "member") -> str:
    return f"/staff/members/{s[key].pk}"


def _this_month() -> dict[str, str]:
    first = club_today().replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return {"period_start": first.isoformat(), "period_end": last.isoformat()}


def _last_month() -> dict[str, str]:
    start, end = previous_month(club_today())
    return {"period_start": start.isoformat(), "period_end": end.isoformat()}


CALLS: dict[str, Callable[[dict[str, Any]], tuple[str, str, Any]]] = {
    "staff_plan_list": lambda s: ("GET", "/staff/billing/plans", None),
    "staff_plan_create": lambda s: ("POST", "/staff/billing/plans", {"name": "Silver", "monthly_fee": "29.00"}),
    "staff_plan_update": lambda s: (
        "PUT",
        f"/staff/billing/plans/{s['plan'].pk}",
        {"name": "Gold", "monthly_fee": "59.00"},
    ),
    "staff_class_pack_list": lambda s: ("GET", "/staff/billing/class-packs", None),
    "staff_class_pack_create": lambda s: (
        "POST",
        "/staff/billing/class-packs",
        {"name": "Five classes", "credits": 5, "price": "40.00", "valid_days": 60},
    ),
    "staff_class_pack_update": lambda s: (
        "PUT",
        f"/staff/billing/class-packs/{s['pack'].pk}",
        {"name": "Ten classes", "credits": 10, "price": "75.00", "valid_days": 90},
    ),
    "staff_membership_state": lambda s: ("GET", f"{_of(s)}/membership", None),
    "staff_membership_join": lambda s: ("POST", f"{_of(s, 'newcomer')}/membership", {"plan": s["plan"].pk}),
    "staff_membership_change_plan": lambda s: ("PUT", f"{_of(s)}/membership/plan", {"plan": s["dearer"].pk}),
    "staff_membership_cancellation_preview": lambda s: ("GET", f"{_of(s)}/membership/cancellation", None),
    "staff_membership_cancel": lambda s: ("POST", f"{_of(s)}/membership/cancellation", {}),
    "staff_membership_cancel_withdraw": lambda s: ("DELETE", f"{_of(s, 'leaving')}/membership/cancellation", None),
    "staff_membership_freeze_preview": lambda s: ("GET", f"{_of(s)}/membership/freezes/preview", _days(40, 50)),
    "staff_membership_freeze": lambda s: ("POST", f"{_of(s)}/membership/freezes", _days(40, 50)),
    "staff_membership_freeze_end": lambda s: (
        "POST",
        f"{_of(s)}/membership/freezes/{s['freeze'].pk}/end",
        {"back_on": (club_today() + datetime.timedelta(days=15)).isoformat()},
    ),
    "staff_credit_pack_list": lambda s: ("GET", f"{_of(s)}/credit-packs", None),
    "staff_credit_pack_sell": lambda s: ("POST", f"{_of(s)}/credit-packs", {"pack": s["pack"].pk}),
    "staff_membership_list": lambda s: ("GET", "/staff/billing/memberships", None),
    "staff_membership_start": lambda s: (
        "POST",
        "/staff/billing/memberships",
        {"member": s["newcomer"].pk, "plan": s["plan"].pk, "started_on": club_today().isoformat()},
    ),
    "staff_membership_end": lambda s: (
        "POST",
        f"/staff/billing/memberships/{s['membership'].pk}/end",
        {"ended_on": club_today().isoformat()},
    ),
    "staff_invoice_generate": lambda s: ("POST", "/staff/billing/invoices/generate", _this_month()),
    "staff_billing_run_list": lambda s: ("GET", "/staff/billing/runs", None),
    "staff_billing_run_start": lambda s: ("POST", "/staff/billing/runs", _last_month()),
    "staff_invoice_list": lambda s: ("GET", "/staff/billing/invoices", None),
    "staff_invoice_read": lambda s: ("GET", f"/staff/billing/invoices/{s['sent'].pk}", None),
    "staff_invoice_pdf": lambda s: ("GET", f"/staff/billing/invoices/{s['sent'].pk}/pdf", None),
    "staff_invoice_create": lambda s: (
        "POST",
        "/staff/billing/invoices",
        {"member": s["newcomer"].pk, **_this_month()},
    ),
    "staff_invoice_line_add": lambda s: (
        "POST",
        f"/staff/billing/invoices/{s['draft'].pk}/lines",
        {"description": "Locker", "unit_price": "3.00"},
    ),
    "staff_invoice_line_remove": lambda s: ("DELETE", f"/staff/billing/lines/{s['line'].pk}", None),
    "staff_invoice_issue": lambda s: ("POST", f"/staff/billing/invoices/{s['draft'].pk}/issue", None),
    "staff_invoice_void": lambda s: ("POST", f"/staff/billing/invoices/{s['draft'].pk}/void", None),
    "staff_payment_record": lambda s: (
        "POST",
        f"/staff/billing/invoices/{s['sent'].pk}/payments",
        {"amount": "5.00", "method": "card"},
    ),
    "staff_payment_refund": lambda s: (
        "POST",
        f"/staff/billing/invoices/{s['sent'].pk}/refunds",
        {"amount": "5.00", "method": "card"},
    ),
}


def test_every_entry_has_a_call():
    assert set(CALLS) == set(API_ACCESS)


@pytest.mark.parametrize("operation_id", sorted(API_ACCESS))
def test_each_caller_may_do_exactly_what_its_role_allows(operation_id: str):
    s = scene()
    method, path, body = CALLS[operation_id](s)
    assert_each_caller_gets_what_its_role_allows(method, path, body, API_ACCESS[operation_id])
