"""Which tables the trail records, and how (the triggers of audit/0002 hold a copy; a test keeps them the same)."""

from __future__ import annotations

#: table -> (the column naming the object, the columns kept ("*": all), the columns whose text is not kept).
AUDITED: dict[str, tuple[str, str, str]] = {
    "billing_invoice": ("id", "*", "{}"),
    "billing_invoiceline": ("id", "*", "{}"),
    # Refunds are payments of kind "refund"; a void is an invoice's status (and its lines' ``voided``).
    "billing_payment": ("id", "*", "{}"),
    "billing_membership": ("id", "*", "{}"),
    "billing_membershipfreeze": ("id", "*", "{}"),
    # Staff roles: the role row, the user's staff flags, their groups and permissions, the groups' permissions.
    "operations_adminstaff": ("id", "*", "{}"),
    "operations_booking": ("id", "*", "{}"),
    "operations_groupclass": ("id", "*", "{}"),
    "operations_classregistration": ("id", "*", "{}"),
    # What the member asked for and the trainer wrote may be about their health: the trail says it changed.
    "operations_personaltrainingsession": ("id", "*", "{notes,trainer_notes}"),
    # Only what grants powers: never the password hash, the names, the email or sign-in times.
    "accounts_user": ("id", "{id,is_active,is_staff,is_superuser}", "{}"),
    "accounts_user_groups": ("user_id", "*", "{}"),
    "accounts_user_user_permissions": ("user_id", "*", "{}"),
    "auth_group": ("id", "*", "{}"),
    "auth_group_permissions": ("group_id", "*", "{}"),
}

#: A model's table -> the tables whose events belong to its trail (a user's: their groups and permissions too).
TRAIL_OF: dict[str, tuple[str, ...]] = {
    "accounts_user": ("accounts_user", "accounts_user_groups", "accounts_user_user_permissions"),
    "auth_group": ("auth_group", "auth_group_permissions"),
}


def trail_tables(table: str) -> tuple[str, ...]:
    """The tables of one object's trail; () when the table is not audited."""
    if table not in AUDITED:
        return ()
    return TRAIL_OF.get(table, (table,))
