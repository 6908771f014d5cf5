"""Calling the API in tests as a client would: JSON in and out, with the site's session or a personal token."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.test.client import Client as DjangoClient

from clubsite.accounts.models import User
from clubsite.accounts.services import token_create

API = "/api/v1"


class ApiClient:
    """``ApiClient(user)`` calls with a personal access token of ``user`` (CSRF does not apply);
    ``ApiClient(user, session=True)`` with a signed-in session, sending the CSRF token as a browser would;
    ``ApiClient()`` with no credentials."""

    def __init__(self, user: User | None = None, *, session: bool = False) -> None:
        self.client: DjangoClient = Client(enforce_csrf_checks=True)
        self.headers: dict[str, str] = {}
        if user is not None and session:
            self.client.force_login(user)
            self.client.get("/api/docs")  # sets the csrftoken cookie, as opening Swagger UI does
            self.headers["X-CSRFToken"] = self.client.cookies["csrftoken"].value
        elif user is not None:
            _token, raw = token_create(user=user, name="tests")
            self.headers["Authorization"] = f"Bearer {raw}"

    def request(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        url = path if path.startswith("/api/") else f"{API}{path}"
        call = getattr(self.client, method.lower())
        if method.upper() in ("GET", "DELETE") and body is None:
            return call(url, query or None, headers=self.headers)
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
