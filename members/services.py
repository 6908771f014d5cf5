"""Writes on members: sign-up and profile, fitness goals, and the health-metric history."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from clubsite.accounts.services import clean_names, email_check, user_confirm_email, user_create
from clubsite.core.clock import club_time, club_today, club_zone
from clubsite.core.db import constraint_errors
from clubsite.core.errors import ClubError
from clubsite.core.events import publish

from .errors import (
    CLOCK_SKEW,
    GOAL_HORIZON_YEARS,
    GOAL_TARGET_MAX,
    MAX_AGE,
    MIN_AGE,
    PHONE_DIGITS,
    UNIT_MAX_LENGTH,
    MemberError,
)
from .models import (
    BODY_FAT_RANGE,
    ERASED_BIRTH_DATE,
    ERASED_EMAIL,
    ERASED_FIRST_NAME,
    HEART_RATE_RANGE,
    WEIGHT_RANGE,
    FitnessGoal,
    HealthMetric,
    Member,
    MetricsConsent,
    new_card_code,
)
from .selectors import metrics_consent_in_force
from .units import normalise_unit

_PHONE_CHARACTERS = re.compile(r"[0-9 +\-()]+")

METRIC_CONSTRAINTS = {
    "members_healthmetric_some_value": "metric_empty",
    "members_healthmetric_weight_range": "weight_out_of_range",
    "members_healthmetric_heart_rate_range": "heart_rate_out_of_range",
    "members_healthmetric_body_fat_range": "body_fat_out_of_range",
    "members_healthmetric_append_only": "metric_is_history",
}
GOAL_CONSTRAINTS = {"members_fitnessgoal_target_positive": "goal_target_invalid"}


# -- members ------------------------------------------------------------------------------------


def member_create(
    *,
    email: str,
    password: str | None,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    gender: str,
    phone: str = "",
    metrics_consent: bool = False,
    confirmed: bool = True,
) -> Member:
    """Sign up: the user account and its member profile are created together or not at all.

    ``confirmed=False`` (a visitor signing up themselves): the account waits, inactive, for its mailed link, and
    ``member.created`` is published when it is confirmed (``member_confirm``), not for a sign-up nobody finished.

    ``metrics_consent``: the person ticked the (optional, unticked) box consenting to the processing of their
    health metrics; recorded with the privacy notice's version and the time. Without it no metric is recorded
    until they give it on their metrics page."""
    profile = _clean_profile(date_of_birth=date_of_birth, gender=gender, phone=phone)
    with transaction.atomic():
        # An AccountError (email taken or invalid, a name missing) is a ClubError of its own: it goes up as it is.
        user = user_create(
            email=email, password=password, first_name=first_name, last_name=last_name, confirmed=confirmed
        )
        with constraint_errors({}, MemberError):
            member = Member.objects.create(user=user, **profile)
        if metrics_consent:
            MetricsConsent.objects.create(member=member, notice_version=settings.CLUB_PRIVACY_NOTICE_VERSION)
        if confirmed:
            publish("member.created", member.pk)
        return member


def member_confirm(*, member: Member) -> Member:
    """The member followed their sign-up link: the account opens (``user_confirm_email``) and the club hears
    of its new member."""
    with transaction.atomic():
        user_confirm_email(user=member.user)
        member.user.refresh_from_db(fields=["is_active", "email_confirmed_at"])
        publish("member.created", member.pk)
        return member


def member_sign_up_problems(
    *,
    email: str,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None,
    gender: str,
    phone: str = "",
) -> list[ClubError]:
    """Every reason ``member_create`` would refuse these details, one for each field that is wrong, found without
    writing anything: sign-up (the page and the API) shows them all at once rather than one per attempt. An email
    that already has an account is not one of them: sign-up answers the same either way
    (``billing.services.member_sign_up_request``)."""
    checks: list[Callable[[], object]] = [
        lambda: clean_names(first_name=first_name, last_name=last_name),
        lambda: email_check(email=email, refuse_taken=False),
        lambda: _clean_birth_date(date_of_birth),
        lambda: _clean_gender(gender),
        lambda: _clean_phone(phone),
    ]
    problems: list[ClubError] = []
    for check in checks:
        try:
            check()
        except ClubError as error:
            problems.append(error)
    return problems


def member_update(
    *,
    member: Member,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    gender: str,
    phone: str,
) -> Member:
    """Change a member's name and profile; the sign-in email is not changed here."""
    names = clean_names(first_name=first_name, last_name=last_name)
    profile = _clean_profile(date_of_birth=date_of_birth, gender=gender, phone=phone)
    with transaction.atomic():
        locked = _lock_member(member)
        user = locked.user
        user.first_name, user.last_name = names
        for field, value in profile.items():
            setattr(locked, field, value)
        with constraint_errors({}, MemberError):
            user.save(update_fields=["first_name", "last_name"])
            locked.save(update_fields=list(profile))
    return locked


