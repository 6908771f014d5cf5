"""The member's download: one zip of JSON and CSV holding every table about them, and a walk of every model that
fails when a table referring to a member or their account is neither exported nor excluded with a reason."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from billing.tests.factories import (
    CreditPackFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    MembershipFactory,
    MembershipFreezeFactory,
    PaymentFactory,
    club_time,
    pt_session,
)
from clubsite.accounts.models import User
from clubsite.calendars.services import calendar_feed_for
from clubsite.frontdesk.tests.factories import StaffNoteFactory, VisitFactory
from clubsite.privacy.export import EXCLUDED, EXCLUDED_APPS, TABLES, installed_tables
from clubsite.testing.api import ApiClient
from members.models import Member
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory
from operations.tests.factories import ClassRegistrationFactory

pytestmark = pytest.mark.django_db


def _open(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))


def _csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode())))


def _history(member: Member) -> dict[str, object]:
    membership = MembershipFactory(member=member, started_on=datetime.date(2026, 1, 1))
    invoice = InvoiceFactory(member=member, number=f"INV-{member.pk}")
    session = pt_session(member, club_time(2026, 11, 10, 14))
    session.trainer_notes = "Knee: go easy on squats"
    session.save(update_fields=["trainer_notes"])
    return {
        "goal": FitnessGoalFactory(member=member),
        "metric": HealthMetricFactory(member=member, weight=Decimal("81.5")),
        "registration": ClassRegistrationFactory(member=member),
        "session": session,
        "membership": membership,
        "freeze": MembershipFreezeFactory(membership=membership),
        "pack": CreditPackFactory(member=member),
        "invoice": invoice,
        "line": InvoiceLineFactory(invoice=invoice, description="Towel hire"),
        "payment": PaymentFactory(invoice=invoice, amount=Decimal("5.00")),
        "visit": VisitFactory(member=member),
        "note": StaffNoteFactory(member=member, text='=HYPERLINK("x") asked about the pool'),
        "feed": calendar_feed_for(user=member.user),
    }


def test_the_zip_holds_every_table_as_json_and_as_csv(member_client, member, other_member):
    rows = _history(member)
    _history(other_member)

    archive = _open(member_client.get(reverse("privacy:export")))

    names = set(archive.namelist())
    assert names == {"data.json"} | {f"{table.name}.csv" for table in installed_tables()}
    document = json.loads(archive.read("data.json"))
    tables = document["tables"]
    assert tables["account"]["rows"] == [
        {
            "id": member.user_id,
            "email": member.user.email,
            "first_name": "Ann",
            "last_name": "Archer",
            "date_joined": member.user.date_joined.isoformat(),
            "last_login": tables["account"]["rows"][0]["last_login"],
            "is_active": True,
        }
    ]
    assert "pbkdf2" not in json.dumps(document) and "password" not in tables["account"]["rows"][0]
    assert tables["member_profile"]["rows"][0]["date_of_birth"] == "1990-05-01"
    assert [row["weight"] for row in tables["health_metrics"]["rows"]] == ["81.5"]
    assert [row["notice_version"] for row in tables["metrics_consents"]["rows"]] == ["test"]
    assert [row["trainer_notes"] for row in tables["pt_sessions"]["rows"]] == ["Knee: go easy on squats"]
    assert [row["description"] for row in tables["invoice_lines"]["rows"]] == ["Towel hire"]
    assert [row["amount"] for row in tables["payments"]["rows"]] == ["5.00"]
    for name, key in [
        ("goals", "goal"),
        ("class_registrations", "registration"),
        ("memberships", "membership"),
        ("membership_freezes", "freeze"),
        ("class_packs", "pack"),
        ("invoices", "invoice"),
        ("visits", "visit"),
        ("front_desk_notes", "note"),
    ]:
        assert [row["id"] for row in tables[name]["rows"]] == [rows[key].pk], name
    # No secret leaves: the calendar feed's token is not in it.
    assert rows["feed"].token not in json.dumps(document)
    assert len(tables["calendar_feed"]["rows"]) == 1

    # The CSVs say the same, one per table, with a header even when empty; a formula is quoted.
    assert [row["weight"] for row in _csv(archive, "health_metrics")] == ["81.5"]
    assert _csv(archive, "front_desk_notes")[0]["text"].startswith("'=HYPERLINK")
    assert archive.read("erasure_requests.csv").decode().strip() == "id,status,requested_at,cancelled_at,completed_at"
    assert _csv(archive, "account")[0]["email"] == member.user.email


def test_the_export_takes_a_fixed_number_of_queries(member, django_assert_num_queries):
    from clubsite.privacy.export import export_zip

    with django_assert_num_queries(len(installed_tables())):
        export_zip(member=member)
    _history(member)
    for _ in range(3):
        HealthMetricFactory(member=member)
        ClassRegistrationFactory(member=member)
    with django_assert_num_queries(len(installed_tables())):
        export_zip(member=member)


def test_the_export_is_the_signed_in_member_s_own_and_over_the_api_too(client, member, other_member):
    _history(other_member)
    client.force_login(member.user)

    archive = _open(client.get(reverse("privacy:export")))
    document = json.loads(archive.read("data.json"))
    assert document["member_id"] == member.pk
    assert (
        all(row.get("id") != other_member.pk for row in document["tables"]["member_profile"]["rows"])
        and not document["tables"]["invoices"]["rows"]
    )

    response = ApiClient(member.user).get("/member/privacy/export")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))["member_id"] == member.pk


# -- the completeness walk ----------------------------------------------------------------------------------


def _points_at(model, targets: set[str]) -> list[str]:
    return [
        field.name
        for field in model._meta.get_fields()
        if field.is_relation
        and field.concrete
        and field.related_model is not None
        and field.related_model._meta.label in targets
    ]


def test_every_model_about_a_member_is_exported_or_excluded_with_a_reason():
    exported = {table.model for table in TABLES}
    excluded = set(EXCLUDED)
    assert all(reason.strip() for reason in [*EXCLUDED.values(), *EXCLUDED_APPS.values()])
    assert not exported & excluded, "a model is both exported and excluded"
    assert {"members.Member", "accounts.User"} <= exported
    # What belongs to the member: their row, their account, and whatever an exported table's rows own in turn
    # (an invoice's lines and payments); an excluded model (a trainer's record) passes nothing on.
    owners = {Member._meta.label, User._meta.label}
    reached: dict[str, list[str]] = {}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models(include_auto_created=True):
            label = model._meta.label
            fields = _points_at(model, owners)
            if label in reached or not fields:
                continue
            reached[label] = fields
            changed = True
            if label in exported:
                owners.add(label)
    forgotten = [
        f"{label} (through {', '.join(fields)})"
        for label, fields in reached.items()
        if label not in exported and label not in excluded and label.split(".")[0] not in EXCLUDED_APPS
    ]
    assert not forgotten, (
        "models holding a member's data are neither in clubsite.privacy.export.TABLES nor in EXCLUDED "
        "(with the reason): " + "; ".join(sorted(forgotten))
    )
    # The walk does reach through the exported tables (it is not a walk that finds nothing).
    assert {"billing.Payment", "billing.InvoiceLine", "billing.ClassCover", "frontdesk.StaffNote"} <= set(reached)
    # Every exported table is installed (the lead's sign-up plan choice may not be yet).
    assert {table.model for table in installed_tables()} >= exported - {"billing.SignUpPlanChoice"}
