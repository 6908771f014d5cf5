"""Managers read the trail over the API: paged, filtered, a fixed number of queries; others get a problem."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import Invoice
from billing.tests.factories import InvoiceFactory
from clubsite.audit.context import audit_context
from clubsite.testing.api import ApiClient
from clubsite.testing.roles import staff_user
from clubsite.testing.twofactor import ready_for_api

pytestmark = pytest.mark.django_db

EVENTS = "/staff/audit/events"


def manager_api() -> ApiClient:
    return ApiClient(ready_for_api(staff_user("manager")))


def test_a_manager_reads_an_object_s_trail_newest_first():
    api = manager_api()
    with audit_context(door="admin", actor_id=5, actor_label="till@club.test"):
        invoice = InvoiceFactory()
    Invoice.objects.filter(pk=invoice.pk).update(status="void")

    response = api.get(EVENTS, table="billing_invoice", object_id=str(invoice.pk))

    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [(i["action"], i["door"], i["actor"]) for i in items] == [
        ("update", "sql", ""),
        ("insert", "admin", "till@club.test"),
    ]
    assert (items[0]["before"], items[0]["after"]) == ({"status": "draft"}, {"status": "void"})
    assert response.json()["count"] == 2


def test_filters_and_a_fixed_number_of_queries():
    api = manager_api()
    api.get(EVENTS)  # the token's first use is noted once
    with audit_context(door="job", actor_label="billing.monthly_run"):
        InvoiceFactory()
    with CaptureQueriesContext(connection) as one:
        assert api.get(EVENTS, door="job", table="billing_invoice").json()["count"] == 1
    with audit_context(door="job", actor_label="billing.monthly_run"):
        InvoiceFactory.create_batch(4)
    with CaptureQueriesContext(connection) as five:
        page = api.get(EVENTS, door="job", actor="billing.", table="billing_invoice", limit=3).json()

    assert (page["count"], len(page["items"])) == (5, 3)
    assert len(five) == len(one)


@pytest.mark.parametrize(
    "query",
    [{"table": "members_member"}, {"since": "0001-01-01"}, {"door": "backdoor"}, {"actor_id": "x"}],
)
def test_bad_filters_are_a_problem_document(query):
    response = manager_api().get(EVENTS, **query)
    assert response.status_code == 422, response.content
    assert response.json()["code"]


@pytest.mark.parametrize("role", ["front_desk", "billing", "maintenance"])
def test_other_staff_are_refused(role):
    response = ApiClient(ready_for_api(staff_user(role))).get(EVENTS)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