def member_set_reminders(*, member: Member, classes: bool, pt_sessions: bool) -> Member:
    """Choose which reminders the member receives (from the profile, the API or a mail's preferences link)."""
    with transaction.atomic():
        locked = _lock_member(member)
        locked.remind_classes, locked.remind_pt_sessions = bool(classes), bool(pt_sessions)
        locked.save(update_fields=["remind_classes", "remind_pt_sessions"])
    return locked


def member_card_rotate(*, member: Member) -> Member:
    """Give the member a new card code (a lost or shared phone): the old card's QR finds nobody any more."""
    with transaction.atomic():
        locked = _lock_member(member)
        locked.card_code = new_card_code()
        # A clash with another member's code (one in 2**96) is the unique constraint's: a conflict, nothing saved.
        with constraint_errors({}, MemberError):
            locked.save(update_fields=["card_code"])
    return locked


def member_anonymise(*, member: Member) -> Member:
    """Erase the person behind a member (GDPR erasure, called by ``clubsite.privacy.services.erasure_approve``):
    their name becomes the pseudonym "Member 000123", their email a unique address that receives nothing, their
    phone, date of birth and gender go, their metrics (the sanctioned delete) and goals are deleted, and the
    account can no longer sign in (inactive, unusable password: every session's hash no longer matches). The
    member row stays, so the invoices, payments and attendance kept for the club's records still add up."""
    with transaction.atomic():
        locked = _lock_member(member)
        metrics_erase(member=locked, erasure=True)
        FitnessGoal.objects.filter(member=locked).delete()
        user = locked.user
        user.email = ERASED_EMAIL.format(id=locked.pk)
        user.first_name, user.last_name = ERASED_FIRST_NAME, locked.number
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["email", "first_name", "last_name", "is_active", "password"])
        locked.phone, locked.date_of_birth, locked.gender = "", ERASED_BIRTH_DATE, Member.Gender.UNDISCLOSED
        locked.remind_classes = locked.remind_pt_sessions = False
        locked.card_code = new_card_code()
        with constraint_errors({}, MemberError):
            locked.save(
                update_fields=["phone", "date_of_birth", "gender", "remind_classes", "remind_pt_sessions", "card_code"]
            )
    return locked


# -- goals --------------------------------------------------------------------------------------


def goal_create(
    *,
    member: Member,
    goal_type: str,
    target_value: Decimal | int | str,
    unit: str,
    target_date: datetime.date | None = None,
) -> FitnessGoal:
    """Set a new, active fitness goal for a member."""
    values = _clean_goal(goal_type=goal_type, target_value=target_value, unit=unit)
    if target_date is not None:
        _check_goal_date(target_date)
    with transaction.atomic():
        locked = _lock_member(member)
        with constraint_errors(GOAL_CONSTRAINTS, MemberError):
            return FitnessGoal.objects.create(member=locked, target_date=target_date, **values)


def goal_update(
    *,
    goal: FitnessGoal,
    goal_type: str,
    target_value: Decimal | int | str,
    unit: str,
    target_date: datetime.date | None,
) -> FitnessGoal:
    """Change an active goal. A new target date must not be in the past; an unchanged one may be."""
    values = _clean_goal(goal_type=goal_type, target_value=target_value, unit=unit)
    with transaction.atomic():
        locked = _lock_goal(goal)
        if not locked.is_active:
            raise MemberError("goal_inactive")
        # An overdue goal can still have its target value corrected without inventing a new date.
        if target_date is not None and target_date != locked.target_date:
            _check_goal_date(target_date)
        for field, value in values.items():
            setattr(locked, field, value)
        locked.target_date = target_date
        with constraint_errors(GOAL_CONSTRAINTS, MemberError):
            locked.save(update_fields=[*values, "target_date"])
    return locked


def goal_deactivate(*, goal: FitnessGoal) -> FitnessGoal:
    """Retire a goal (reached or abandoned); it stays in the member's history."""
    with transaction.atomic():
        locked = _lock_goal(goal)
        if not locked.is_active:
            raise MemberError("goal_already_inactive")
        locked.is_active = False
        locked.save(update_fields=["is_active"])
    return locked


# -- health metrics -----------------------------------------------------------------------------


