"""Finding a member, with the members admin's search (``members.selectors.member_staff_search``)."""

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from clubsite.api.access import require_staff
from clubsite.api.pagination import Converted
from clubsite.api.schemas import PROBLEMS
from members.models import Member
from members.selectors import member_staff_search

from .schemas import StaffMemberOut

router = Router()


def _member_out(member: Member) -> StaffMemberOut:
    user = member.user
    return StaffMemberOut(
        id=member.pk,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        phone=member.phone,
        date_of_birth=member.date_of_birth,
        gender=member.gender,
    )


@router.get(
    "/members",
    response={200: list[StaffMemberOut], **PROBLEMS},
    operation_id="staff_member_search",
    url_name="staff_member_search",
    summary="Find members by name, email or phone",
)
@paginate(LimitOffsetPagination)
def member_search(request: HttpRequest, q: str = Query("", max_length=100)):
    """Every word of ``q`` must be in the first name, last name, email or phone, as in the members admin's
    search (an empty ``q``: every member); by last and first name. Needs ``members.view_member``."""
    require_staff(request, "members.view_member")
    members = member_staff_search(term=q).select_related("user")
    return Converted(members.order_by("user__last_name", "user__first_name", "id"), _member_out)
