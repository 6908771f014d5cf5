"""Each door's writes reach the trail with the right door and actor: the admin, the API, the portal, a job, SQL."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing import services
from billing.models import Invoice, Payment
from billing.tests.factories import InvoiceFactory, InvoiceLineFactory
from clubsite.audit.context import audit_context
from clubsite.audit.db import is_write
from clubsite.audit.middleware import door_of
from clubsite.audit.models import AuditEvent
from clubsite.testing.admin import split_datetime
from clubsite.testing.api import ApiClient
from clubsite.testing.jobs import run_jobs
from clubsite.testing.roles import staff_user
from members.tests.factories import MemberFactory
from operations.models import ClassRegistration
from operations.tasks import expire_offers
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory, local_time

pytestmark = pytest.mark.django_db


def issued() -> Invoice:
    invoice = InvoiceFactory()
    InvoiceLineFactory(invoice=invoice, unit_price=Decimal("40.00"))
    return services.invoice_issue(invoice=invoice, issued_at=timezone.now() - datetime.timedelta(hours=2))


def payment_events() -> list[tuple[str, str, int | None, str]]:
    return [
        (event.action, event.door, event.actor_id, event.actor_label)
        for event in AuditEvent.objects.filter(table_name="billing_payment").order_by("id")
    ]


def test_a_payment_recorded_in_the_admin():
    invoice = issued()
    # The front desk takes payments (and needs no second factor to sign in).
    user = staff_user("front_desk", email="till@club.test")
    client = Client()
    client.force_login(user)

    response = client.post(
        reverse("admin:billing_payment_add"),
        {
            "invoice": invoice.pk,
            "kind": "payment",
            "amount": "10.00",
            "method": "cash",
            "reference": "",
            **split_datetime(timezone.now() - datetime.timedelta(minutes=5), "received_at"),
        },
    )

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert payment_events() == [("insert", "admin", user.pk, "till@club.test")]
    payment = AuditEvent.objects.get(table_name="billing_payment")
    assert (payment.after["amount"], payment.after["method"], payment.after["recorded_by_id"]) == (10, "cash", user.pk)


def test_a_payment_recorded_over_the_api_with_a_token():
    invoice = issued()
    user = staff_user("front_desk", email="api@club.test")

    response = ApiClient(user).post(
        f"/staff/billing/invoices/{invoice.pk}/payments", {"amount": "40.00", "method": "card", "reference": "R1"}
    )

    assert response.status_code == 201, response.content
    assert payment_events() == [("insert", "api", user.pk, "api@club.test")]
    paid = AuditEvent.objects.get(table_name="billing_invoice", action="update", after__status="paid")
    assert (paid.door, paid.actor_id, paid.before) == ("api", user.pk, {"status": "issued"})
    assert paid.txid == AuditEvent.objects.get(table_name="billing_payment").txid


def test_a_payment_recorded_by_raw_sql():
    invoice = issued()

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO billing_payment (invoice_id, kind, amount, method, received_at, reference)"
            " VALUES (%s, 'payment', 5, 'cash', now(), 'by hand') RETURNING id",
            [invoice.pk],
        )
        (payment_id,) = cursor.fetchone()

    assert Payment.objects.get().pk == payment_id
    assert payment_events() == [("insert", "sql", None, "")]


def test_a_member_registering_for_a_class_in_the_portal():
    member = MemberFactory(user__email="ann@club.test")
    group_class = GroupClassFactory()
    client = Client()
    client.force_login(member.user)

    response = client.post(reverse("members:class-register", args=[group_class.pk]))

    assert response.status_code == 302
    registration = ClassRegistration.objects.get(member=member)
    event = AuditEvent.objects.get(table_name="operations_classregistration", object_id=str(registration.pk))
    assert (event.action, event.door, event.actor_id, event.actor_label) == (
        "insert",
        "portal",
        member.user.pk,
        "ann@club.test",
    )
    assert event.after["status"] == "registered"


def test_a_job_records_its_task_name():
    group_class = GroupClassFactory(booking__start_time=local_time(days=1, hour=12))
    offer = ClassRegistrationFactory(
        group_class=group_class,
        status=ClassRegistration.Status.OFFERED,
        offer_expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )

    expire_offers.defer(timestamp=0)
    assert run_jobs() == 1

    event = AuditEvent.objects.get(table_name="operations_classregistration", object_id=str(offer.pk), action="update")
    assert (event.door, event.actor_id, event.actor_label) == ("job", None, "operations.expire_offers")
    assert (event.before["status"], event.after["status"]) == ("offered", "cancelled")


def test_a_command_names_itself():
    with audit_context(door="command", actor_label="import_members"):
        member = MemberFactory()
    event = AuditEvent.objects.get(table_name="accounts_user", object_id=str(member.user_id))
    assert (event.door, event.actor_label) == ("command", "import_members")


@pytest.mark.parametrize(
    ("path", "door"),
    [
        ("/admin/billing/payment/add/", "admin"),
        ("/admin/desk/", "desk"),
        ("/api/v1/staff/billing/invoices", "api"),
        ("/member/classes/", "portal"),
        ("/trainer/", "portal"),
        ("/accounts/signup/", "site"),
        ("/", "site"),
    ],
)
def test_the_door_is_read_from_the_path(path, door):
    assert door_of(path) == door


# -- the context travels with the statement ----------------------------------------------------


def test_a_label_with_quotes_and_percent_signs_reaches_the_trail_as_written():
    label = 'o\'brien%s 100%% \\ "x" ünï'
    with audit_context(door="command", actor_label=label):
        InvoiceFactory()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE billing_invoice SET due_date = '2030-01-01' WHERE due_date IS NULL")
            assert cursor.rowcount == 1

    written = AuditEvent.objects.filter(table_name__in=["accounts_user", "billing_invoice"])
    assert set(written.values_list("table_name", "action", "actor_label")) == {
        ("accounts_user", "insert", label),
        ("billing_invoice", "insert", label),
        ("billing_invoice", "update", label),
    }


def test_an_earlier_write_s_context_does_not_stick_to_a_later_one_in_the_same_transaction():
    with audit_context(door="admin", actor_label="first"):
        invoice = InvoiceFactory()
    Invoice.objects.filter(pk=invoice.pk).update(due_date=datetime.date(2030, 1, 1))

    update = AuditEvent.objects.get(table_name="billing_invoice", action="update")
    assert (update.door, update.actor_label) == ("sql", "")


def test_executemany_carries_the_context_too():
    invoice = InvoiceFactory()
    with audit_context(door="command", actor_label="many"), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO billing_payment (invoice_id, kind, amount, method, received_at, reference)"
            " VALUES (%s, 'payment', %s, 'cash', now(), '')",
            [[invoice.pk, 1], [invoice.pk, 2]],
        )

    assert [label for *_, label in payment_events()] == ["many", "many"]


def test_the_context_costs_no_query():
    with CaptureQueriesContext(connection) as plain:
        InvoiceFactory()
    with audit_context(door="command", actor_label="counted"), CaptureQueriesContext(connection) as audited:
        InvoiceFactory()

    # The same statements, each carrying the context in its own round trip (the log shows what was sent).
    assert len(audited) == len(plain)
    assert all(
        query["sql"].startswith("SELECT set_config('clubsite.audit'")
        for query in audited.captured_queries
        if "INSERT" in query["sql"]
    )


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ("INSERT INTO x VALUES (1)", True),
        ("  update x set a = 1", True),
        ("DELETE FROM x", True),
        ("WITH moved AS (DELETE FROM x RETURNING *) INSERT INTO y SELECT * FROM moved", True),
        ("WITH a AS (SELECT 1) SELECT * FROM a", False),
        ("SELECT * FROM x FOR UPDATE", False),
        ("SELECT updated_at FROM x", False),
    ],
)
def test_which_statements_carry_the_context(sql, writes):
    assert is_write(sql) is writes
