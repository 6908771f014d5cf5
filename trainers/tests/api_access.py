"""Who may call each trainer endpoint (read by the API access matrix): active trainers only."""

from __future__ import annotations

TRAINER = frozenset({"trainer"})

API_ACCESS: dict[str, frozenset[str]] = {
    "trainer_availability_list": TRAINER,
    "trainer_availability_create": TRAINER,
    "trainer_availability_create_weekly": TRAINER,
    "trainer_availability_update": TRAINER,
    "trainer_availability_delete": TRAINER,
    "trainer_template_list": TRAINER,
    "trainer_template_slot_add": TRAINER,
    "trainer_template_slot_delete": TRAINER,
    "trainer_template_apply": TRAINER,
    "trainer_time_off_list": TRAINER,
    "trainer_time_off_create": TRAINER,
    "trainer_time_off_delete": TRAINER,
    "trainer_schedule": TRAINER,
    "trainer_class_read": TRAINER,
    "trainer_class_attendance_mark": TRAINER,
    "trainer_pt_session_read": TRAINER,
    "trainer_pt_session_mark": TRAINER,
    "trainer_pt_session_note": TRAINER,
    "trainer_member_lookup": TRAINER,
    "trainer_member_read": TRAINER,
    "trainer_client_read": TRAINER,
    "trainer_equipment_list": TRAINER,
    "trainer_equipment_issue_create": TRAINER,
    "trainer_calendar_feed_read": TRAINER,
    "trainer_calendar_feed_rotate": TRAINER,
}
