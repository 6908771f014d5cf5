"""Why a member's profile, goal or measurement could not be saved: one table of codes and messages."""

from __future__ import annotations

import datetime
from decimal import Decimal

from clubsite.core.errors import CONFLICT, NOT_FOUND, ClubError, Message

from .models import BODY_FAT_RANGE, HEART_RATE_RANGE, WEIGHT_RANGE

MIN_AGE, MAX_AGE = 13, 120
PHONE_DIGITS = (7, 15)
GOAL_TARGET_MAX = Decimal("10000")
GOAL_HORIZON_YEARS = 10
UNIT_MAX_LENGTH = 16
# A device clock a little ahead of ours must not make a just-taken reading look like the future.
CLOCK_SKEW = datetime.timedelta(minutes=1)


class MemberError(ClubError):
    """A member's profile, goal or metric could not be saved; the code says why, the message says it to a person.

    Names are checked by ``clubsite.accounts`` (one rule for every person), so a bad name is an
    ``AccountError`` (``name_required``, ``name_too_long``), as is a bad or taken email at sign-up.
    """

    messages = {
        # members
        "member_required": Message("Choose a member.", field="member"),
        "member_not_found": Message("This member no longer exists.", field="member", kind=NOT_FOUND),
        "birth_date_required": Message("Enter your date of birth.", field="date_of_birth"),
        "birth_date_future": Message("The date of birth cannot be in the future.", field="date_of_birth"),
        "age_out_of_range": Message(
            f"Members must be between {MIN_AGE} and {MAX_AGE} years old.", field="date_of_birth"
        ),
        "gender_invalid": Message("Choose one of the listed genders.", field="gender"),
        "phone_invalid": Message(
            f"Enter a phone number of {PHONE_DIGITS[0]} to {PHONE_DIGITS[1]} digits; "
            "spaces, +, - and parentheses are allowed.",
            field="phone",
        ),
        # goals
        "goal_required": Message("Choose a goal.", field="goal"),
        "goal_not_found": Message("This goal no longer exists.", field="goal", kind=NOT_FOUND),
        "goal_type_invalid": Message("Choose one of the listed goal types.", field="goal_type"),
        "goal_target_invalid": Message(
            f"The target must be a number greater than 0 and at most {GOAL_TARGET_MAX}.", field="target_value"
        ),
        "goal_unit_required": Message("Enter the unit of the target (kg, %, bpm, km, minutes…).", field="unit"),
        "goal_unit_too_long": Message(f"The unit can be at most {UNIT_MAX_LENGTH} characters long.", field="unit"),
        "goal_date_invalid": Message("Enter a valid target date.", field="target_date"),
        "goal_date_past": Message("The target date cannot be in the past.", field="target_date"),
        "goal_date_too_far": Message(
            f"The target date must be within {GOAL_HORIZON_YEARS} years.", field="target_date"
        ),
        "goal_inactive": Message("This goal is no longer active; set a new goal instead.", field="goal", kind=CONFLICT),
        "goal_already_inactive": Message("This goal is already inactive.", field="goal", kind=CONFLICT),
        # health metrics
        "metric_empty": Message("Enter at least one of weight, heart rate or body fat."),
        "weight_out_of_range": Message(
            f"Weight must be a number between {WEIGHT_RANGE[0]} and {WEIGHT_RANGE[1]} kg.", field="weight"
        ),
        "heart_rate_out_of_range": Message(
            f"Heart rate must be a whole number between {HEART_RATE_RANGE[0]} and {HEART_RATE_RANGE[1]} bpm.",
            field="heart_rate",
        ),
        "body_fat_out_of_range": Message(
            f"Body fat must be a number between {BODY_FAT_RANGE[0]} and {BODY_FAT_RANGE[1]} %.", field="body_fat"
        ),
        "metric_time_invalid": Message("Enter a valid date and time for the measurement.", field="recorded_at"),
        "metric_time_future": Message("A measurement cannot be recorded in the future.", field="recorded_at"),
        "metric_time_before_birth": Message(
            "A measurement cannot be dated before the member's date of birth.", field="recorded_at"
        ),
        # consent to processing health metrics (GDPR: special-category data, processed only with explicit consent)
        "metrics_consent_missing": Message(
            "No consent to processing health metrics is in force, so no measurement can be recorded. "
            "The member can give it on their health metrics page (or through the API) at any time.",
            kind=CONFLICT,
        ),
        "metrics_consent_already_given": Message(
            "Consent to processing health metrics is already given.", kind=CONFLICT
        ),
        "metrics_consent_not_given": Message(
            "There is no consent to processing health metrics to withdraw.", kind=CONFLICT
        ),
        "metrics_erase_consent_in_force": Message(
            "Withdraw the consent to processing health metrics first; then the stored measurements can be deleted.",
            kind=CONFLICT,
        ),
        "metric_is_history": Message(
            "Health metrics are history and cannot be changed; record a new entry instead.", kind=CONFLICT
        ),
    }
