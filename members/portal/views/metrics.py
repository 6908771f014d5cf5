"""The member's health metrics: the history with its charts, and logging a new entry."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import TemplateView

from clubsite.pagination import paginate
from members.charts import metric_charts
from members.errors import MemberError
from members.models import HealthMetric
from members.portal.forms import ConfirmForm, MetricForm, club_now_input
from members.selectors import metric_chart_entries, metric_history, metrics_consent_in_force
from members.services import metric_record, metrics_consent_give, metrics_consent_withdraw, metrics_erase

from ..mixins import MemberRequiredMixin
from .base import ServiceFormView

CHART_ENTRIES = 120
#: Why the page shows no form, read from the errors table (the service's refusal says the same).
CONSENT_MISSING = MemberError.messages["metrics_consent_missing"].text


class MetricHistoryView(MemberRequiredMixin, TemplateView):
    template_name = "members/metric_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_obj"] = paginate(self.request, metric_history(member=self.member))
        chart_entries = metric_chart_entries(member=self.member, limit=CHART_ENTRIES)
        context["charts"] = metric_charts(chart_entries)
        context["chart_entries"] = len(chart_entries)
        context["chart_limit"] = CHART_ENTRIES
        context["consent"] = metrics_consent_in_force(member=self.member)
        context["consent_missing_message"] = CONSENT_MISSING
        return context


class MetricCreateView(ServiceFormView):
    template_name = "members/metric_form.html"
    form_class = MetricForm

    def get_initial(self):
        return {"recorded_at": club_now_input()}

    def get_context_data(self, **kwargs):
        # Without consent the page says why nothing can be logged and how to consent, instead of the form.
        context = super().get_context_data(**kwargs)
        context["consent"] = metrics_consent_in_force(member=self.member)
        context["consent_missing_message"] = CONSENT_MISSING
        return context

    def perform(self, form):
        metric_record(member=self.member, **form.cleaned_data)
        messages.success(self.request, "Your measurement has been saved.")
        return redirect("members:metrics")


class MetricsConsentView(ServiceFormView):
    """Give consent to processing health metrics (the button on the metrics page)."""

    template_name = "members/metrics_consent.html"
    form_class = ConfirmForm

    def perform(self, form):
        metrics_consent_give(member=self.member)
        messages.success(self.request, "Thank you: your consent is recorded. You can log measurements now.")
        return redirect("members:metrics")


class MetricsConsentWithdrawView(ServiceFormView):
    """Withdraw the consent: no measurement is recorded any more; then the page asks about the stored ones."""

    template_name = "members/metrics_consent_withdraw.html"
    form_class = ConfirmForm

    def perform(self, form):
        metrics_consent_withdraw(member=self.member)
        messages.success(self.request, "Your consent is withdrawn: no more measurements will be recorded.")
        if HealthMetric.objects.filter(member=self.member).exists():
            return redirect("members:metrics-erase")
        return redirect("members:metrics")


class MetricsEraseView(ServiceFormView):
    """Confirm deleting every stored measurement (after the consent was withdrawn): they are gone for good."""

    template_name = "members/metrics_erase.html"
    form_class = ConfirmForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["consent"] = metrics_consent_in_force(member=self.member)
        context["stored"] = HealthMetric.objects.filter(member=self.member).count()
        return context

    def perform(self, form):
        deleted = metrics_erase(member=self.member)
        messages.success(self.request, f"Deleted: {deleted} stored measurement{'' if deleted == 1 else 's'}.")
        return redirect("members:metrics")
