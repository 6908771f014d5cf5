"""Calling the API in tests as a client would: JSON in and out, with the site's session or a personal token.

Also what the cross-cutting API tests share: every operation of the live OpenAPI schema, the access table
each router keeps in ``<app>/tests/api_access.py``, a scene of one of everything a path can name, and a
minimal request for an operation that passes the schema (so a refusal comes from the handler's rules).
"""

from __future__ import annotations

import datetime
import importlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.test import Client
from django.test.client import Client as DjangoClient
from django.utils import timezone

from clubsite.accounts.models import User
from clubsite.accounts.services import token_create
from clubsite.testing.twofactor import ready_for_api, sign_in

API = "/api/v1"


class ApiClient:
    """``ApiClient(user)`` calls with a personal access token of ``user`` (CSRF does not apply);
    ``ApiClient(user, session=True)`` with a signed-in session, sending the CSRF token as a browser would;
    ``ApiClient()`` with no credentials. ``token=`` reuses a token already made (its raw text)."""

    def __init__(self, user: User | None = None, *, session: bool = False, token: str | None = None) -> None:
        self.client: DjangoClient = Client(enforce_csrf_checks=True)
        self.headers: dict[str, str] = {}
        if user is not None and session:
            sign_in(self.client, user)
            self.client.get("/api/docs")  # sets the csrftoken cookie, as opening Swagger UI does
            self.headers["X-CSRFToken"] = self.client.cookies["csrftoken"].value
        elif token is not None:
            self.headers["Authorization"] = f"Bearer {token}"
        elif user is not None:
            ready_for_api(user)
            _token, raw = token_create(user=user, name="tests")
            self.headers["Authorization"] = f"Bearer {raw}"

    def request(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        url = path if path.startswith("/api/") else f"{API}{path}"
        call = getattr(self.client, method.lower())
        if method.upper() in ("GET", "DELETE") and body is None:
            return call(url, query or None, headers=self.headers)
        if query:
            url = f"{url}?{_query_string(query)}"
        data = json.dumps(body, default=str) if not isinstance(body, str | bytes) else body
        return call(url, data=data, content_type="application/json", headers=self.headers)

    def get(self, path: str, **query: Any) -> Any:
        return self.request("GET", path, **query)

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, {} if body is None else body)

    def put(self, path: str, body: Any = None) -> Any:
        return self.request("PUT", path, {} if body is None else body)

    def patch(self, path: str, body: Any = None) -> Any:
        return self.request("PATCH", path, {} if body is None else body)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)


def _query_string(query: Mapping[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode({name: str(value) for name, value in query.items()})


# -- who calls ------------------------------------------------------------------------------------

#: The people of the cross-cutting API tests, and the role (``API_ACCESS`` vocabulary) each one holds.
ROLE_OF_PERSONA: dict[str, str] = {
    "anonymous": "anonymous",
    "member_a": "member",
    "member_b": "member",
    "trainer": "trainer",
    "trainer_b": "trainer",
    "manager": "manager",
    "front_desk": "front_desk",
    "maintenance": "maintenance",
    "billing": "billing",
    "superuser": "superuser",
}
PERSONAS = tuple(ROLE_OF_PERSONA)
ROLES = frozenset(ROLE_OF_PERSONA.values())


def may_call(persona: str, allowed: frozenset[str]) -> bool:
    """Whether ``persona`` may call an operation open to ``allowed`` ("anonymous" there: open to everyone)."""
    return "anonymous" in allowed or ROLE_OF_PERSONA[persona] in allowed


# -- the operations of the live schema --------------------------------------------------------------

#: The apps whose routers the API mounts; each keeps its access table in ``<app>.tests.api_access``.
ROUTER_APPS = (
    "members",
    "trainers",
    "operations",
    "billing",
    "clubsite.webhooks",
    "clubsite.jobs",
    "clubsite.frontdesk",
    "clubsite.privacy",
    "clubsite.audit",
)
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    parameters: tuple[dict[str, Any], ...] = ()
    body: dict[str, Any] | None = None
    responses: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.operation_id})"


