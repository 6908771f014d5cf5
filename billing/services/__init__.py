"""Billing rules: plans, memberships (joining, plan changes, notice, freezes), class packs and how a seat is paid
for, invoice generation and lines, issuing, payments, refunds and voids, settling
what was billed for a cancelled place or session, the billing run, and dunning.

Every write of billing goes through one of these functions; each refuses with a ``BillingError`` (a coded
``ClubError``, see ``billing.errors``) and writes nothing then. The modules split the rules by sub-domain;
callers import from here.
"""

from ..errors import BillingError
from .coverage import cover_seat, on_place_taken
from .dunning import invoice_mark_overdue, invoice_mark_reminded, invoices_mark_overdue
from .generation import invoice_generate, invoice_generate_all
from .invoices import invoice_create, invoice_issue, invoice_line_add, invoice_line_remove, invoice_void
from .memberships import (
    Joined,
    membership_cancel,
    membership_cancel_withdraw,
    membership_change_plan,
    membership_end,
    membership_freeze,
    membership_freeze_end,
    membership_join,
    membership_start,
    rebill_months,
)
from .packs import class_pack_create, class_pack_update, credit_pack_buy
from .payments import payment_record, payment_refund
from .plans import membership_plan_create, membership_plan_update
from .runs import billing_run, billing_run_check
from .settlement import CANCELLED_CREDIT, Settlement, on_attendance_marked, on_places_cancelled, settle_cancelled
from .signup import SignedUp, member_sign_up, member_sign_up_confirm, member_sign_up_request, sign_ups_forget

__all__ = [
    "CANCELLED_CREDIT",
    "BillingError",
    "Joined",
    "Settlement",
    "SignedUp",
    "member_sign_up_confirm",
    "member_sign_up_request",
    "sign_ups_forget",
    "billing_run",
    "class_pack_create",
    "class_pack_update",
    "cover_seat",
    "credit_pack_buy",
    "billing_run_check",
    "invoice_create",
    "invoice_generate",
    "invoice_generate_all",
    "invoice_issue",
    "invoice_mark_overdue",
    "invoice_mark_reminded",
    "invoices_mark_overdue",
    "invoice_line_add",
    "invoice_line_remove",
    "invoice_void",
    "member_sign_up",
    "membership_cancel",
    "membership_cancel_withdraw",
    "membership_change_plan",
    "membership_end",
    "membership_freeze",
    "membership_freeze_end",
    "membership_join",
    "membership_plan_create",
    "membership_plan_update",
    "membership_start",
    "on_attendance_marked",
    "on_place_taken",
    "on_places_cancelled",
    "payment_record",
    "payment_refund",
    "rebill_months",
    "settle_cancelled",
]
