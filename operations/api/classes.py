"""Group classes (one, a weekly series or a series on weekdays, moving, cancelling) and their registrations, as the
staff admin has them: the same permissions, the same services."""


from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from clubsite.api.access import require_staff
from clubsite.api.pagination import Converted
from clubsite.api.problems import problem
from clubsite.api.schemas import PROBLEMS
from clubsite.core.clock import day_bounds
from clubsite.core.dates import ClubDate
from members.models import Member
from operations import selectors, services
from operations.errors import ClassSeriesRefused, SkippedDate
from operations.models import Booking, ClassRegistration, GroupClass, Room
from trainers.models import Trainer

from ._common import class_out, effects_of, found, registration_out, settlement_of
from .schemas import (
    WEEKDAYS,
    StaffClassCancelledOut,
    StaffClassIn,
    StaffClassOut,
    StaffClassRescheduleIn,
    StaffClassSeriesIn,
    StaffClassSeriesOut,
    StaffClassWeeklyIn,
    StaffRegistrationCancelledOut,
    StaffRegistrationIn,
    StaffRegistrationOut,
    StaffSkippedDateOut,
)

router = Router()


def _class_rows(pks: list[int]) -> list[StaffClassOut]:
    rows = selectors.timetable_rows(GroupClass.objects.filter(pk__in=pks))
    return [class_out(group_class) for group_class in rows]


def _class(pk: int) -> StaffClassOut:
    return _class_rows([pk])[0]


def _class_details(payload: StaffClassIn) -> dict[str, object]:
    data = payload.dict()
    data["trainer"] = found(Trainer, data["trainer"])
    data["room"] = found(Room, data["room"])
    return data


@router.get(
    "/classes",
    response={200: list[StaffClassOut], **PROBLEMS},
    operation_id="staff_class_list",
    url_name="staff_class_list",
    summary="Group classes, with their seats taken and waitlists",
)
@paginate(LimitOffsetPagination)
def class_list(
    request: HttpRequest,
    starts_from: ClubDate | None = None,
    starts_to: ClubDate | None = None,
    room: int | None = None,
    trainer: int | None = None,
    status: Booking.Status | None = None,
):
    """In time order; ``starts_from`` and ``starts_to`` are club days, both included.
    Needs ``operations.view_groupclass``."""
    require_staff(request, "operations.view_groupclass")
    classes = GroupClass.objects.all()
    if starts_from is not None:
        classes = classes.filter(booking__start_time__gte=day_bounds(starts_from)[0])
    if starts_to is not None:
        classes = classes.filter(booking__start_time__lt=day_bounds(starts_to)[1])
    if room is not None:
        classes = classes.filter(booking__room_id=room)
    if trainer is not None:
        classes = classes.filter(booking__trainer_id=trainer)
    if status is not None:
        classes = classes.filter(booking__status=status)
    return Converted(selectors.timetable_rows(classes), class_out)


@router.post(
    "/classes",
    response={201: StaffClassOut, **PROBLEMS},
    operation_id="staff_class_create",
    url_name="staff_class_create",
    summary="Schedule a class",
)
def class_create(request: HttpRequest, payload: StaffClassIn) -> Status[StaffClassOut]:
    """The trainer must be available and free, the room free and big enough (``trainer_unavailable``,
    ``room_booked_by``, ``trainer_booked_by``: 409). Needs ``operations.add_groupclass``."""
    require_staff(request, "operations.add_groupclass")
    group_class = services.class_create(**_class_details(payload))  # type: ignore[arg-type]
    return Status(201, _class(group_class.pk))


@router.post(
    "/classes/weekly",
    response={201: list[StaffClassOut], **PROBLEMS},
    operation_id="staff_class_create_weekly",
    url_name="staff_class_create_weekly",
    summary="Schedule a class every week, as one series",
)
def class_create_weekly(request: HttpRequest, payload: StaffClassWeeklyIn) -> Status[list[StaffClassOut]]:
    """All the weeks, or none: ``class_weeks_failed`` (409) names each week's problem, with ``params.weeks``
    and ``params.codes``. Needs ``operations.add_groupclass``."""
    require_staff(request, "operations.add_groupclass")
    classes = services.class_create_weekly(**_class_details(payload))  # type: ignore[arg-type]
    return Status(201, _class_rows([group_class.pk for group_class in classes]))


def skipped_out(date: SkippedDate) -> StaffSkippedDateOut:
    return StaffSkippedDateOut(
        date=date.day,
        start_time=date.start_time,
        end_time=date.end_time,
        code=date.error.code,
        field=date.error.field,
        message=date.message,
    )


def series_refused(refusal: ClassSeriesRefused) -> HttpResponse:
    """The problem document of a series refused whole: one entry of ``errors`` per date in the way."""
    return problem(
        status=409,
        code=refusal.code,
        detail=refusal.message,
        errors=[
            {"field": date.error.field, "code": date.error.code, "message": date.message} for date in refusal.skipped
        ],
        params=refusal.as_dict()["params"],
    )


