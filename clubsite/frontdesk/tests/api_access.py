"""Who may call each front desk endpoint (/api/v1/staff/desk, /api/v1/staff/members/{id}/overview and notes): the
roles holding the front desk's permissions (operations.staff: the front desk role and the manager), and the
superuser. Read by the API access matrix, which fails for an endpoint missing here."""

from __future__ import annotations

DESK = frozenset({"front_desk", "manager", "superuser"})

API_ACCESS: dict[str, frozenset[str]] = {
    # frontdesk.add_visit
    "staff_desk_checkin": DESK,
    # frontdesk.view_visit
    "staff_desk_arrivals": DESK,
    "staff_desk_search": DESK,
    # frontdesk.view_staffnote, add_staffnote
    "staff_member_overview": DESK,
    "staff_member_note_list": DESK,
    "staff_member_note_add": DESK,
}