def openapi_schema() -> dict[str, Any]:
    from clubsite.api.main import api

    schema: dict[str, Any] = api.get_openapi_schema()
    return schema


def api_operations(schema: dict[str, Any] | None = None) -> list[Operation]:
    """Every operation of the live OpenAPI schema, in the schema's order."""
    schema = schema or openapi_schema()
    operations = []
    for path, items in schema["paths"].items():
        for method in METHODS:
            if method not in items:
                continue
            spec = items[method]
            body = spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    operation_id=spec["operationId"],
                    parameters=tuple(spec.get("parameters", ())),
                    body=body,
                    responses=tuple(str(status) for status in spec.get("responses", {})),
                )
            )
    return operations


def api_access() -> dict[str, frozenset[str]]:
    """The merged ``API_ACCESS`` tables of every router app (an app without one yet contributes nothing)."""
    merged: dict[str, frozenset[str]] = {}
    for app in ROUTER_APPS:
        try:
            module = importlib.import_module(f"{app}.tests.api_access")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.tests.api_access":
                raise
            continue
        table: dict[str, frozenset[str]] = module.API_ACCESS
        twice = set(table) & set(merged)
        assert not twice, f"{app}.tests.api_access repeats operation ids of another app: {sorted(twice)}"
        merged.update(table)
    return merged


# -- a scene: one of everything a path can name -----------------------------------------------------


@dataclass
class ApiScene:
    """People (a user per persona, None for anonymous), a token of each, and member A's / the trainer's things."""

    people: dict[str, User | None]
    tokens: dict[str, str]
    objects: dict[str, Any] = field(default_factory=dict)

    def id_of(self, key: str) -> int:
        pk: int = self.objects[key].pk
        return pk


