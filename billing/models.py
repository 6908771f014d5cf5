"""Membership plans, invoices with their lines, and the payments received against them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

ZERO = Decimal("0.00")


class MembershipPlan(models.Model):
    name = models.CharField(max_length=80, unique=True)
    monthly_fee = models.DecimalField(max_digits=10, decimal_places=2)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["monthly_fee", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_fee__gte=0),
                name="billing_membershipplan_fee_not_negative",
                violation_error_message="A fee cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="memberships")
    plan = models.ForeignKey(MembershipPlan, on_delete=models.PROTECT, related_name="memberships")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True, help_text="Empty while the membership is current.")

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="billing_membership_end_after_start",
                violation_error_message="A membership cannot end before it starts.",
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(ended_on__isnull=True),
                name="billing_membership_one_current",
                violation_error_message="This member already has a current membership.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.plan}"


class Invoice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"
        PAID = "paid", "Paid"
        VOID = "void", "Void"

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="invoices")
    # Assigned when the invoice is issued; drafts have none.
    number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    issued_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    overdue_since = models.DateField(
        null=True,
        blank=True,
        help_text=(
            "The first day past the due date, set once by the dunning job when it announced the invoice overdue "
            "(invoice.overdue). Whether it is overdue now is billing.selectors.overdue_invoices: it stays set "
            "after the invoice is paid, as its history."
        ),
    )
    reminded_days_overdue = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=(
            "The days overdue (one of CLUB_DUNNING_REMINDER_DAYS) of the last payment reminder the dunning job "
            "queued; empty before the first. The next reminder goes once a higher threshold is passed."
        ),
    )

    class Meta:
        ordering = ["-period_start", "-id"]
        indexes = [
            models.Index(fields=["member", "status"], name="billing_invoice_member_status"),
            models.Index(fields=["status", "due_date"], name="billing_invoice_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="billing_invoice_period_end_after_start",
                violation_error_message="The period cannot end before it starts.",
            ),
            models.CheckConstraint(
                # A draft voided before issue never got a number, and needs none.
                condition=Q(status__in=["draft", "void"]) | (Q(number__isnull=False) & Q(issued_at__isnull=False)),
                name="billing_invoice_issued_has_number",
                violation_error_message="An issued invoice has a number and an issue date.",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"Draft invoice #{self.pk}"

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines.all() if not line.voided), ZERO)

    @property
    def amount_paid(self) -> Decimal:
        return sum((payment.signed_amount for payment in self.payments.all()), ZERO)

    @property
    def balance(self) -> Decimal:
        if self.status == self.Status.VOID:
            return ZERO
        return self.total - self.amount_paid


class InvoiceLine(models.Model):
    class Kind(models.TextChoices):
        PLAN_MONTH = "plan", "Membership month"
        CLASS = "class", "Group class"
        PT_SESSION = "pt", "Personal training"
        MANUAL = "manual", "Manual"
        CREDIT = "credit", "Credit"

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.MANUAL)
    description = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    # What the line bills; at most one of these, matching the kind.
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_lines"
    )
    period_start = models.DateField(null=True, blank=True, help_text="The month a plan line bills.")
    class_registration = models.ForeignKey(
        "operations.ClassRegistration", on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_lines"
    )
    pt_session = models.ForeignKey(
        "operations.PersonalTrainingSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_lines",
    )
    # Set when the invoice is voided, which frees what the line billed to be billed again.
    voided = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="billing_invoiceline_quantity_positive",
                violation_error_message="The quantity must be at least 1.",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0) | Q(kind="credit"),
                name="billing_invoiceline_price_not_negative",
                violation_error_message="A price cannot be negative; use a credit line instead.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="credit") | Q(unit_price__lte=0),
                name="billing_invoiceline_credit_not_positive",
                violation_error_message="A credit line lowers the total.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="plan", membership__isnull=False, period_start__isnull=False)
                    | (~Q(kind="plan") & Q(membership__isnull=True, period_start__isnull=True))
                )
                & (
                    Q(kind="class", class_registration__isnull=False)
                    | (~Q(kind="class") & Q(class_registration__isnull=True))
                )
                & (Q(kind="pt", pt_session__isnull=False) | (~Q(kind="pt") & Q(pt_session__isnull=True))),
                name="billing_invoiceline_billable_matches_kind",
                violation_error_message="A line bills exactly the thing its kind names.",
            ),
            # A billable thing is billed at most once (lines of a voided invoice no longer count).
            models.UniqueConstraint(
                fields=["membership", "period_start"],
                condition=Q(kind="plan", voided=False),
                name="billing_invoiceline_plan_month_once",
                violation_error_message="This membership month is already billed.",
            ),
            models.UniqueConstraint(
                fields=["class_registration"],
                condition=Q(kind="class", voided=False),
                name="billing_invoiceline_class_once",
                violation_error_message="This class registration is already billed.",
            ),
            models.UniqueConstraint(
                fields=["pt_session"],
                condition=Q(kind="pt", voided=False),
                name="billing_invoiceline_pt_once",
                violation_error_message="This personal training session is already billed.",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.unit_price


class Payment(models.Model):
    """Money received (or refunded) against an invoice. Never edited or deleted."""

    class Method(models.TextChoices):
        CARD = "card", "Card"
        CASH = "cash", "Cash"
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        DIRECT_DEBIT = "direct_debit", "Direct debit"

    class Kind(models.TextChoices):
        PAYMENT = "payment", "Payment"
        REFUND = "refund", "Refund"

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.PAYMENT)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    method = models.CharField(max_length=16, choices=Method.choices)
    received_at = models.DateTimeField(default=timezone.now)
    reference = models.CharField(max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="billing_payment_amount_positive",
                violation_error_message="The amount must be more than zero.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} on {self.invoice}"

    @property
    def signed_amount(self) -> Decimal:
        return -self.amount if self.kind == self.Kind.REFUND else self.amount


#: Who may see the billing runs (the admin's list and the back office's page): the billing role and managers.
VIEW_RUNS = "billing.view_billingrun"
#: Who may start a run (the back office's button): whoever may bill, as for "Generate invoices".
START_RUN = "billing.add_invoice"


class BillingRun(models.Model):
    """One run of the monthly billing (scheduled or started again by staff): what it did and what failed.

    Each member is billed in their own transaction, so the counts grow as the run goes; ``failure_details``
    names each member who could not be billed and why, for staff to fix and run again.
    """

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Schedule"
        STAFF = "staff", "Staff"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"
        #: Its worker stopped mid-run (killed, or the machine went away); the queue ran the job again as a new run.
        INTERRUPTED = "interrupted", "Interrupted (the worker stopped; the job ran again)"

    period_start = models.DateField(help_text="The first day billed (club time).")
    period_end = models.DateField(help_text="The last day billed (club time).")
    started_at = models.DateTimeField(default=timezone.now, help_text="When the run began.")
    finished_at = models.DateTimeField(
        null=True, blank=True, help_text="When the run ended, finished or failed; empty while it runs."
    )
    trigger = models.CharField(
        max_length=8, choices=Trigger.choices, help_text="Started by the monthly schedule or by a staff member."
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who asked for the run; empty for a scheduled one.",
    )
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.RUNNING,
        help_text=(
            "Running while it bills; finished when every member was tried (some may have failed, see failures); "
            "failed when the run itself stopped (the database went away), and may be run again; interrupted when "
            "its worker stopped mid-run and the queue started the same job again (the later run goes on)."
        ),
    )
    job_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="The queue's job that ran it (procrastinate's id); a job started again finds its earlier run.",
    )
    members_billed = models.PositiveIntegerField(default=0, help_text="Members who had something new billed.")
    invoices_created = models.PositiveIntegerField(
        default=0, help_text="Drafts the run opened (new lines may also go onto a member's draft for the period)."
    )
    invoices_issued = models.PositiveIntegerField(default=0, help_text="Invoices the run issued.")
    failures = models.PositiveIntegerField(default=0, help_text="Members the run could not bill.")
    failure_details = models.JSONField(
        default=list,
        blank=True,
        help_text="One entry per member not billed: member_id, member (their name), code and message.",
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["period_start", "period_end", "status"], name="billing_run_period_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="billing_billingrun_period_end_after_start",
                violation_error_message="The period cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"Billing run {self.period_start:%Y-%m-%d} – {self.period_end:%Y-%m-%d} ({self.get_status_display()})"
