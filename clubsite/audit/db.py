"""Sending the audit context with every write, in the same round trip: an execute wrapper on each connection.

Each INSERT, UPDATE, DELETE or MERGE (and a WITH that writes) becomes
``SELECT set_config('clubsite.audit', <context>, true); <the statement>``: one query string, one round trip,
the statement's own result (its RETURNING rows, its row count) is the cursor's. The setting is local to the
transaction, so under autocommit it lasts exactly for the statement; inside a transaction each write sets it
again (an empty context included), so a write never inherits an earlier one's context.

Django's query log, and so every test's query count, sees the statement as the code wrote it.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.psycopg_any import is_psycopg3  # type: ignore[import-untyped]

from .context import setting_value

_WRITES = re.compile(r"^\s*(?:INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)
_WITH = re.compile(r"^\s*WITH\b", re.IGNORECASE)
_WRITES_INSIDE = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)
_SET = "SELECT set_config('clubsite.audit', {}, true); "


def is_write(sql: str) -> bool:
    if _WRITES.match(sql):
        return True
    return bool(_WITH.match(sql) and _WRITES_INSIDE.search(sql))


def _literal(value: str) -> str:
    """The value as an E'' string holding no quote and no percent sign (JSON escapes them), so the prefix is the
    same text with or without query parameters and whatever standard_conforming_strings says."""
    escaped = value.replace("'", "\\u0027").replace("%", "\\u0025").replace("\\", "\\\\")
    return f"E'{escaped}'"


def audit_execute(execute: Any, sql: Any, params: Any, many: bool, context: dict[str, Any]) -> Any:
    if not isinstance(sql, str) or not is_write(sql):
        return execute(sql, params, many, context)
    value = setting_value()
    cursor = context["cursor"]
    if many:
        # executemany runs each parameter set on its own (psycopg 3 in a pipeline, which takes one statement
        # per query): the setting goes first, in a round trip of its own. Django's ORM never uses executemany.
        cursor.execute(_SET.format(_literal(value)).rstrip("; "))
        return execute(sql, params, many, context)
    result = execute(_SET.format(_literal(value)) + sql, params, many, context)
    if is_psycopg3:
        # psycopg 3 stands on the first statement's result (set_config's); the statement's own is the next.
        # psycopg2 keeps only the last result, the statement's.
        cursor.nextset()
    return result


def install_on_connection(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """connection_created: wrap the connection's queries once (a DatabaseWrapper reconnects many times)."""
    if connection.vendor == "postgresql" and audit_execute not in connection.execute_wrappers:
        connection.execute_wrappers.append(audit_execute)
