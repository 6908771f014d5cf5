"""The member's home page."""

from __future__ import annotations

from django.views.generic import TemplateView

from members.portal.selectors import member_dashboard

from ..mixins import MemberRequiredMixin


class DashboardView(MemberRequiredMixin, TemplateView):
    template_name = "members/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dashboard = member_dashboard(member=self.member)
        metrics = dashboard.metrics
        context["dashboard"] = dashboard
        context["stats"] = [
            {
                "label": label,
                "unit": unit,
                "value": getattr(metrics.latest, field, None),
                "change": metrics.change(field),
            }
            for field, label, unit in (
                ("weight", "Weight", "kg"),
                ("heart_rate", "Resting heart rate", "bpm"),
                ("body_fat", "Body fat", "%"),
            )
        ]
        return context
