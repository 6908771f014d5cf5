"""Who may call each member endpoint (read by the API access matrix): members only, and sign-up and the
catalogue (plans, class packs) for anyone."""

from __future__ import annotations

MEMBER = frozenset({"member"})
#: Sign-up needs no account; a signed-in caller may sign someone up too (the API asks for no credentials).
EVERYONE = frozenset({"anonymous", "member", "trainer", "manager", "front_desk", "maintenance", "billing", "superuser"})

API_ACCESS: dict[str, frozenset[str]] = {
    "member_signup": EVERYONE,
    # What the club offers, for a visitor choosing a plan before signing up.
    "catalogue_plan_list": EVERYONE,
    "catalogue_class_pack_list": EVERYONE,
    "member_profile_read": MEMBER,
    "member_profile_update": MEMBER,
    "member_reminders_read": MEMBER,
    "member_reminders_update": MEMBER,
    "member_goal_list": MEMBER,
    "member_goal_create": MEMBER,
    "member_goal_update": MEMBER,
    "member_goal_deactivate": MEMBER,
    "member_metric_record": MEMBER,
    "member_metric_list": MEMBER,
    "member_metric_latest": MEMBER,
    "member_metrics_consent_read": MEMBER,
    "member_metrics_consent_give": MEMBER,
    "member_metrics_consent_withdraw": MEMBER,
    "member_metrics_erase": MEMBER,
    "member_dashboard": MEMBER,
    "member_class_timetable": MEMBER,
    "member_class_read": MEMBER,
    "member_class_register": MEMBER,
    "member_registration_list": MEMBER,
    "member_registration_cancel": MEMBER,
    "member_registration_cancellation_cost": MEMBER,
    "member_offer_accept": MEMBER,
    "member_offer_decline": MEMBER,
    "member_membership_read": MEMBER,
    "member_membership_join": MEMBER,
    "member_membership_change_plan": MEMBER,
    "member_membership_cancellation_preview": MEMBER,
    "member_membership_cancel": MEMBER,
    "member_membership_cancel_withdraw": MEMBER,
    "member_freeze_list": MEMBER,
    "member_freeze_preview": MEMBER,
    "member_freeze_create": MEMBER,
    "member_freeze_end": MEMBER,
    "member_credit_pack_list": MEMBER,
    "member_credit_pack_buy": MEMBER,
    "member_trainer_list": MEMBER,
    "member_trainer_slots": MEMBER,
    "member_pt_session_book": MEMBER,
    "member_pt_session_list": MEMBER,
    "member_pt_session_reschedule": MEMBER,
    "member_pt_session_cancel": MEMBER,
    "member_invoice_list": MEMBER,
    "member_invoice_read": MEMBER,
    "member_invoice_pdf": MEMBER,
    "member_calendar_feed_read": MEMBER,
    "member_calendar_feed_rotate": MEMBER,
    "member_card_read": MEMBER,
    "member_card_rotate": MEMBER,
}
