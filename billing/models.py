"""Membership plans, invoices with their lines, and the payments received against them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from clubsite.core.db import DateRange, text_limit

ZERO = Decimal("0.00")


class MembershipPlan(models.Model):
    class Classes(models.TextChoices):
        UNLIMITED = "unlimited", "Unlimited classes"
        ALLOWANCE = "allowance", "A number of classes a month"
        NONE = "none", "Gym only (classes by credit or drop-in)"

    name = models.CharField(max_length=80, unique=True)
    monthly_fee = models.DecimalField(max_digits=10, decimal_places=2)
    joining_fee = models.DecimalField(
        max_digits=10, decimal_places=2, default=ZERO, db_default=ZERO, help_text="Billed once, on the first invoice."
    )
    classes = models.CharField(
        "classes included",
        max_length=10,
        choices=Classes.choices,
        default=Classes.NONE,
        db_default=Classes.NONE,
        help_text="Which group classes the monthly fee covers; others take a class credit or are billed as drop-ins.",
    )
    classes_per_month = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="With a monthly allowance: how many classes a calendar month covers."
    )
    minimum_term_months = models.PositiveSmallIntegerField(
        default=0, db_default=0, help_text="A membership on this plan cannot end before this many months."
    )
    notice_months = models.PositiveSmallIntegerField(
        default=0,
        db_default=0,
        help_text="A cancellation takes effect this many months after the member asks (never before the minimum term).",
    )
    description = models.TextField(max_length=2000, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["monthly_fee", "name"]
        constraints = [
            text_limit("billing_membershipplan", "description", 2000),
            models.CheckConstraint(
                condition=Q(monthly_fee__gte=0),
                name="billing_membershipplan_fee_not_negative",
                violation_error_message="A fee cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(joining_fee__gte=0),
                name="billing_membershipplan_joining_fee_not_negative",
                violation_error_message="A fee cannot be negative.",
            ),
            models.CheckConstraint(
                condition=(Q(classes="allowance") & Q(classes_per_month__gt=0))
                | (~Q(classes="allowance") & Q(classes_per_month__isnull=True)),
                name="billing_membershipplan_allowance_iff_count",
                violation_error_message="A monthly allowance needs a number of classes; other plans have none.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SignUpPlanChoice(models.Model):
    """The plan a visitor chose when signing up, kept until they confirm their email: the membership and its
    first invoice are made then (``member_sign_up_confirm``), never for an address nobody proved."""

    member = models.OneToOneField(
        "members.Member",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="sign_up_plan_choice",
        help_text="The member whose sign-up waits for its confirmation link.",
    )
    plan = models.ForeignKey(
        MembershipPlan, on_delete=models.CASCADE, related_name="+", help_text="The plan they chose on the sign-up page."
    )
    chosen_at = models.DateTimeField(default=timezone.now, help_text="When they signed up.")

    def __str__(self) -> str:
        return f"{self.member}: {self.plan}"


class Membership(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="memberships")
    plan = models.ForeignKey(MembershipPlan, on_delete=models.PROTECT, related_name="memberships")
    started_on = models.DateField()
    ended_on = models.DateField(
        null=True, blank=True, help_text="Its last day; empty while it runs on with no end arranged."
    )
    cancelled_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the member (or staff for them) gave notice; the end date followed from the plan's terms.",
    )

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
            # Two memberships of one member never share a day: each day is billed by one plan at most.
            ExclusionConstraint(
                name="billing_membership_no_overlap",
                expressions=[
                    (DateRange("started_on", "ended_on"), RangeOperators.OVERLAPS),
                    ("member", RangeOperators.EQUAL),
                ],
                violation_error_message="Memberships of one member cannot overlap.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.plan}"


class MembershipFreeze(models.Model):
    """Days of a membership on hold: no plan charge for them, and no class or PT booking on them."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="freezes")
    starts_on = models.DateField(help_text="The first frozen day.")
    ends_on = models.DateField(help_text="The last frozen day; the membership runs again the day after.")
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="billing_membershipfreeze_end_after_start",
                violation_error_message="A freeze cannot end before it starts.",
            ),
            ExclusionConstraint(
                name="billing_membershipfreeze_no_overlap",
                expressions=[
                    (DateRange("starts_on", "ends_on"), RangeOperators.OVERLAPS),
                    ("membership", RangeOperators.EQUAL),
                ],
                violation_error_message="Freezes of one membership cannot overlap.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership} frozen {self.starts_on}–{self.ends_on}"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class ClassPack(models.Model):
    """A pack of class credits the club sells: so many classes, at a price, to be used within so many days."""

    name = models.CharField(max_length=80, unique=True)
    credits = models.PositiveSmallIntegerField(help_text="How many classes the pack pays for.")
    price = models.DecimalField(max_digits=10, decimal_places=2)
    valid_days = models.PositiveSmallIntegerField(help_text="Its credits expire this many days after purchase.")
    is_active = models.BooleanField(default=True, help_text="Offered to members.")

    class Meta:
        ordering = ["credits", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(credits__gt=0),
                name="billing_classpack_credits_positive",
                violation_error_message="A pack holds at least one credit.",
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="billing_classpack_price_not_negative",
                violation_error_message="A price cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(valid_days__gt=0),
                name="billing_classpack_valid_days_positive",
                violation_error_message="A pack is valid for at least one day.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CreditPack(models.Model):
    """The class credits one member bought (one pack), what is left of them and when they expire."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="credit_packs")
    pack = models.ForeignKey(ClassPack, on_delete=models.PROTECT, related_name="purchases")
    credits = models.PositiveSmallIntegerField(help_text="Credits bought.")
    credits_left = models.PositiveSmallIntegerField(help_text="Credits not spent (a class may give one back).")
    bought_at = models.DateTimeField(default=timezone.now)
    expires_on = models.DateField(help_text="The last day a class can be booked with these credits.")

    class Meta:
        ordering = ["expires_on", "id"]
        indexes = [models.Index(fields=["member", "expires_on"], name="billing_creditpack_member_exp")]
        constraints = [
            # Never below zero, never above what was bought: concurrent spends cannot overdraw a pack.
            models.CheckConstraint(
                condition=Q(credits_left__gte=0) & Q(credits_left__lte=F("credits")),
                name="billing_creditpack_credits_left_in_range",
                violation_error_message="No class credits are left.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pack} for {self.member} ({self.credits_left} of {self.credits} left)"


class ClassCover(models.Model):
    """How a seat in a class is paid for: the member's plan, a class credit, or the class's price (a drop-in).

    Decided when the member takes the seat (billing's receiver of ``operations.events.seat_taken``); giving the
    seat up before the cut-off deletes it (and gives the credit back).
    """

    class Kind(models.TextChoices):
        PLAN = "plan", "Included in the plan"
        CREDIT = "credit", "Class credit"
        DROP_IN = "drop_in", "Drop-in (billed at the class's price)"

    registration = models.OneToOneField("operations.ClassRegistration", on_delete=models.CASCADE, related_name="cover")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    membership = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covers",
        help_text="The membership whose plan covers the class.",
    )
    month = models.DateField(
        help_text="The first day of the club month the class is in (a plan's allowance counts per month)."
    )
    credit_pack = models.ForeignKey(
        CreditPack,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covers",
        help_text="The pack the credit came from.",
    )

    class Meta:
        indexes = [models.Index(fields=["membership", "month"], name="billing_classcover_plan_month")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="plan") & Q(membership__isnull=False) & Q(credit_pack__isnull=True))
                | (Q(kind="credit") & Q(credit_pack__isnull=False) & Q(membership__isnull=True))
                | (Q(kind="drop_in") & Q(membership__isnull=True) & Q(credit_pack__isnull=True)),
                name="billing_classcover_source_matches_kind",
                violation_error_message="A cover names exactly the plan or the pack that pays.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for registration {self.registration_id}"


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
        if self.number:
            return self.number
        return f"Void invoice #{self.pk}" if self.status == self.Status.VOID else f"Draft invoice #{self.pk}"

    @property
    def title(self) -> str:
        """What its page and its document are headed: "Invoice INV-2026-000012", "Draft invoice #12", and "Void
        invoice ..." once voided, so that a void invoice is never taken for a bill."""
        if self.status == self.Status.VOID:
            return f"Void invoice {self.number}" if self.number else f"Void invoice #{self.pk}"
        return f"Invoice {self.number}" if self.number else f"Draft invoice #{self.pk}"

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
        # A month billed before its days changed (a freeze, an earlier end): the difference, up or down.
        PLAN_ADJUSTMENT = "plan_adj", "Membership month adjustment"
        JOINING = "joining", "Joining fee"
        CLASS = "class", "Group class"
        PT_SESSION = "pt", "Personal training"
        PACK = "pack", "Class pack"
        FEE = "fee", "Late-cancel or no-show fee"
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
    period_start = models.DateField(null=True, blank=True, help_text="The month a plan line (or its adjustment) bills.")
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
    credit_pack = models.ForeignKey(
        CreditPack, on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_lines"
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
                condition=Q(unit_price__gte=0) | Q(kind__in=["credit", "plan_adj"]),
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
                    (Q(kind__in=["plan", "plan_adj", "joining"]) & Q(membership__isnull=False))
                    | (~Q(kind__in=["plan", "plan_adj", "joining"]) & Q(membership__isnull=True))
                )
                & (
                    (Q(kind__in=["plan", "plan_adj"]) & Q(period_start__isnull=False))
                    | (~Q(kind__in=["plan", "plan_adj"]) & Q(period_start__isnull=True))
                )
                & (
                    (Q(kind__in=["class", "fee"]) & Q(class_registration__isnull=False))
                    | (~Q(kind__in=["class", "fee"]) & Q(class_registration__isnull=True))
                )
                & (Q(kind="pt", pt_session__isnull=False) | (~Q(kind="pt") & Q(pt_session__isnull=True)))
                & (Q(kind="pack", credit_pack__isnull=False) | (~Q(kind="pack") & Q(credit_pack__isnull=True))),
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
                fields=["membership"],
                condition=Q(kind="joining", voided=False),
                name="billing_invoiceline_joining_once",
                violation_error_message="This membership's joining fee is already billed.",
            ),
            models.UniqueConstraint(
                fields=["credit_pack"],
                condition=Q(kind="pack", voided=False),
                name="billing_invoiceline_pack_once",
                violation_error_message="This class pack is already billed.",
            ),
            models.UniqueConstraint(
                fields=["class_registration"],
                condition=Q(kind="fee", voided=False),
                name="billing_invoiceline_fee_once",
                violation_error_message="This place's fee is already billed.",
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
