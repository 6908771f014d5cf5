"""Who may read the audit trail over the API (/api/v1/staff/audit): managers and the superuser. Read by the API
access matrix, which fails for an endpoint missing here."""

from __future__ import annotations

MANAGERS = frozenset({"manager", "superuser"})

API_ACCESS: dict[str, frozenset[str]] = {
    "staff_audit_event_list": MANAGERS,
}
