"""Who may call each privacy endpoint (read by the API access matrix): members their own; managers the requests."""

from __future__ import annotations

MEMBER = frozenset({"member"})
MANAGERS = frozenset({"manager", "superuser"})

API_ACCESS: dict[str, frozenset[str]] = {
    "member_privacy_export": MEMBER,
    "member_erasure_read": MEMBER,
    "member_erasure_request": MEMBER,
    "member_erasure_cancel": MEMBER,
    "staff_erasure_request_list": MANAGERS,
    "staff_erasure_request_approve": MANAGERS,
}
