"""Everything the club holds about a member, as one zip: one CSV per table and one JSON document with all of it.

``TABLES`` names every table exported and the path from its rows to the member; ``EXCLUDED`` every model that
refers to a member or their account and is deliberately left out, with the reason. The test
``clubsite/privacy/tests/test_export.py`` walks every installed model and fails for one in neither, so a new
table of personal data cannot be forgotten. One query per table, whatever the member's history.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils import timezone

from members.models import Member


@dataclass(frozen=True)
class Table:
    name: str
    model: str  # "app_label.ModelName"
    member_path: str  # the lookup from a row to the member's id
    fields: tuple[str, ...]
    about: str


TABLES: tuple[Table, ...] = (
    Table(
        "account",
        "accounts.User",
        "member",
        ("id", "email", "first_name", "last_name", "date_joined", "last_login", "is_active"),
        "Your sign-in account (the password is stored only as a one-way hash and never exported).",
    ),
    Table(
        "member_profile",
        "members.Member",
        "pk",
        (
            "id",
            "date_of_birth",
            "gender",
            "phone",
            "created_at",
            "last_metric_at",
            "remind_classes",
            "remind_pt_sessions",
        ),
        "Your member profile and your mail preferences (which reminders you receive).",
    ),
    Table(
        "goals",
        "members.FitnessGoal",
        "member",
        ("id", "goal_type", "target_value", "unit", "target_date", "is_active", "created_at"),
        "Your fitness goals.",
    ),
    Table(
        "health_metrics",
        "members.HealthMetric",
        "member",
        ("id", "recorded_at", "weight", "heart_rate", "body_fat"),
        "Your measurements (kg, bpm, %).",
    ),
    Table(
        "metrics_consents",
        "members.MetricsConsent",
        "member",
        ("id", "notice_version", "given_at", "withdrawn_at"),
        "Each consent to processing your health metrics, given and withdrawn.",
    ),
    Table(
        "class_registrations",
        "operations.ClassRegistration",
        "member",
        (
            "id",
            "group_class__name",
            "group_class__booking__start_time",
            "group_class__booking__end_time",
            "registered_at",
            "status",
            "offer_expires_at",
        ),
        "Your class places, waitlist places and attendance.",
    ),
    Table(
        "class_covers",
        "billing.ClassCover",
        "registration__member",
        ("id", "registration_id", "kind", "membership_id", "credit_pack_id", "month"),
        "How each class place was paid for (your plan, a credit, a drop-in).",
    ),
    Table(
        "pt_sessions",
        "operations.PersonalTrainingSession",
        "member",
        (
            "id",
            "booking__start_time",
            "booking__end_time",
            "booking__status",
            "booking__trainer__user__first_name",
            "booking__trainer__user__last_name",
            "price",
            "notes",
            "trainer_notes",
            "trainer_notes_at",
        ),
        "Your personal training sessions, with your notes and your trainer's.",
    ),
    Table(
        "memberships",
        "billing.Membership",
        "member",
        ("id", "plan__name", "started_on", "ended_on", "cancelled_on"),
        "Your memberships.",
    ),
    Table(
        "membership_freezes",
        "billing.MembershipFreeze",
        "membership__member",
        ("id", "membership_id", "starts_on", "ends_on", "reason", "created_at"),
        "The freezes of your memberships.",
    ),
    Table(
        "sign_up_plan_choice",
        "billing.SignUpPlanChoice",
        "member",
        ("plan__name", "chosen_at"),
        "The plan you chose at sign-up, while your sign-up waited for its confirmation.",
    ),
    Table(
        "class_packs",
        "billing.CreditPack",
        "member",
        ("id", "pack__name", "credits", "credits_left", "bought_at", "expires_on"),
        "The class packs you bought and their credits.",
    ),
    Table(
        "invoices",
        "billing.Invoice",
        "member",
        ("id", "number", "period_start", "period_end", "created_at", "issued_at", "due_date", "status"),
        "Your invoices.",
    ),
    Table(
        "invoice_lines",
        "billing.InvoiceLine",
        "invoice__member",
        ("id", "invoice_id", "kind", "description", "quantity", "unit_price", "period_start"),
        "The lines of your invoices.",
    ),
    Table(
        "payments",
        "billing.Payment",
        "invoice__member",
        ("id", "invoice_id", "kind", "amount", "method", "received_at", "reference"),
        "Your payments and refunds.",
    ),
    Table(
        "visits",
        "frontdesk.Visit",
        "member",
        ("id", "checked_in_at", "method", "membership_status"),
        "Your check-ins at the front desk.",
    ),
    Table(
        "front_desk_notes",
        "frontdesk.StaffNote",
        "member",
        ("id", "text", "created_at"),
        "Notes the front desk keeps about you.",
    ),
    Table(
        "calendar_feed",
        "calendars.CalendarFeed",
        "user__member",
        ("created_at", "rotated_at"),
        "Your calendar feed (its private address is a secret and is not exported).",
    ),
    Table(
        "access_tokens",
        "accounts.AccessToken",
        "user__member",
        ("name", "created_at", "expires_at", "last_used_at", "revoked_at"),
        "Your personal API access tokens (their secrets are never stored readable, and not exported).",
    ),
    Table(
        "erasure_requests",
        "privacy.ErasureRequest",
        "member",
        ("id", "status", "requested_at", "cancelled_at", "completed_at"),
        "Your requests to be erased.",
    ),
)

#: Models that refer to a member or their account and are not exported, each with the reason.
EXCLUDED: dict[str, str] = {
    "members.LatestHealthMetric": "a database view of health_metrics (exported)",
    "accounts.User_groups": "staff role groups: what a staff account may do, not data about the member",
    "accounts.User_user_permissions": "staff permissions: what a staff account may do, not data about the member",
    "admin.LogEntry": "the admin's log of what staff did (a member's account never writes it)",
    "trainers.Trainer": "a trainer's staff record (a person who trains is exported as a trainer by staff)",
    "operations.AdminStaff": "a staff member's role",
    "operations.MaintenanceRecord": "reported_by: staff's work on equipment, not data about a member",
    "billing.BillingRun": "started_by: staff's billing work",
    "webhooks.WebhookEndpoint": "created_by: staff's integration settings",
}
#: Whole apps left out: the audit trail is the club's accountability record (kept, GDPR art. 17(3)(b) and (e));
#: second-factor devices hold secrets.
EXCLUDED_APPS: dict[str, str] = {
    "audit": "the audit trail: the club's record of who changed what (kept; the data itself is exported above)",
    "pghistory": "the audit trail's history rows (kept as the club's accountability record)",
    "otp_totp": "second-factor secrets: never exported",
    "otp_static": "second-factor recovery codes: never exported",
    "otp_email": "second-factor secrets: never exported",
    "two_factor": "second-factor settings and secrets: never exported",
    "twofactor": "second-factor sign-in attempts: short-lived security records of the account (the lockout)",
}


def installed_tables() -> list[Table]:
    """The tables whose model is installed (a table of an app not installed is simply not there)."""
    tables = []
    for table in TABLES:
        try:
            apps.get_model(table.model)
        except LookupError:
            continue
        tables.append(table)
    return tables


def member_data(*, member: Member) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows about ``member``: one query per table."""
    data: dict[str, list[dict[str, Any]]] = {}
    for table in installed_tables():
        model = apps.get_model(table.model)
        rows = model._default_manager.filter(**{table.member_path: member.pk}).order_by("pk").values(*table.fields)
        data[table.name] = list(rows)
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _cell(value: Any) -> Any:
    """A CSV cell; text that a spreadsheet would run as a formula (=, +, -, @) is quoted with a leading '."""
    value = _plain(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def export_zip(*, member: Member) -> bytes:
    """The zip a member downloads: ``data.json`` (everything, with what each table is) and ``<table>.csv``."""
    data = member_data(member=member)
    tables = installed_tables()
    document = {
        "club": settings.CLUB_NAME,
        "exported_at": timezone.now().isoformat(),
        "privacy_notice_version": settings.CLUB_PRIVACY_NOTICE_VERSION,
        "member_id": member.pk,
        "tables": {
            table.name: {
                "about": table.about,
                "rows": [{key: _plain(value) for key, value in row.items()} for row in data[table.name]],
            }
            for table in tables
        },
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(document, indent=2, ensure_ascii=False))
        for table in tables:
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(table.fields)
            for row in data[table.name]:
                writer.writerow([_cell(row[field]) for field in table.fields])
            archive.writestr(f"{table.name}.csv", text.getvalue())
    return buffer.getvalue()


def export_filename(member: Member) -> str:
    return f"my-data-{member.number}-{timezone.localdate():%Y-%m-%d}.zip"
