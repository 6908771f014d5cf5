"""Staff back office for plans, memberships and their freezes, class packs and the packs members bought,
invoices with their lines, and payments; every write is a service call.

Cancelling a class, a PT session or their booking is operations' admin: its services announce the cancellation
and billing's receiver settles what was billed for it, so nothing here extends another app's admin.
"""

from .freezes import MembershipFreezeAdmin
from .invoices import NOTHING_TO_BILL, InvoiceAdmin, billed_text
from .lines import InvoiceLineAdmin
from .memberships import MembershipAdmin, MembershipPlanAdmin
from .packs import ClassPackAdmin, CreditPackAdmin
from .payments import PaymentAdmin
from .runs import BillingRunAdmin

__all__ = [
    "BillingRunAdmin",
    "ClassPackAdmin",
    "CreditPackAdmin",
    "InvoiceAdmin",
    "InvoiceLineAdmin",
    "MembershipAdmin",
    "MembershipFreezeAdmin",
    "MembershipPlanAdmin",
    "NOTHING_TO_BILL",
    "PaymentAdmin",
    "billed_text",
]
