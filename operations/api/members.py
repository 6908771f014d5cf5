"""Finding a member, as the members admin's search does."""

from django.contrib import admin
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from clubsite.api.access import require_staff
from clubsite.api.pagination import Converted
from clubsite.api.schemas import PROBLEMS
from members.models import Member

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
def member_search(request: HttpRequest, q: str = ""):
    """Every word of ``q`` must be in the first name, last name, email or phone, as in the members admin's
    search (an empty ``q``: every member); by last and first name. Needs ``members.view_member``."""
    require_staff(request, "members.view_member")
    members = Member.objects.select_related("user").order_by("user__last_name", "user__first_name", "id")
    # The admin's own search, so both doors find the same people for the same words.
    members, duplicates = admin.site.get_model_admin(Member).get_search_results(request, members, q.strip())
    if duplicates:
        members = members.distinct()
    return Converted(members, _member_out)
