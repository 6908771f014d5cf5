"""Who may call what over the API: every operation of the live schema, for every kind of caller, by token and
by session.

The operations come from the OpenAPI schema and the roles allowed from each router's
``<app>/tests/api_access.py`` (``API_ACCESS``), so an endpoint added without an entry fails
``test_every_operation_has_an_access_entry``. Path ids name objects of member A (and of the first trainer);
the request carries the required query parameters and a body of the required fields, so it passes the schema
and the handler decides. A caller whose role is not allowed gets 401 (no credentials) or 403; an allowed one
never does (it may get 2xx, 404 for someone else's object, 409 or 422). Nothing is ever a 500. Each call runs
in a savepoint that is rolled back, so every cell sees the same world.
"""

from __future__ import annotations

import typing

import pytest
from django.db import transaction
from pydantic import BaseModel

from clubsite.api.main import api
from clubsite.testing.api import (
    PERSONAS,
    ROLE_OF_PERSONA,
    ROLES,
    ApiClient,
    api_access,
    api_operations,
    api_scene,
    example_request,
    may_call,
    openapi_schema,
)

SCHEMA = openapi_schema()
OPERATIONS = api_operations(SCHEMA)
ACCESS = api_access()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The scene and a token client and a session client per persona, made once and rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        scene = api_scene()
        clients = {}
        for persona in PERSONAS:
            user = scene.people[persona]
            if user is None:
                clients[persona] = {"none": ApiClient()}
            else:
                clients[persona] = {
                    "token": ApiClient(token=scene.tokens[persona]),
                    "session": ApiClient(user, session=True),
                }
        yield scene, clients
        transaction.set_rollback(True)


def test_every_operation_has_an_access_entry():
    ids = [operation.operation_id for operation in OPERATIONS]

    missing = [str(operation) for operation in OPERATIONS if operation.operation_id not in ACCESS]
    stale = sorted(set(ACCESS) - set(ids))
    unknown_roles = {key: sorted(roles - ROLES) for key, roles in ACCESS.items() if roles - ROLES}

    assert missing == [], "operations without an entry in <app>/tests/api_access.py:\n" + "\n".join(missing)
    assert stale == [], f"API_ACCESS entries for operations that no longer exist: {stale}"
    assert unknown_roles == {}, f"API_ACCESS names roles outside {sorted(ROLES)}: {unknown_roles}"
    assert len(ids) == len(set(ids)), "two operations share an operation_id"


def test_every_operation_is_documented_and_refuses_with_problem_documents():
    # The conventions every router follows: an explicit snake_case id, a summary, and the problem responses.
    wrong = []
    for operation in OPERATIONS:
        spec = SCHEMA["paths"][operation.path][operation.method.lower()]
        if not operation.operation_id.islower() or " " in operation.operation_id:
            wrong.append(f"{operation}: operation_id is not snake_case")
        if not spec.get("summary"):
            wrong.append(f"{operation}: no summary")
        if not {"401", "403", "404", "422"} <= set(operation.responses):
            wrong.append(f"{operation}: does not declare the problem responses (use **PROBLEMS)")
    assert wrong == [], "\n".join(wrong)


def _models(annotation, seen: set) -> None:
    # Every pydantic model an annotation reaches (list[X], X | None, Page[X], nested fields).
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, seen)
        return
    for argument in typing.get_args(annotation):
        _models(argument, seen)


def test_no_two_schemas_share_a_name():
    # The schema names each model by its class name: two routers' ``GoalOut`` would become one component,
    # and one endpoint would be documented with the other's fields.
    seen: set = set()
    for bound_router in api._get_bound_routers():
        for path_view in bound_router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.response_models.values(), *operation.models]:
                    _models(model, seen)
    by_name: dict[str, set[str]] = {}
    for model in seen:
        if not model.__module__.startswith(("ninja.", "pydantic.")):
            by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    shared = {name: sorted(classes) for name, classes in by_name.items() if len(classes) > 1}
    assert shared == {}, f"schemas sharing a name (rename one): {shared}"


def _call(client: ApiClient, request) -> tuple[int, str]:
    with transaction.atomic():
        response = client.request(request.method, request.path, request.body, **request.query)
        transaction.set_rollback(True)
    code = ""
    if response.status_code >= 400 and response.get("Content-Type") == "application/problem+json":
        code = response.json().get("code", "")
    return response.status_code, code


def _expected(persona: str, allowed: bool) -> str:
    if allowed:
        return "allowed (not 401/403)"
    return "401" if ROLE_OF_PERSONA[persona] == "anonymous" else "403"


def _fits(status: int, persona: str, allowed: bool) -> bool:
    if status >= 500:
        return False
    if allowed:
        return status not in (401, 403)
    return status == (401 if ROLE_OF_PERSONA[persona] == "anonymous" else 403)


@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.operation_id)
def test_access(world, operation):
    if operation.operation_id not in ACCESS:
        pytest.fail(f"{operation} has no entry in <app>/tests/api_access.py")
    scene, clients = world
    allowed_roles = ACCESS[operation.operation_id]
    request = example_request(operation, scene, SCHEMA)
    wrong = []
    for persona in PERSONAS:
        allowed = may_call(persona, allowed_roles)
        for how, client in clients[persona].items():
            status, code = _call(client, request)
            if not _fits(status, persona, allowed):
                wrong.append(f"{persona:<12} {how:<8} expected {_expected(persona, allowed):<22} got {status} {code}")

    assert wrong == [], f"{request.method} {request.path} body={request.body} query={request.query}\n" + "\n".join(
        wrong
    )
