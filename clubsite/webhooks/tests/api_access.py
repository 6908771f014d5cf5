"""Who may call each staff webhooks endpoint (/api/v1/staff/webhooks): the roles holding the webhooks
permissions, the manager (operations.staff.MANAGER_APPS) and the superuser. Read by the API access matrix,
which fails for an endpoint missing here."""

from __future__ import annotations

WEBHOOKS = frozenset({"manager", "superuser"})

API_ACCESS: dict[str, frozenset[str]] = {
    # webhooks.view_webhookendpoint, add_, change_
    "staff_webhook_endpoint_list": WEBHOOKS,
    "staff_webhook_endpoint_create": WEBHOOKS,
    "staff_webhook_endpoint_update": WEBHOOKS,
    "staff_webhook_secret_rotate": WEBHOOKS,
    "staff_webhook_endpoint_enable": WEBHOOKS,
    # webhooks.view_webhookdelivery
    "staff_webhook_delivery_list": WEBHOOKS,
}
