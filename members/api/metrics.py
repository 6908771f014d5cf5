"""The member's health metrics: log a measurement, page through the history, read the latest."""

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from clubsite.api.access import member_of
from clubsite.api.errors import RequestError
from clubsite.api.schemas import PROBLEMS
from clubsite.core.clock import day_start
from members.models import HealthMetric, LatestHealthMetric
from members.selectors import metric_history
from members.services import metric_record

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
