"""The member's health metrics: log a measurement, page through the history, read the latest."""

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from clubsite.api.access import member_of
from clubsite.api.errors import RequestError
from clubsite.api.schemas import PROBLEMS
from clubsite.core.clock import day_start
from members.models import HealthMetric, LatestHealthMetric, Member, MetricsConsent
from members.selectors import metric_history
from members.services import metric_record, metrics_consent_give, metrics_consent_withdraw, metrics_erase

from .schemas import MemberLatestMetricOut, MemberMetricIn, MemberMetricOut, MemberMetricQuery

router = Router(tags=["member"])

_ONE_DAY = datetime.timedelta(days=1)


@router.post(
    "/metrics",
    response={201: MemberMetricOut, **PROBLEMS},
    operation_id="member_metric_record",
    url_name="member_metric_record",
    summary="Log a measurement",
)
def metric_record_endpoint(request: HttpRequest, payload: MemberMetricIn) -> Status[HealthMetric]:
    """Add weight, resting heart rate and/or body fat (at least one) to your history. ``recorded_at`` may be
    back-dated, never in the future; a time without a zone is on the club's clock. Entries are never changed."""
    return Status(201, metric_record(member=member_of(request), **payload.dict()))


@router.get(
    "/metrics",
    response={200: list[MemberMetricOut], **PROBLEMS},
    operation_id="member_metric_list",
    url_name="member_metric_list",
    summary="Your measurement history",
)
@paginate
def metric_list(request: HttpRequest, filters: Query[MemberMetricQuery]) -> Any:
    """Your measurements, newest first; ``from`` and ``to`` (whole days on the club's clock, both
    included) narrow the history."""
    history = metric_history(member=member_of(request))
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise RequestError("range_reversed")
    try:
        if filters.date_from is not None:
            history = history.filter(recorded_at__gte=day_start(filters.date_from))
        if filters.date_to is not None:
            history = history.filter(recorded_at__lt=day_start(filters.date_to + _ONE_DAY))
    except OverflowError:  # the calendar's last day: nothing can be after it
        pass
    return history


@router.get(
    "/metrics/latest",
    response={200: MemberLatestMetricOut, **PROBLEMS},
    operation_id="member_metric_latest",
    url_name="member_metric_latest",
    summary="Your latest measurement",
)
def metric_latest(request: HttpRequest) -> LatestHealthMetric:
    """Your most recent entry (from the latest-metric view the trainers' member lookup reads too); 404 until
    you have logged one."""
    latest = LatestHealthMetric.objects.filter(member=member_of(request)).first()
    if latest is None:
        raise Http404("No measurement yet.")
    return latest


# -- consent to processing health metrics ------------------------------------------------------------


class MetricsConsentEntryOut(Schema):
    notice_version: str = Field(..., description="The privacy notice's version the consent was given under.")
    given_at: datetime.datetime
    withdrawn_at: datetime.datetime | None = None


class MetricsConsentOut(Schema):
    given: bool = Field(..., description="Whether a consent is in force: without it no measurement is recorded.")
    current: MetricsConsentEntryOut | None = None
    history: list[MetricsConsentEntryOut] = Field(..., description="Every consent given and withdrawn, newest first.")


class MetricsErasedOut(Schema):
    deleted: int = Field(..., description="How many stored measurements were deleted.")


def _consent_state(member: Member) -> MetricsConsentOut:
    history = [
        MetricsConsentEntryOut(notice_version=row.notice_version, given_at=row.given_at, withdrawn_at=row.withdrawn_at)
        for row in MetricsConsent.objects.filter(member=member).order_by("-given_at", "-id")
    ]
    current = next((entry for entry in history if entry.withdrawn_at is None), None)
    return MetricsConsentOut(given=current is not None, current=current, history=history)


@router.get(
    "/metrics/consent",
    response={200: MetricsConsentOut, **PROBLEMS},
    operation_id="member_metrics_consent_read",
    url_name="member_metrics_consent",
    summary="Your consent to processing health metrics",
)
def metrics_consent_read(request: HttpRequest) -> MetricsConsentOut:
    """Whether your consent is in force (with the privacy notice's version and when), and its history."""
    return _consent_state(member_of(request))


@router.post(
    "/metrics/consent",
    response={201: MetricsConsentOut, **PROBLEMS},
    operation_id="member_metrics_consent_give",
    url_name="member_metrics_consent",
    summary="Consent to processing your health metrics",
)
def metrics_consent_give_endpoint(request: HttpRequest) -> Status[MetricsConsentOut]:
    """Give consent under the current privacy notice; 409 ``metrics_consent_already_given`` when in force."""
    member = member_of(request)
    metrics_consent_give(member=member)
    return Status(201, _consent_state(member))


@router.delete(
    "/metrics/consent",
    response={200: MetricsConsentOut, **PROBLEMS},
    operation_id="member_metrics_consent_withdraw",
    url_name="member_metrics_consent",
    summary="Withdraw your consent to processing health metrics",
)
def metrics_consent_withdraw_endpoint(request: HttpRequest) -> MetricsConsentOut:
    """From now on no measurement is recorded (``metrics_consent_missing``); the stored ones stay until you
    delete them (``DELETE /metrics``). 409 ``metrics_consent_not_given`` when there is none."""
    member = member_of(request)
    metrics_consent_withdraw(member=member)
    return _consent_state(member)


@router.delete(
    "/metrics",
    response={200: MetricsErasedOut, **PROBLEMS},
    operation_id="member_metrics_erase",
    url_name="member_metric_list",
    summary="Delete every stored measurement",
)
def metrics_erase_endpoint(request: HttpRequest) -> MetricsErasedOut:
    """Delete your whole measurement history, for good, after withdrawing your consent (409
    ``metrics_erase_consent_in_force`` while it is in force)."""
    return MetricsErasedOut(deleted=metrics_erase(member=member_of(request)))