def metric_record(
    *,
    member: Member,
    weight: Decimal | int | str | None = None,
    heart_rate: int | None = None,
    body_fat: Decimal | int | str | None = None,
    recorded_at: datetime.datetime | None = None,
) -> HealthMetric:
    """Append a measurement to a member's history; it may be back-dated, never future-dated."""
    with transaction.atomic():
        # The Member row first (the project's lock order); the trigger updates it right after. Under that lock a
        # consent cannot be withdrawn (and the metrics deleted) between this check and the insert.
        locked = _lock_member(member)
        if not metrics_consent_in_force(member=locked):
            raise MemberError("metrics_consent_missing")
        values = metric_values(
            member=locked, weight=weight, heart_rate=heart_rate, body_fat=body_fat, recorded_at=recorded_at
        )
        with constraint_errors(METRIC_CONSTRAINTS, MemberError):
            return HealthMetric.objects.create(member=locked, **values)


def metrics_consent_give(*, member: Member, notice_version: str | None = None) -> MetricsConsent:
    """The member consents to the processing of their health metrics under the current privacy notice."""
    with transaction.atomic():
        locked = _lock_member(member)
        if metrics_consent_in_force(member=locked) is not None:
            raise MemberError("metrics_consent_already_given")
        with constraint_errors({"members_metricsconsent_one_current": "metrics_consent_already_given"}, MemberError):
            consent = MetricsConsent.objects.create(
                member=locked, notice_version=notice_version or settings.CLUB_PRIVACY_NOTICE_VERSION
            )
    return consent


def metrics_consent_withdraw(*, member: Member) -> MetricsConsent:
    """The member withdraws their consent: from now on no metric is recorded for them (``metric_record`` refuses).
    The stored ones stay until the member confirms their deletion (``metrics_erase``)."""
    with transaction.atomic():
        locked = _lock_member(member)
        consent = MetricsConsent.objects.select_for_update().filter(member=locked, withdrawn_at__isnull=True).first()
        if consent is None:
            raise MemberError("metrics_consent_not_given")
        consent.withdrawn_at = max(timezone.now(), consent.given_at)
        consent.save(update_fields=["withdrawn_at"])
    return consent


