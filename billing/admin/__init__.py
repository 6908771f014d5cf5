"""Staff back office for plans, memberships, invoices with their lines, and payments; every write is a service call.

Cancelling a class, a PT session or their booking is operations' admin: its services announce the cancellation
and billing's receiver settles what was billed for it, so nothing here extends another app's admin.
"""

from .invoices import BILLED, NOTHING_TO_BILL, InvoiceAdmin
from .lines import InvoiceLineAdmin
from .memberships import MembershipAdmin, MembershipPlanAdmin
from .payments import PaymentAdmin
from .runs import BillingRunAdmin

__all__ = [
    "BILLED",
    "BillingRunAdmin",
    "NOTHING_TO_BILL",
    "InvoiceAdmin",
    "InvoiceLineAdmin",
    "MembershipAdmin",
    "MembershipPlanAdmin",
    "PaymentAdmin",
]
