"""Who may call each staff billing endpoint (/api/v1/staff/billing, and a member's membership and credits under
/api/v1/staff/members/{id}/): the roles whose permissions
(operations.staff) hold the permission the billing admin checks for the same change. Read by the API access
matrix, which fails for an endpoint missing here; ``test_api_roles`` calls each endpoint as each role."""

from __future__ import annotations

BILLING = frozenset({"billing", "manager", "superuser"})
# The front desk looks invoices up and takes payments against them.
COUNTER = frozenset({"front_desk", "billing", "manager", "superuser"})

API_ACCESS: dict[str, frozenset[str]] = {
    # The billing runs, as on the back office's page (billing.view_billingrun / billing.add_invoice).
    "staff_billing_run_list": BILLING,
    "staff_billing_run_start": BILLING,
    # billing.*_membershipplan
    "staff_plan_list": BILLING,
    "staff_plan_create": BILLING,
    "staff_plan_update": BILLING,
    # billing.*_membership (the front desk looks memberships up: billing.view_membership)
    "staff_membership_list": COUNTER,
    "staff_membership_start": BILLING,
    "staff_membership_end": BILLING,
    # billing.*_classpack: the front desk sees the packs on sale (it sells them)
    "staff_class_pack_list": COUNTER,
    "staff_class_pack_create": BILLING,
    "staff_class_pack_update": BILLING,
    # One member's membership (/staff/members/{id}/membership): billing.view_membership, add_ and change_ only
    # for billing; the front desk freezes (billing.*_membershipfreeze) and sells packs (billing.add_creditpack).
    "staff_membership_state": COUNTER,
    "staff_membership_join": BILLING,
    "staff_membership_change_plan": BILLING,
    "staff_membership_cancellation_preview": COUNTER,
    "staff_membership_cancel": BILLING,
    "staff_membership_cancel_withdraw": BILLING,
    "staff_membership_freeze_preview": COUNTER,
    "staff_membership_freeze": COUNTER,
    "staff_membership_freeze_end": COUNTER,
    "staff_credit_pack_list": COUNTER,
    "staff_credit_pack_sell": COUNTER,
    # billing.add_invoice
    "staff_invoice_generate": BILLING,
    "staff_invoice_create": BILLING,
    # billing.view_invoice
    "staff_invoice_list": COUNTER,
    "staff_invoice_read": COUNTER,
    "staff_invoice_pdf": COUNTER,
    # billing.add_invoiceline, billing.delete_invoiceline
    "staff_invoice_line_add": BILLING,
    "staff_invoice_line_remove": BILLING,
    # billing.change_invoice
    "staff_invoice_issue": BILLING,
    "staff_invoice_void": BILLING,
    # billing.add_payment
    "staff_payment_record": COUNTER,
    "staff_payment_refund": COUNTER,
}