def api_scene() -> ApiScene:
    """Make the scene (call inside a transaction the caller rolls back, or in a transactional test)."""
    from billing.services import invoice_issue
    from billing.tests.factories import (
        ClassPackFactory,
        InvoiceFactory,
        InvoiceLineFactory,
        MembershipFactory,
        MembershipFreezeFactory,
        MembershipPlanFactory,
        PaymentFactory,
    )
    from clubsite.accounts.tests.factories import UserFactory
    from clubsite.privacy.tests.factories import ErasureRequestFactory
    from clubsite.testing.jobs import failed_job
    from clubsite.testing.roles import staff_user
    from clubsite.webhooks.tests.factories import WebhookEndpointFactory
    from members.tests.factories import FitnessGoalFactory, HealthMetricFactory, MemberFactory
    from operations.tests.factories import (
        BookingFactory,
        ClassRegistrationFactory,
        EquipmentFactory,
        GroupClassFactory,
        MaintenanceRecordFactory,
        PersonalTrainingSessionFactory,
        RoomFactory,
        local_time,
    )
    from trainers.models import TimeOff, WeeklySlot
    from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory

    trainer = TrainerFactory.create(user__first_name="Tara", user__last_name="Trainer")
    member_a = MemberFactory.create(user__first_name="Ann", user__last_name="Archer")
    people: dict[str, User | None] = {
        "anonymous": None,
        "member_a": member_a.user,
        "member_b": MemberFactory.create(user__first_name="Bob", user__last_name="Baker").user,
        "trainer": trainer.user,
        "trainer_b": TrainerFactory.create(user__first_name="Sam", user__last_name="Second").user,
        **{role: staff_user(role, first_name="Staff", last_name=role) for role in ("manager", "front_desk")},
        **{role: staff_user(role, first_name="Staff", last_name=role) for role in ("maintenance", "billing")},
        "superuser": UserFactory.create(is_staff=True, is_superuser=True),
    }
    tokens = {
        persona: token_create(user=ready_for_api(user), name="api tests")[1]
        for persona, user in people.items()
        if user is not None
    }
    room = RoomFactory.create(name="Studio A")
    registered = GroupClassFactory.create(
        booking__trainer=trainer, booking__room=room, booking__start_time=local_time(days=3, hour=9)
    )
    open_class = GroupClassFactory.create(
        booking__trainer=trainer, booking__room=room, booking__start_time=local_time(days=3, hour=11)
    )
    invoice = InvoiceFactory.create(member=member_a)
    line = InvoiceLineFactory.create(invoice=invoice, unit_price=Decimal("30.00"))
    invoice_issue(invoice=invoice)
    equipment = EquipmentFactory.create(room=room)
    from clubsite.accounts.models import AccessToken

    objects: dict[str, Any] = {
        "member_a": member_a,
        "member_a_user": member_a.user,
        "trainer": trainer,
        "goal": FitnessGoalFactory.create(member=member_a),
        "metric": HealthMetricFactory.create(member=member_a),
        "registered_class": registered,
        "registration": ClassRegistrationFactory.create(member=member_a, group_class=registered),
        "open_class": open_class,
        "session": PersonalTrainingSessionFactory.create(
            member=member_a,
            booking__trainer=trainer,
            booking__room=None,
            booking__start_time=local_time(days=4, hour=9),
        ),
        "invoice": invoice,
        "line": line,
        "payment": PaymentFactory.create(invoice=invoice, amount=Decimal("10.00")),
        "window": TrainerAvailabilityFactory.create(
            trainer=trainer, start_time=local_time(days=6, hour=8), end_time=local_time(days=6, hour=12)
        ),
        "room": room,
        "equipment": equipment,
        "maintenance": MaintenanceRecordFactory.create(equipment=equipment),
        "booking": BookingFactory.create(room=room, start_time=local_time(days=5, hour=9)),
        "plan": MembershipPlanFactory.create(name="Gold"),
        "membership": MembershipFactory.create(member=member_a),
        "pack": ClassPackFactory.create(name="Ten classes", credits=10),
        "token": AccessToken.objects.filter(user=member_a.user).first(),
        "endpoint": WebhookEndpointFactory.create(),
        "job": failed_job("api scene"),
        # A pending erasure request of a member of its own (nothing to settle: a manager may approve it).
        "erasure_request": ErasureRequestFactory.create(),
    }
    objects["freeze"] = MembershipFreezeFactory.create(membership=objects["membership"])
    # The trainer's weekly template row and time off (``slot_id``, ``time_off_id``), clear of the scene's bookings.
    objects["slot"] = WeeklySlot.objects.create(
        trainer=trainer, weekday=0, start_time=datetime.time(6), end_time=datetime.time(7)
    )
    objects["time_off"] = TimeOff.objects.create(
        trainer=trainer,
        first_day=timezone.localdate() + datetime.timedelta(days=20),
        last_day=timezone.localdate() + datetime.timedelta(days=21),
    )
    return ApiScene(people=people, tokens=tokens, objects=objects)


#: A path or body parameter named like this names that object of the scene (member A's, or the trainer's).
ID_OF_NAME: dict[str, str] = {
    "member": "member_a",
    "member_id": "member_a",
    "user_id": "member_a_user",
    "trainer": "trainer",
    "trainer_id": "trainer",
    "goal_id": "goal",
    "metric_id": "metric",
    "class_id": "registered_class",
    "group_class": "open_class",
    "group_class_id": "registered_class",
    "registration_id": "registration",
    "session_id": "session",
    "pt_session_id": "session",
    "invoice": "invoice",
    "invoice_id": "invoice",
    "line_id": "line",
    "payment_id": "payment",
    "refund_id": "payment",
    "availability_id": "window",
    "window_id": "window",
    "room": "room",
    "room_id": "room",
    "equipment": "equipment",
    "equipment_id": "equipment",
    "record_id": "maintenance",
    "maintenance_id": "maintenance",
    "maintenance_record_id": "maintenance",
    "issue_id": "maintenance",
    "booking_id": "booking",
    "plan": "plan",
    "plan_id": "plan",
    "membership_id": "membership",
    "pack": "pack",
    "pack_id": "pack",
    "freeze_id": "freeze",
    "token_id": "token",
    "request_id": "erasure_request",
}


