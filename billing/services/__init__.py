"""Billing rules: plans, memberships, invoice generation and lines, issuing, payments, refunds and voids, settling
what was billed for a cancelled place or session, the billing run, and dunning.

Every write of billing goes through one of these functions; each refuses with a ``BillingError`` (a coded
``ClubError``, see ``billing.errors``) and writes nothing then. The modules split the rules by sub-domain;
callers import from here.
"""

from ..errors import BillingError
from .dunning import invoice_mark_overdue, invoice_mark_reminded, invoices_mark_overdue
from .generation import invoice_generate, invoice_generate_all
from .invoices import invoice_create, invoice_issue, invoice_line_add, invoice_line_remove, invoice_void
from .memberships import membership_end, membership_start
from .payments import payment_record, payment_refund
from .plans import membership_plan_create, membership_plan_update
from .runs import billing_run, billing_run_check
from .settlement import CANCELLED_CREDIT, Settlement, on_places_cancelled, settle_cancelled

__all__ = [
    "CANCELLED_CREDIT",
    "BillingError",
    "Settlement",
    "billing_run",
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
    "membership_end",
    "membership_plan_create",
    "membership_plan_update",
    "membership_start",
    "on_places_cancelled",
    "payment_record",
    "payment_refund",
    "settle_cancelled",
]