@router.post(
    "/classes/series",
    response={201: StaffClassSeriesOut, **PROBLEMS},
    operation_id="staff_class_create_series",
    url_name="staff_class_create_series",
    summary="Schedule a class on some weekdays until a last day, as one series",
)
def class_create_series(
    request: HttpRequest, payload: StaffClassSeriesIn
) -> Status[StaffClassSeriesOut] | HttpResponse:
    """At most a year. ``mode`` says what a colliding date does: refuse the series (409 ``class_series_collides``,
    ``errors`` listing each date with its code, ``params.dates`` and ``params.codes``), or skip that date
    (``what_fits``: ``skipped`` lists them; 409 ``class_series_nothing_fits`` when no date is free). Needs
    ``operations.add_groupclass``."""
    require_staff(request, "operations.add_groupclass")
    details = _class_details(payload)
    details["weekdays"] = sorted(WEEKDAYS.index(day) for day in payload.weekdays)
    try:
        outcome = services.class_series_create(**details)  # type: ignore[arg-type]
    except ClassSeriesRefused as refusal:
        return series_refused(refusal)
    return Status(
        201,
        StaffClassSeriesOut(
            created=_class_rows([group_class.pk for group_class in outcome.created]),
            skipped=[skipped_out(date) for date in outcome.skipped],
        ),
    )


@router.put(
    "/classes/{class_id}",
    response={200: StaffClassOut, **PROBLEMS},
    operation_id="staff_class_reschedule",
    url_name="staff_class_reschedule",
    summary="Move a class in time, room or trainer",
)
def class_reschedule(request: HttpRequest, class_id: int, payload: StaffClassRescheduleIn) -> StaffClassOut:
    """With the checks of a new class; its members are told by mail. Needs ``operations.change_groupclass``."""
    require_staff(request, "operations.change_groupclass")
    group_class = get_object_or_404(GroupClass, pk=class_id)
    services.class_reschedule(
        group_class=group_class,
        start_time=payload.start_time,
        end_time=payload.end_time,
        room=found(Room, payload.room),
        trainer=found(Trainer, payload.trainer),
    )
    return _class(group_class.pk)


@router.delete(
    "/classes/{class_id}",
    response={200: StaffClassCancelledOut, **PROBLEMS},
    operation_id="staff_class_cancel",
    url_name="staff_class_cancel",
    summary="Cancel a class and tell its members",
)
def class_cancel(request: HttpRequest, class_id: int) -> StaffClassCancelledOut:
    """The class is kept, cancelled; its registrations are cancelled and what was billed for them settled, as
    ``settlement`` says. Needs ``operations.change_groupclass``."""
    require_staff(request, "operations.change_groupclass")
    group_class = get_object_or_404(GroupClass, pk=class_id)
    outcome = services.class_cancel(group_class=group_class)
    return StaffClassCancelledOut(
        group_class=_class(group_class.pk), settlement=settlement_of(outcome), effects=effects_of(outcome)
    )


# -- registrations ----------------------------------------------------------------------------


def _registrations():
    return ClassRegistration.objects.select_related("member__user", "group_class__booking__room").annotate(
        place=selectors.waitlist_place()
    )


def _registration_row(registration: ClassRegistration) -> StaffRegistrationOut:
    return registration_out(registration, registration.place)  # type: ignore[attr-defined]


def _registration(pk: int) -> StaffRegistrationOut:
    return _registration_row(_registrations().get(pk=pk))


@router.get(
    "/registrations",
    response={200: list[StaffRegistrationOut], **PROBLEMS},
    operation_id="staff_registration_list",
    url_name="staff_registration_list",
    summary="Class registrations",
)
@paginate(LimitOffsetPagination)
def registration_list(
    request: HttpRequest,
    group_class: int | None = None,
    member: int | None = None,
    status: ClassRegistration.Status | None = None,
):
    """Newest first, each waitlisted one with its place. Needs ``operations.view_classregistration``."""
    require_staff(request, "operations.view_classregistration")
    registrations = _registrations().order_by("-registered_at", "-id")
    if group_class is not None:
        registrations = registrations.filter(group_class_id=group_class)
    if member is not None:
        registrations = registrations.filter(member_id=member)
    if status is not None:
        registrations = registrations.filter(status=status)
    return Converted(registrations, _registration_row)


@router.post(
    "/registrations",
    response={201: StaffRegistrationOut, **PROBLEMS},
    operation_id="staff_registration_create",
    url_name="staff_registration_create",
    summary="Register a member for a class",
)
def registration_create(request: HttpRequest, payload: StaffRegistrationIn) -> Status[StaffRegistrationOut]:
    """A seat, or a place on the waitlist when the class is full (``status`` and ``waitlist_place`` say which):
    a full class is not an error. Needs ``operations.add_classregistration``."""
    require_staff(request, "operations.add_classregistration")
    registration = services.class_register(
        member=found(Member, payload.member), group_class=found(GroupClass, payload.group_class)
    )
    return Status(201, _registration(registration.pk))


@router.delete(
    "/registrations/{registration_id}",
    response={200: StaffRegistrationCancelledOut, **PROBLEMS},
    operation_id="staff_registration_cancel",
    url_name="staff_registration_cancel",
    summary="Cancel a registration (the waitlist moves up)",
)
def registration_cancel(request: HttpRequest, registration_id: int) -> StaffRegistrationCancelledOut:
    """The registration is kept, cancelled; a freed seat goes to the first on the waitlist (``promoted``), and
    what was billed for it is settled (``settlement``). Needs ``operations.change_classregistration``."""
    require_staff(request, "operations.change_classregistration")
    registration = get_object_or_404(ClassRegistration, pk=registration_id)
    outcome = services.class_registration_cancel(registration=registration)
    return StaffRegistrationCancelledOut(
        registration=_registration(registration.pk),
        promoted=[promoted.pk for promoted in outcome.promoted],
        settlement=settlement_of(outcome),
        effects=effects_of(outcome),
    )
