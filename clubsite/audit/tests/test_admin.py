"""The trail in the admin: managers read it (a list and each object's own), nobody changes it, a fixed cost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import Invoice
from billing.tests.factories import InvoiceFactory, PaymentFactory
from clubsite.accounts.models import User
from clubsite.audit.admin import trail_url
from clubsite.audit.context import audit_context
from clubsite.audit.models import AuditEvent
from clubsite.testing.roles import staff_user
from clubsite.testing.twofactor import sign_in
from operations.tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

TRAIL = reverse("admin:audit_auditevent_changelist")


def signed_in(user: User) -> Client:
    """A browser signed in as ``user`` (a manager's session confirmed a second factor)."""
    return sign_in(Client(), user)


@pytest.fixture
def manager() -> Client:
    return signed_in(staff_user("manager", email="boss@club.test"))


def queries(client: Client, address: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(context)


def test_a_manager_lists_searches_and_filters_the_trail_in_a_fixed_number_of_queries(manager):
    with audit_context(door="admin", actor_label="till@club.test"):
        invoice = InvoiceFactory()
    one = queries(manager, TRAIL)
    for _ in range(5):
        with audit_context(door="job", actor_label="billing.monthly_run"):
            InvoiceFactory()
    assert queries(manager, TRAIL) == one

    page = manager.get(TRAIL, {"q": "till@"})
    assert {event.actor_label for event in page.context["cl"].result_list} == {"till@club.test"}
    by_object = manager.get(TRAIL, {"q": str(invoice.pk), "table_name": "billing_invoice"})
    assert [event.object_id for event in by_object.context["cl"].result_list] == [str(invoice.pk)]
    jobs = manager.get(TRAIL, {"door": "job", "action": "insert", "table_name": "billing_invoice"})
    assert jobs.context["cl"].result_count == 5


def test_an_event_s_page_shows_before_and_after_and_cannot_be_changed(manager):
    invoice = InvoiceFactory()
    Invoice.objects.filter(pk=invoice.pk).update(status="void")
    event = AuditEvent.objects.get(table_name="billing_invoice", action="update")
    page = reverse("admin:audit_auditevent_change", args=[event.pk])

    shown = manager.get(page).content.decode()

    assert "<th scope='row'>status</th><td>draft</td><td>void</td>" in shown
    assert manager.post(page, {"door": "admin"}).status_code == 403
    assert manager.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert manager.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).door == "sql"


def test_a_date_outside_the_club_s_dates_is_a_message_not_an_error(manager):
    response = manager.get(TRAIL, {"at__year": "10000"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == TRAIL


@pytest.mark.parametrize(
    ("role", "make", "model"),
    [("front_desk", BookingFactory, "operations_booking"), ("billing", InvoiceFactory, "billing_invoice")],
)
def test_other_staff_neither_see_the_trail_nor_the_link(role, make, model):
    client = signed_in(staff_user(role))
    invoice_page = reverse(f"admin:{model}_change", args=[make().pk])

    assert client.get(TRAIL).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 200
    assert "Audit trail" not in client.get(reverse("admin:index")).content.decode()
    page = client.get(invoice_page)
    assert page.status_code == 200
    assert "audittraillink" not in page.content.decode()


def test_an_invoice_page_links_a_manager_to_its_trail_alone(manager):
    invoice = InvoiceFactory()
    PaymentFactory(invoice=InvoiceFactory())

    page = manager.get(reverse("admin:billing_invoice_change", args=[invoice.pk])).content.decode()

    link = trail_url(invoice)
    assert f'href="{link.replace("&", "&amp;")}" class="audittraillink"' in page
    listed = manager.get(link).context["cl"].result_list
    assert [(event.table_name, event.object_id, event.action) for event in listed] == [
        ("billing_invoice", str(invoice.pk), "insert")
    ]


def test_a_user_s_trail_holds_their_groups():
    manager_user = staff_user("manager")
    client = signed_in(manager_user)
    worker = staff_user("front_desk")

    listed = client.get(trail_url(worker)).context["cl"].result_list

    assert {event.table_name for event in listed} == {"accounts_user", "accounts_user_groups"}
    assert "audittraillink" in client.get(reverse("admin:accounts_user_change", args=[worker.pk])).content.decode()


def test_a_model_not_audited_has_no_trail_link(manager):
    from operations.tests.factories import RoomFactory

    room = RoomFactory()
    assert trail_url(room) is None
    page = manager.get(reverse("admin:operations_room_change", args=[room.pk])).content.decode()
    assert "audittraillink" not in page
