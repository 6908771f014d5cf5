"""Who may call each staff job endpoint (/api/v1/staff/jobs): managers and the superuser, who run the queue
(operations.staff.MANAGER_APPS). Read by the API access matrix, which fails for an endpoint missing here."""

from __future__ import annotations

QUEUE = frozenset({"manager", "superuser"})

API_ACCESS: dict[str, frozenset[str]] = {
    "staff_failed_job_list": QUEUE,
    "staff_failed_job_retry": QUEUE,
}
