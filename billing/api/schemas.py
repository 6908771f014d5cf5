"""What the staff billing endpoints take and give back. Money is a decimal (a string in JSON, "49.00"); references
to other rows are their ids, named as the services name them (``member``, ``plan``), so a refusal's ``field`` is
the field of the request."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Schema

from billing.models import MembershipPlan


class StaffBillingRef(Schema):
    id: int
    name: str


# -- plans and memberships --------------------------------------------------------------------


class StaffPlanIn(Schema):
    """A plan and its terms. Changing a plan, a term left out keeps its value (creating, its default)."""

    name: str
    monthly_fee: Decimal
    description: str = ""
    is_active: bool = Field(True, description="Offered to new memberships.")
    joining_fee: Decimal = Field(Decimal("0.00"), description="Billed once, on the first invoice.")
    classes: MembershipPlan.Classes = Field(
        MembershipPlan.Classes.NONE,
        description="unlimited, allowance (classes_per_month a month) or none (gym only: classes by credit or "
        "drop-in).",
    )
    classes_per_month: int | None = Field(None, description="1 to 100, with an allowance only.")
    minimum_term_months: int = Field(0, description="0 to 60: a membership cannot end before.")
    notice_months: int = Field(0, description="0 to 12: a cancellation takes effect this many months after notice.")


class StaffPlanOut(Schema):
    id: int
    name: str
    monthly_fee: Decimal
    description: str
    is_active: bool
    joining_fee: Decimal
    classes: MembershipPlan.Classes
    classes_per_month: int | None
    minimum_term_months: int
    notice_months: int


#: The terms a plan's update keeps when the request leaves them out (a client of before they existed).
PLAN_TERMS = ("joining_fee", "classes", "classes_per_month", "minimum_term_months", "notice_months")


# -- class packs --------------------------------------------------------------------------------


class StaffClassPackIn(Schema):
    name: str
    credits: int = Field(description="1 to 100 class credits.")
    price: Decimal
    valid_days: int = Field(description="1 to 730: the credits expire this many days after purchase.")
    is_active: bool = Field(True, description="On sale to members.")


class StaffClassPackOut(Schema):
    id: int
    name: str
    credits: int
    price: Decimal
    valid_days: int
    is_active: bool


class StaffMembershipIn(Schema):
    member: int = Field(description="The id of the member.")
    plan: int = Field(description="The id of the plan.")
    started_on: datetime.date


class StaffMembershipEndIn(Schema):
    ended_on: datetime.date = Field(description="The membership's last active day.")


class StaffMembershipOut(Schema):
    id: int
    member: StaffBillingRef
    plan: StaffBillingRef
    started_on: datetime.date
    ended_on: datetime.date | None = Field(description="Null while the membership is current.")


# -- invoices ---------------------------------------------------------------------------------


class StaffGenerateIn(Schema):
    member: int | None = Field(None, description="The id of one member; leave out to bill every member.")
    period_start: datetime.date
    period_end: datetime.date


class StaffInvoiceIn(Schema):
    member: int = Field(description="The id of the member.")
    period_start: datetime.date
    period_end: datetime.date


class StaffInvoiceOut(Schema):
    id: int
    number: str | None = Field(description="Given when the invoice is issued; null for a draft.")
    member: StaffBillingRef
    status: str = Field(description="draft, issued, paid or void.")
    period_start: datetime.date
    period_end: datetime.date
    created_at: datetime.datetime
    issued_at: datetime.datetime | None
    due_date: datetime.date | None
    total: Decimal
    paid: Decimal = Field(description="Net of refunds.")
    balance: Decimal
    overdue: bool


class StaffGenerateOut(Schema):
    invoices: list[StaffInvoiceOut] = Field(
        description="The drafts that now hold what was not billed yet; empty when there was nothing new to bill."
    )


class StaffLineIn(Schema):
    kind: str = Field("manual", description="manual, or credit (with a negative unit price).")
    description: str
    quantity: int = 1
    unit_price: Decimal


class StaffLineOut(Schema):
    id: int
    invoice: int
    kind: str
    description: str
    quantity: int
    unit_price: Decimal
    amount: Decimal
    voided: bool = Field(description="Set when the invoice is voided.")


class StaffPaymentIn(Schema):
    amount: Decimal
    method: str = Field(description="card, cash, bank_transfer or direct_debit.")
    reference: str = ""
    received_at: datetime.datetime | None = Field(None, description="When the money came in; now if left out.")


class StaffRefundIn(Schema):
    amount: Decimal
    method: str = Field(description="card, cash, bank_transfer or direct_debit.")
    reference: str = ""


class StaffPaymentOut(Schema):
    id: int
    invoice: int
    kind: str = Field(description="payment or refund.")
    amount: Decimal
    method: str
    received_at: datetime.datetime
    reference: str
    recorded_by: str | None


class StaffInvoiceDetailOut(StaffInvoiceOut):
    lines: list[StaffLineOut]
    payments: list[StaffPaymentOut]
