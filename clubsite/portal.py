"""What every portal page shares: who may open it. One mixin, told which role the portal is for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase


class PortalRequiredMixin(LoginRequiredMixin):
    """Anonymous visitors are sent to sign in; a signed-in person without the portal's role gets 403.

    A portal sets ``portal_role`` (a test of the user, from ``clubsite.accounts.roles``) and
    ``permission_denied_message`` (templates/403.html shows it, with a way back), and may override
    ``enter_portal`` to keep the person's profile on the view before the page runs.
    """

    portal_role: ClassVar[Callable[[Any], bool]]
    permission_denied_message = "This page is not for your account."

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not type(self).portal_role(request.user):
            raise PermissionDenied(self.get_permission_denied_message())
        self.enter_portal(request)
        return super().dispatch(request, *args, **kwargs)

    def enter_portal(self, request: HttpRequest) -> None:
        """Called once the person is let in, before the view's own dispatch."""
