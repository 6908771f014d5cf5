"""Helpers for the admin tests: what the admin's widgets post, and what a page costs."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone


def split_datetime(value: datetime.datetime, name: str) -> dict[str, str]:
    """How the admin's split date and time widget posts ``value``, on the club's clock."""
    local = timezone.localtime(value)
    return {f"{name}_0": local.strftime("%Y-%m-%d"), f"{name}_1": local.strftime("%H:%M:%S")}


def query_count(client: Client, address: str) -> int:
    """The queries a GET of ``address`` costs; the page must open."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(context)
