"""The privacy notice, and a member's page of their data: download it all, ask to be erased (or call it off)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from members.portal.forms import ConfirmForm
from members.portal.mixins import MemberRequiredMixin
from members.portal.views.base import ServiceFormView
from members.selectors import metrics_consent_in_force

from .errors import PrivacyError
from .export import export_filename, export_zip, installed_tables
from .models import ErasureRequest
from .services import erasure_blockers, erasure_cancel, erasure_request, is_erased


class PrivacyNoticeView(TemplateView):
    template_name = "privacy/notice.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            notice_version=settings.CLUB_PRIVACY_NOTICE_VERSION,
            retention_years=settings.CLUB_BILLING_RETENTION_YEARS,
            inactive_years=settings.CLUB_INACTIVE_ACCOUNT_YEARS,
            contact_email=settings.CLUB_CONTACT_EMAIL,
            tables=installed_tables(),
        )
        return context


@method_decorator(never_cache, name="dispatch")
class MyDataView(MemberRequiredMixin, TemplateView):
    template_name = "privacy/mine.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["pending"] = ErasureRequest.objects.filter(
            member=self.member, status=ErasureRequest.Status.PENDING
        ).first()
        context["consent"] = metrics_consent_in_force(member=self.member)
        context["blockers"] = [error.message for error in erasure_blockers(member=self.member)]
        context["notice_version"] = settings.CLUB_PRIVACY_NOTICE_VERSION
        return context


@method_decorator(never_cache, name="dispatch")
class ExportView(MemberRequiredMixin, TemplateView):
    """GET: the zip of everything (nothing changes, so a plain link downloads it)."""

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_erased(self.member):
            messages.error(request, PrivacyError("member_erased").message)
            return redirect("privacy:mine")
        response = HttpResponse(export_zip(member=self.member), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{export_filename(self.member)}"'
        return response


@method_decorator(never_cache, name="dispatch")
class ErasureRequestView(ServiceFormView):
    template_name = "privacy/erasure_request.html"
    form_class = ConfirmForm

    def perform(self, form: Any) -> HttpResponse:
        erasure_request(member=self.member)
        messages.success(
            self.request,
            "Your request to be erased is recorded. Staff will carry it out and mail you when it is done; "
            "until then you can call it off on this page.",
        )
        return redirect("privacy:mine")


@method_decorator(never_cache, name="dispatch")
class ErasureCancelView(ServiceFormView):
    template_name = "privacy/erasure_cancel.html"
    form_class = ConfirmForm

    def perform(self, form: Any) -> HttpResponse:
        erasure_cancel(member=self.member)
        messages.success(self.request, "Your request to be erased is called off. Your account stays as it is.")
        return redirect("privacy:mine")
