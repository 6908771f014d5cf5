"""Calling one API operation as every kind of caller, and holding each to what its role allows."""

from __future__ import annotations

from typing import Any

from clubsite.accounts.tests.factories import UserFactory
from clubsite.api.main import api
from members.tests.factories import MemberFactory
from trainers.tests.factories import TrainerFactory

from .api import ApiClient
from .roles import ROLES, staff_user

CALLERS = ["anonymous", "member", "trainer", *ROLES, "superuser"]


def caller(kind: str) -> Any:  # factory_boy types a factory call as the factory, not the model it makes
    """A new person of ``kind`` (one of CALLERS); None for anonymous."""
    if kind == "anonymous":
        return None
    if kind == "member":
        return MemberFactory().user
    if kind == "trainer":
        return TrainerFactory().user
    if kind == "superuser":
        return UserFactory(is_staff=True, is_superuser=True)
    return staff_user(kind)


def call(api_client: ApiClient, method: str, path: str, body: Any) -> Any:
    if method == "GET":
        return api_client.get(path, **(body or {}))
    return api_client.request(method, path, body)


def operations_of(prefix: str, *, exclude: str | None = None) -> set[str]:
    """The operation ids of the live schema under ``prefix`` (but not under ``exclude``)."""
    schema = api.get_openapi_schema()
    return {
        operation["operationId"]
        for path, methods in schema["paths"].items()
        if path.startswith(prefix) and not (exclude and path.startswith(exclude))
        for operation in methods.values()
    }


def assert_each_caller_gets_what_its_role_allows(method: str, path: str, body: Any, allowed: frozenset[str]) -> None:
    """Every kind of caller in turn: the first allowed one succeeds; any allowed one is never refused for its
    role (a later one may find the thing done already: 409, 404); the others get 401 (anonymous) or 403."""
    admitted = 0
    for kind in CALLERS:
        response = call(ApiClient(caller(kind)), method, path, body)
        if kind in allowed:
            admitted += 1
            if admitted == 1:
                assert response.status_code in (200, 201, 202, 204), (kind, response.content)
            assert response.status_code not in (401, 403), (kind, response.content)
            assert response.status_code < 500, (kind, response.content)
        elif kind == "anonymous":
            assert response.status_code == 401, response.content
        else:
            assert response.status_code == 403, (kind, response.content)
            assert response.json()["code"] == "forbidden"
