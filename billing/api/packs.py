"""The class packs the club sells, as the billing admin has them: the same permissions, the same services."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from billing import services
from billing.models import ClassPack
from clubsite.api.access import require_staff
from clubsite.api.pagination import Converted
from clubsite.api.schemas import PROBLEMS

from .schemas import StaffClassPackIn, StaffClassPackOut

router = Router()


def _pack_out(pack: ClassPack) -> StaffClassPackOut:
    return StaffClassPackOut.from_orm(pack)


@router.get(
    "/class-packs",
    response={200: list[StaffClassPackOut], **PROBLEMS},
    operation_id="staff_class_pack_list",
    url_name="staff_class_pack_list",
    summary="Class packs",
)
@paginate(LimitOffsetPagination)
def class_pack_list(request: HttpRequest, is_active: bool | None = None):
    """Every pack, fewest credits first; ``is_active`` for only those on sale (or no longer on sale).
    Needs ``billing.view_classpack``."""
    require_staff(request, "billing.view_classpack")
    packs = ClassPack.objects.order_by("credits", "price", "name", "id")
    if is_active is not None:
        packs = packs.filter(is_active=is_active)
    return Converted(packs, _pack_out)


@router.post(
    "/class-packs",
    response={201: StaffClassPackOut, **PROBLEMS},
    operation_id="staff_class_pack_create",
    url_name="staff_class_pack_create",
    summary="Put a class pack on sale",
)
def class_pack_create(request: HttpRequest, payload: StaffClassPackIn) -> Status[StaffClassPackOut]:
    """A pack's name is unique, regardless of case (``pack_name_taken``); 1 to 100 credits
    (``pack_credits_invalid``), valid 1 to 730 days (``pack_valid_days_invalid``). Needs ``billing.add_classpack``."""
    require_staff(request, "billing.add_classpack")
    return Status(201, _pack_out(services.class_pack_create(**payload.dict())))


@router.put(
    "/class-packs/{pack_id}",
    response={200: StaffClassPackOut, **PROBLEMS},
    operation_id="staff_class_pack_update",
    url_name="staff_class_pack_update",
    summary="Change a class pack",
)
def class_pack_update(request: HttpRequest, pack_id: int, payload: StaffClassPackIn) -> StaffClassPackOut:
    """Packs bought already keep the credits and expiry they were bought with; a pack no longer on sale cannot be
    bought. Needs ``billing.change_classpack``."""
    require_staff(request, "billing.change_classpack")
    pack = get_object_or_404(ClassPack, pk=pack_id)
    return _pack_out(services.class_pack_update(pack=pack, **payload.dict()))
