"""Who may open the member portal: signed-in people with a member profile."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from clubsite.accounts.roles import is_member
from clubsite.portal import PortalRequiredMixin
from members.models import Member

NOT_A_MEMBER = "The member pages are for the club's members."


class MemberRequiredMixin(PortalRequiredMixin):
    """Anonymous visitors are sent to sign in; a signed-in person without a member profile gets 403.

    Sets ``self.member`` (the signed-in member), which limits every queryset of the view to their rows.
    """

    portal_role = is_member
    permission_denied_message = NOT_A_MEMBER

    member: Member

    def enter_portal(self, request: HttpRequest) -> None:
        self.member = request.user.member  # type: ignore[union-attr]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["member"] = self.member
        return context
