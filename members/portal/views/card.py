"""The member's card: their name, member number and a QR code of their card code, for the front desk's scanner.

The page holds everything it shows (the QR is inline SVG), so a small service worker (``card_worker``, scoped to
/member/card/) can keep it and open it with no network: at the door, in a basement with no signal.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.views import View
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from members.qr import card_qr_svg
from members.services import member_card_rotate

from ..mixins import MemberRequiredMixin

#: The worker's cache: a new name (a new version of the page's kit) drops what the old one kept.
CARD_CACHE = "member-card-v1"


class CardView(MemberRequiredMixin, TemplateView):
    template_name = "members/card.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["qr"] = card_qr_svg(self.member)
        return context

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **response_kwargs)
        # The card is the member's own: never kept by a shared cache on the way (the worker keeps its copy).
        response["Cache-Control"] = "private, no-cache"
        return response


class CardRotateView(MemberRequiredMixin, View):
    """A new card code (a lost phone): the old QR finds nobody any more."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        member_card_rotate(member=self.member)
        messages.success(request, "Your card has a new code. The old one no longer works at the desk.")
        return redirect("members:card")


@require_GET
def card_worker(request: HttpRequest) -> HttpResponse:
    """The service worker that keeps the card for offline use. Served from /member/card/ so that its scope is
    the card's pages (a worker may control only the path it is served under); it holds no one's data, so
    anyone may fetch it."""
    script = render_to_string("members/card_sw.js", {"cache_name": CARD_CACHE})
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    # Browsers check for a new worker on each visit; no cache in between may hold an old one.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = request.path.rsplit("/", 1)[0] + "/"
    return response