def metrics_erase(*, member: Member, erasure: bool = False) -> int:
    """Delete every stored health metric of the member (how many): the one sanctioned DELETE of the append-only
    history. Refused while a consent is in force (withdraw first), unless ``erasure`` (the member's erasure,
    ``clubsite.privacy``, which withdraws it too). The trigger lets the DELETE through only in this transaction."""
    with transaction.atomic():
        locked = _lock_member(member)
        if metrics_consent_in_force(member=locked) is not None:
            if not erasure:
                raise MemberError("metrics_erase_consent_in_force")
            MetricsConsent.objects.filter(member=locked, withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('clubsite.metrics_erasure', 'on', true)")
        try:
            deleted, _ = HealthMetric.objects.filter(member=locked).delete()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('clubsite.metrics_erasure', 'off', true)")
    return deleted


def metric_values(
    *,
    member: Member,
    weight: Decimal | int | str | None = None,
    heart_rate: int | None = None,
    body_fat: Decimal | int | str | None = None,
    recorded_at: datetime.datetime | None = None,
) -> dict[str, Any]:
    """The checked, rounded fields of one measurement, or MemberError saying what is wrong.

    Writes nothing: forms (the admin's add form) call it to show the same messages as a field error.
    """
    if member is None:
        raise MemberError("member_required")
    weight = _decimal_in(weight, WEIGHT_RANGE, places=Decimal("0.1"), code="weight_out_of_range")
    heart_rate = _whole_number_in(heart_rate, HEART_RATE_RANGE, code="heart_rate_out_of_range")
    body_fat = _decimal_in(body_fat, BODY_FAT_RANGE, places=Decimal("0.1"), code="body_fat_out_of_range")
    if weight is None and heart_rate is None and body_fat is None:
        raise MemberError("metric_empty")
    when = _clean_recorded_at(recorded_at)
    _check_not_before_birth(when, member)
    return {"weight": weight, "heart_rate": heart_rate, "body_fat": body_fat, "recorded_at": when}


# -- helpers ------------------------------------------------------------------------------------


def _lock_member(member: Member | None) -> Member:
    if member is None or member.pk is None:
        raise MemberError("member_required")
    try:
        # of=("self",): the member row is the lock; the joined user row is only read.
        return Member.objects.select_for_update(of=("self",)).select_related("user").get(pk=member.pk)
    except Member.DoesNotExist as error:
        raise MemberError("member_not_found") from error


def _lock_goal(goal: FitnessGoal | None) -> FitnessGoal:
    if goal is None or goal.pk is None:
        raise MemberError("goal_required")
    # The Member row first (the project's lock order), then the goal.
    member_id = FitnessGoal.objects.filter(pk=goal.pk).values_list("member_id", flat=True).first()
    if member_id is None:
        raise MemberError("goal_not_found")
    list(Member.objects.select_for_update().filter(pk=member_id).values_list("pk", flat=True))
    try:
        return FitnessGoal.objects.select_for_update().get(pk=goal.pk)
    except FitnessGoal.DoesNotExist as error:
        raise MemberError("goal_not_found") from error


def _clean_profile(*, date_of_birth: datetime.date | None, gender: str, phone: str) -> dict[str, Any]:
    return {
        "date_of_birth": _clean_birth_date(date_of_birth),
        "gender": _clean_gender(gender),
        "phone": _clean_phone(phone),
    }


def _clean_birth_date(date_of_birth: datetime.date | None) -> datetime.date:
    if date_of_birth is None:
        raise MemberError("birth_date_required")
    if isinstance(date_of_birth, datetime.datetime) or not isinstance(date_of_birth, datetime.date):
        raise MemberError("birth_date_required")
    today = club_today()
    if date_of_birth > today:
        raise MemberError("birth_date_future")
    if not MIN_AGE <= _age(date_of_birth, today) <= MAX_AGE:
        raise MemberError("age_out_of_range")
    return date_of_birth


def _clean_gender(gender: str) -> str:
    if gender not in Member.Gender.values:
        raise MemberError("gender_invalid")
    return gender


def _age(born: datetime.date, today: datetime.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _clean_phone(phone: str | None) -> str:
    phone = (phone or "").strip()
    if not phone:
        return ""
    digits = sum(character.isdigit() for character in phone)
    max_length = Member._meta.get_field("phone").max_length or 0
    if (
        not _PHONE_CHARACTERS.fullmatch(phone)
        or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]
        or len(phone) > max_length
    ):
        raise MemberError("phone_invalid")
    return phone


def _clean_goal(*, goal_type: str, target_value: Decimal | int | str, unit: str) -> dict[str, Any]:
    if goal_type not in FitnessGoal.GoalType.values:
        raise MemberError("goal_type_invalid")
    target = _decimal_in(
        target_value, (Decimal("0.01"), GOAL_TARGET_MAX), places=Decimal("0.01"), code="goal_target_invalid"
    )
    if target is None:
        raise MemberError("goal_target_invalid")
    # One spelling of a unit ("KG" is kg), so a goal reads as the measurements do and its progress is tracked.
    unit = normalise_unit(unit)
    if not unit:
        raise MemberError("goal_unit_required")
    if len(unit) > UNIT_MAX_LENGTH:
        raise MemberError("goal_unit_too_long")
    return {"goal_type": goal_type, "target_value": target, "unit": unit}


def _check_goal_date(target_date: datetime.date) -> None:
    if isinstance(target_date, datetime.datetime) or not isinstance(target_date, datetime.date):
        raise MemberError("goal_date_invalid")
    today = club_today()
    if target_date < today:
        raise MemberError("goal_date_past")
    if target_date > _years_after(today, GOAL_HORIZON_YEARS):
        raise MemberError("goal_date_too_far")


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _clean_recorded_at(recorded_at: datetime.datetime | None) -> datetime.datetime:
    now = timezone.now()
    if recorded_at is None:
        return now
    if not isinstance(recorded_at, datetime.datetime):
        raise MemberError("metric_time_invalid")
    if timezone.is_naive(recorded_at):
        # A time typed without a zone is a time on the club's clock.
        recorded_at = timezone.make_aware(recorded_at, club_zone())
    if recorded_at > now + CLOCK_SKEW:
        raise MemberError("metric_time_future")
    return recorded_at


def _check_not_before_birth(when: datetime.datetime, member: Member) -> None:
    local_day = club_time(when).date()
    if local_day < member.date_of_birth:
        raise MemberError("metric_time_before_birth")


def _decimal_in(
    value: Decimal | int | float | str | None, bounds: tuple[Decimal, Decimal], *, places: Decimal, code: str
) -> Decimal | None:
    """``value`` as a Decimal rounded to ``places`` within ``bounds``; None and "" stay None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise MemberError(code)
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as error:
        raise MemberError(code) from error
    if not number.is_finite():
        raise MemberError(code)
    try:
        number = number.quantize(places, rounding=ROUND_HALF_UP)
    except InvalidOperation as error:  # too many digits to round (1e400): far out of any range
        raise MemberError(code) from error
    if not bounds[0] <= number <= bounds[1]:
        raise MemberError(code)
    return number


def _whole_number_in(value: int | Decimal | str | None, bounds: tuple[int, int], *, code: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise MemberError(code)
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as error:
        raise MemberError(code) from error
    if not number.is_finite() or number != number.to_integral_value():
        raise MemberError(code)
    if not bounds[0] <= number <= bounds[1]:
        raise MemberError(code)
    return int(number)
