"""Schemathesis against the live OpenAPI schema: whatever a client sends, the API never answers 5xx, and every
answer is one the schema documents (its status, its content type, its body's shape).

Each operation is called as each of four people: nobody, a member, a trainer and a manager, with a personal
access token. Half of the cases name the scene's objects in their path (member A's goal, the trainer's class),
so the handlers get past their lookups; the rest are whatever Schemathesis draws. A bounded number of
examples per operation and person, derandomized (the same cases every run), no shrinking, and each call in a
savepoint that is rolled back, so every case meets the same world.

No operation is left out.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from clubsite.testing.api import api_operations, api_scene, openapi_schema, scene_id

EXAMPLES = 10
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same cases on every run: a failure here is a failure on the next run too
    deadline=None,
    database=None,  # no .hypothesis/ folder in the checkout
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the report names the failing case as drawn
    suppress_health_check=list(HealthCheck),
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
CALLERS = ("anonymous", "member_a", "trainer", "manager")

RAW_SCHEMA = openapi_schema()
SCHEMA = schemathesis.openapi.from_dict(RAW_SCHEMA)
OPERATIONS = api_operations(RAW_SCHEMA)


class InTestHandler(WSGIHandler):
    """The site's WSGI handler, called in the test's thread so its queries run in the test's transaction; like
    Django's test client, it keeps the connection open at the end of a request (closing it would end the test's
    transaction)."""

    def __call__(self, environ, start_response):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            return super().__call__(environ, start_response)
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


APP = InTestHandler()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield api_scene()
        transaction.set_rollback(True)


def _strategy(operation, scene):
    api_operation = SCHEMA[operation.path][operation.method]
    names = [parameter["name"] for parameter in operation.parameters if parameter["in"] == "path"]
    drawn = api_operation.as_strategy()
    if not names:
        return drawn
    known = {name: scene_id(scene, name) for name in names}
    known = {name: pk for name, pk in known.items() if pk is not None}
    return st.one_of(api_operation.as_strategy(path_parameters=known), drawn) if known else drawn


@pytest.mark.django_db
@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.operation_id)
def test_the_api_keeps_to_its_schema(world, operation, caller):
    headers = {} if caller == "anonymous" else {"Authorization": f"Bearer {world.tokens[caller]}"}

    @FUZZ
    @given(case=_strategy(operation, world))
    def call(case):
        with transaction.atomic():
            response = case.call(app=APP, headers=headers)
            transaction.set_rollback(True)
        case.validate_response(response, checks=CHECKS, headers=headers)

    call()
