"""Billing's refusals: one table of every code the billing services raise, with the message and field of each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from clubsite.core.errors import CONFLICT, NOT_FOUND, ClubError, Message


class BillingError(ClubError):
    """A billing rule was broken; the code says which, and nothing was written.

    ``date_required``, ``time_invalid`` and ``amount_invalid`` are about whichever input was wrong: the raise
    site names the field (``started_on``, ``period_end``, ``received_at``, ``unit_price``...).
    """

    messages: ClassVar[Mapping[str, Message]] = {
        # input
        "member_required": Message("Choose a member.", "member"),
        "plan_required": Message("Choose a membership plan.", "plan"),
        "plan_inactive": Message("This membership plan is no longer offered.", "plan", kind=CONFLICT),
        "date_required": Message("Enter a date."),
        "time_invalid": Message("Enter a date and time with a time zone."),
        "amount_invalid": Message("Enter an amount with at most two decimal places, below 100,000,000."),
        "amount_not_positive": Message("The amount must be more than zero.", "amount"),
        "method_invalid": Message("Choose a payment method.", "method"),
        "reference_too_long": Message("A reference can be at most 80 characters.", "reference"),
        # plans
        "plan_name_required": Message("Give the plan a name.", "name"),
        "plan_name_too_long": Message("A plan's name can be at most 80 characters.", "name"),
        "plan_name_taken": Message("A plan with this name already exists.", "name", kind=CONFLICT),
        "fee_negative": Message("A fee cannot be negative.", "monthly_fee"),
        "joining_fee_negative": Message("A fee cannot be negative.", "joining_fee"),
        "plan_classes_invalid": Message("Choose which classes the plan includes.", "classes"),
        "plan_allowance_required": Message(
            "Enter how many classes a month the plan includes (1 to 100).", "classes_per_month"
        ),
        "plan_allowance_unexpected": Message(
            "Only a plan with a monthly allowance has a number of classes a month.", "classes_per_month"
        ),
        "plan_term_invalid": Message("Enter a minimum term of 0 to 60 months.", "minimum_term_months"),
        "plan_notice_invalid": Message("Enter a notice period of 0 to 12 months.", "notice_months"),
        # memberships
        "membership_required": Message("Choose a membership.", "membership"),
        "membership_already_current": Message("This member already has a current membership.", "member", kind=CONFLICT),
        "membership_start_not_after_current": Message(
            "A new membership must start after the current membership started.", "started_on", kind=CONFLICT
        ),
        "membership_overlaps_previous": Message(
            "A new membership cannot start before the member's previous membership ended.", "started_on", kind=CONFLICT
        ),
        "membership_already_ended": Message("This membership has already ended.", "membership", kind=CONFLICT),
        "membership_end_before_start": Message("A membership cannot end before it starts.", "ended_on"),
        "membership_overlaps": Message("Memberships of one member cannot overlap.", "started_on", kind=CONFLICT),
        "membership_exists": Message(
            "You already have a membership ({plan}); change its plan instead.", "plan", kind=CONFLICT
        ),
        "membership_none": Message("You have no current membership; choose a plan to join.", "plan", kind=CONFLICT),
        "plan_unchanged": Message("You are already on this plan.", "plan", kind=CONFLICT),
        "plan_change_in_term": Message(
            "During the minimum term (until {term_ends}) a plan can only change to one costing the same or more.",
            "plan",
            kind=CONFLICT,
        ),
        "membership_cancelling": Message(
            "This membership ends on {ended_on}. Withdraw the cancellation before changing the plan.",
            kind=CONFLICT,
        ),
        "membership_already_cancelled": Message(
            "This membership is already cancelled: it ends on {ended_on}.", kind=CONFLICT
        ),
        "membership_not_cancelled": Message("This membership has no cancellation to withdraw.", kind=CONFLICT),
        "membership_cancel_too_late": Message(
            "The cancellation can no longer be withdrawn: the membership has ended.", kind=CONFLICT
        ),
        # freezes
        "freeze_required": Message("This freeze no longer exists.", "freeze", kind=NOT_FOUND),
        "freeze_in_past": Message("A freeze cannot start in the past.", "starts_on"),
        "freeze_end_before_start": Message("A freeze cannot end before it starts.", "ends_on"),
        "freeze_too_short": Message("A freeze lasts at least {days} days.", "ends_on"),
        "freeze_too_long": Message("A freeze lasts at most {days} days.", "ends_on"),
        "freeze_yearly_limit": Message(
            "A membership can be frozen for at most {limit} days in {year}; {used} are frozen already, so at most "
            "{left} more.",
            "ends_on",
            kind=CONFLICT,
        ),
        "freeze_outside_membership": Message(
            "The freeze must lie within the membership ({span}).", "starts_on", kind=CONFLICT
        ),
        "freeze_overlaps": Message("These days overlap another freeze ({span}).", "starts_on", kind=CONFLICT),
        "freeze_has_bookings": Message(
            "You have {booking} booked on those days; cancel it first, or choose other dates.",
            "starts_on",
            kind=CONFLICT,
        ),
        "freeze_over": Message("This freeze is already over.", "freeze", kind=CONFLICT),
        "freeze_end_invalid": Message("Choose a day from today to {last} to come back on.", "back_on"),
        "membership_frozen": Message(
            "Your membership is frozen from {starts_on} to {ends_on}: nothing can be booked on those days.",
            kind=CONFLICT,
        ),
        # class packs and credits
        "pack_required": Message("Choose a class pack.", "pack"),
        "pack_inactive": Message("This class pack is no longer offered.", "pack", kind=CONFLICT),
        "pack_name_required": Message("Give the pack a name.", "name"),
        "pack_name_too_long": Message("A pack's name can be at most 80 characters.", "name"),
        "pack_name_taken": Message("A pack with this name already exists.", "name", kind=CONFLICT),
        "pack_credits_invalid": Message("A pack holds 1 to 100 credits.", "credits"),
        "pack_valid_days_invalid": Message("A pack is valid for 1 to 730 days.", "valid_days"),
        "pack_price_negative": Message("A price cannot be negative.", "price"),
        "class_needs_credit": Message(
            "Your plan does not include this class and you have no class credits left for it. Buy a class pack "
            "to book it.",
            kind=CONFLICT,
        ),
        "credits_exhausted": Message("No class credits are left.", kind=CONFLICT),
        "pack_already_billed": Message("This class pack is already billed.", kind=CONFLICT),
        "fee_already_billed": Message("This place's fee is already billed.", kind=CONFLICT),
        # periods and generation
        "period_end_before_start": Message("The billing period cannot end before it starts.", "period_end"),
        "date_out_of_calendar": Message("Choose a date within the calendar.", "period_end"),
        "period_too_long": Message("A billing period can be at most one year long.", "period_end"),
        "plan_month_already_billed": Message("This membership month is already billed.", kind=CONFLICT),
        "class_already_billed": Message("This class registration is already billed.", kind=CONFLICT),
        "pt_session_already_billed": Message("This personal training session is already billed.", kind=CONFLICT),
        "invoice_draft_exists": Message(
            "This member already has a draft invoice for that period: {invoice}.", kind=CONFLICT
        ),
        # invoices and their lines
        "invoice_required": Message("Choose an invoice.", "invoice"),
        "invoice_not_draft": Message("Lines can only be added to a draft invoice.", "invoice", kind=CONFLICT),
        "line_kind_not_manual": Message("Only manual and credit lines can be added by hand.", "kind"),
        "description_required": Message("Enter a description.", "description"),
        "description_too_long": Message("A description can be at most 200 characters.", "description"),
        "quantity_invalid": Message("The quantity must be a whole number from 1 to 1000.", "quantity"),
        "price_negative": Message("A price cannot be negative; add a credit line instead.", "unit_price"),
        "credit_not_negative": Message("A credit lowers the total: enter it as a negative amount.", "unit_price"),
        "line_invalid": Message("A line bills exactly the thing its kind names."),
        "line_required": Message("This invoice line no longer exists.", "line", kind=NOT_FOUND),
        "line_remove_not_draft": Message("Lines can only be removed from a draft invoice.", "line", kind=CONFLICT),
        "invoice_issue_not_draft": Message("Only a draft invoice can be issued.", "invoice", kind=CONFLICT),
        "invoice_empty": Message("Add at least one line before issuing the invoice.", "invoice", kind=CONFLICT),
        "invoice_number_missing": Message("An issued invoice has a number and an issue date."),
        "invoice_number_taken": Message("This invoice number is already in use.", kind=CONFLICT),
        "invoice_void_no_document": Message(
            "A void invoice bills nothing, so it has no printable copy or PDF.", "invoice", kind=CONFLICT
        ),
        # payments, refunds and voids
        "payment_invoice_not_issued": Message(
            "Payments can only be recorded against an issued invoice.", "invoice", kind=CONFLICT
        ),
        "payment_invoice_already_paid": Message("This invoice is already paid in full.", "invoice", kind=CONFLICT),
        "payment_above_balance": Message("The payment is more than the balance still due.", "amount", kind=CONFLICT),
        "payment_in_future": Message("A payment cannot be received in the future.", "received_at"),
        "payment_before_issue": Message(
            "A payment cannot be received before its invoice was issued ({issued_on}).", "received_at"
        ),
        "refund_invoice_status": Message(
            "Refunds can only be made on an issued or paid invoice.", "invoice", kind=CONFLICT
        ),
        "refund_above_paid": Message(
            "A refund cannot be more than what was paid on this invoice.", "amount", kind=CONFLICT
        ),
        "void_invoice_status": Message("Only a draft or issued invoice can be voided.", "invoice", kind=CONFLICT),
        "void_has_payments": Message(
            "An invoice with money received cannot be voided; refund the payments first.", "invoice", kind=CONFLICT
        ),
        # billing runs
        "run_period_not_over": Message(
            "A billing run bills a period that is over: {period} has not ended yet.", "period_end", kind=CONFLICT
        ),
        "run_already_queued": Message("A run for {period} is already queued.", kind=CONFLICT),
        "run_trigger_invalid": Message("A billing run is started by the schedule or by staff.", "trigger"),
        "run_started_by_required": Message("A run started by staff names who started it.", "started_by"),
    }
