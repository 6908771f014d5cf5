"""The member's health metrics: the history with its charts, and logging a new entry."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import TemplateView

from clubsite.pagination import paginate
from members.charts import metric_charts
from members.portal.forms import MetricForm, club_now_input
from members.selectors import metric_chart_entries, metric_history
from members.services import metric_record

from ..mixins import MemberRequiredMixin
from .base import ServiceFormView

CHART_ENTRIES = 120


class MetricHistoryView(MemberRequiredMixin, TemplateView):
    template_name = "members/metric_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_obj"] = paginate(self.request, metric_history(member=self.member))
        chart_entries = metric_chart_entries(member=self.member, limit=CHART_ENTRIES)
        context["charts"] = metric_charts(chart_entries)
        context["chart_entries"] = len(chart_entries)
        context["chart_limit"] = CHART_ENTRIES
        return context


class MetricCreateView(ServiceFormView):
    template_name = "members/metric_form.html"
    form_class = MetricForm

    def get_initial(self):
        return {"recorded_at": club_now_input()}

    def perform(self, form):
        metric_record(member=self.member, **form.cleaned_data)
        messages.success(self.request, "Your measurement has been saved.")
        return redirect("members:metrics")
