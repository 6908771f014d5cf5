"""The trainer's availability windows: list, add one or a weekly series, move, remove.

The rules (no overlap, at most 16 hours, no booking left outside a window) are ``operations.services``'.
"""

from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from clubsite.api.access import trainer_of
from clubsite.api.errors import RequestError
from clubsite.api.schemas import PROBLEMS
from clubsite.core.clock import day_bounds, day_start
from clubsite.core.dates import ClubDate
from operations import services
from trainers import selectors as trainer_reads
from trainers.models import TrainerAvailability
from trainers.portal import selectors

from .schemas import AvailabilityWeeklyIn, AvailabilityWindowIn, AvailabilityWindowListItem, AvailabilityWindowOut

router = Router(tags=["trainer"])


@router.get(
    "/availability",
    response={200: list[AvailabilityWindowListItem], **PROBLEMS},
    operation_id="trainer_availability_list",
    url_name="trainer_availability_list",
    summary="Your availability windows",
)
@paginate(LimitOffsetPagination)
def trainer_availability_list(
    request: HttpRequest,
    from_: Annotated[ClubDate | None, Query(alias="from", description="First club day (included).")] = None,
    to: Annotated[ClubDate | None, Query(description="Last club day (included).")] = None,
) -> QuerySet[TrainerAvailability]:
    """The windows that have not ended, soonest first, each with the number of bookings inside it; ``from`` and
    ``to`` keep those that touch those days."""
    windows = selectors.trainer_availability_list(trainer=trainer_of(request))
    if from_ is not None and to is not None and to < from_:
        raise RequestError("range_reversed")
    if from_ is not None:
        windows = windows.filter(end_time__gt=day_start(from_))
    if to is not None:
        windows = windows.filter(start_time__lt=day_bounds(to)[1])
    return windows


@router.post(
    "/availability",
    response={201: AvailabilityWindowOut, **PROBLEMS},
    operation_id="trainer_availability_create",
    url_name="trainer_availability_create",
    summary="Add an availability window",
)
def trainer_availability_create(request: HttpRequest, payload: AvailabilityWindowIn) -> Status[TrainerAvailability]:
    """Open a window in which members can book you. An overlap with another of your windows is a 409
    ``availability_overlaps`` naming it; a window on a day of your time off, a 409 ``availability_in_time_off``
    naming those days."""
    window = services.availability_create(
        trainer=trainer_of(request), start_time=payload.start_time, end_time=payload.end_time
    )
    return Status(201, window)


@router.post(
    "/availability/weekly",
    response={201: list[AvailabilityWindowOut], **PROBLEMS},
    operation_id="trainer_availability_create_weekly",
    url_name="trainer_availability_create_weekly",
    summary="Add the same window every week",
)
def trainer_availability_create_weekly(
    request: HttpRequest, payload: AvailabilityWeeklyIn
) -> Status[list[TrainerAvailability]]:
    """The window from ``start_time`` to ``end_time`` and the same one each following week, ``weeks`` in all:
    all of them, or none when one week collides with another window or your time off (409
    ``availability_weeks_overlap``, its ``weeks`` parameter listing the colliding weeks)."""
    windows = services.availability_create_weekly(
        trainer=trainer_of(request), start_time=payload.start_time, end_time=payload.end_time, weeks=payload.weeks
    )
    return Status(201, windows)


def _own_window(request: HttpRequest, availability_id: int) -> TrainerAvailability:
    window: TrainerAvailability = get_object_or_404(
        trainer_reads.trainer_windows(trainer=trainer_of(request)), pk=availability_id
    )
    return window


@router.put(
    "/availability/{availability_id}",
    response={200: AvailabilityWindowOut, **PROBLEMS},
    operation_id="trainer_availability_update",
    url_name="trainer_availability_update",
    summary="Move or resize a window",
)
def trainer_availability_update(
    request: HttpRequest, availability_id: int, payload: AvailabilityWindowIn
) -> TrainerAvailability:
    """Refused (409) when it would overlap another window, fall on a day of your time off or leave a scheduled
    booking outside your availability; another trainer's window is a 404."""
    return services.availability_update(
        availability=_own_window(request, availability_id),
        start_time=payload.start_time,
        end_time=payload.end_time,
    )


@router.delete(
    "/availability/{availability_id}",
    response={204: None, **PROBLEMS},
    operation_id="trainer_availability_delete",
    url_name="trainer_availability_delete",
    summary="Remove a window",
)
def trainer_availability_delete(request: HttpRequest, availability_id: int) -> Status[None]:
    """Refused (409 ``availability_strands_bookings``, naming them) while a scheduled booking relies on it."""
    services.availability_delete(availability=_own_window(request, availability_id))
    return Status(204, None)