def scene_id(scene: ApiScene, name: str) -> int | None:
    """The id of the scene's object a parameter ``name`` names, or None when the name names none."""
    key = ID_OF_NAME.get(name)
    if key is None and name.endswith("_id") and name[:-3] in scene.objects:
        key = name[:-3]
    return scene.id_of(key) if key is not None else None


# -- a minimal request that passes the schema -------------------------------------------------------


@dataclass
class ExampleRequest:
    method: str
    path: str
    query: dict[str, Any]
    body: Any


def example_request(operation: Operation, scene: ApiScene, schema: dict[str, Any]) -> ExampleRequest:
    """``operation`` with its path ids naming the scene's objects, its required query parameters and a body
    holding only the required fields, each with a plausible value: it passes the schema, so what the API
    answers is decided by the handler (who may call it, whose object it is, the service's rules)."""
    path = operation.path
    query: dict[str, Any] = {}
    for parameter in operation.parameters:
        name = parameter["name"]
        if parameter["in"] == "path":
            pk = scene_id(scene, name)
            assert pk is not None, (
                f"{operation}: no object of the scene for the path parameter {name!r}; "
                "add it to clubsite.testing.api.ID_OF_NAME"
            )
            path = path.replace("{" + name + "}", str(pk))
        elif parameter["in"] == "query" and parameter.get("required"):
            query[name] = _value(name, parameter.get("schema", {}), scene, schema, query)
    body = None
    if operation.body is not None:
        body = _value("", operation.body, scene, schema, {})
    return ExampleRequest(operation.method, path, query, body)


def _resolve(node: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = schema
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _later(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _value(name: str, node: dict[str, Any], scene: ApiScene, schema: dict[str, Any], siblings: dict[str, Any]) -> Any:
    node = _resolve(node, schema)
    if "default" in node:
        return node["default"]
    if "const" in node:
        return node["const"]
    if "enum" in node:
        return node["enum"][0]
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in node:
            options = [_resolve(option, schema) for option in node[combinator]]
            concrete = [option for option in options if option.get("type") != "null"] or options
            return _value(name, concrete[0], scene, schema, siblings)
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        values: dict[str, Any] = {}
        for prop in node.get("required", ()):
            values[prop] = _value(prop, node["properties"][prop], scene, schema, values)
        return values
    if kind == "array":
        count = node.get("minItems", 0)
        return [_value(name, node.get("items", {}), scene, schema, siblings) for _ in range(count)]
    if kind == "integer":
        pk = scene_id(scene, name)
        if pk is not None:
            return pk
        return max(int(node.get("minimum", 1)), 1) if "maximum" not in node else int(node.get("minimum", 1))
    if kind == "number":
        return float(node.get("minimum", 1) or 1)
    if kind == "boolean":
        return False
    if kind == "string":
        fmt = node.get("format")
        ends = any(word in name for word in ("end", "to", "until"))
        if fmt == "date-time":
            return _later(10, 11 if ends else 10).isoformat()
        if fmt == "date":
            return (timezone.localdate() + datetime.timedelta(days=11 if ends else 10)).isoformat()
        if fmt == "email":
            return "someone.new@example.test"
        if fmt in ("decimal",) or "pattern" in node and "\\d" in node["pattern"]:
            return "1.00"
        if fmt == "time":
            return "10:00:00"
        if fmt == "duration":
            return "PT1H"
        return "x" * max(int(node.get("minLength", 1)), 1)
    return None
