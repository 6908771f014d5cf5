"""The public pages: the home page (what the club offers this week and how to join) and the plans on offer."""

from datetime import timedelta

from django.utils import timezone
from django.views.generic import TemplateView

from billing.models import MembershipPlan
from clubsite.core.clock import club_today
from members.portal.plans import first_invoice
from members.portal.selectors import packs_on_sale
from operations.selectors import class_timetable

TIMETABLE_DAYS = 7
# A taste of the week, whatever the size of the club; the full timetable is one click away.
HOME_CLASSES = 30


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context["classes"] = class_timetable(start=now, end=now + timedelta(days=TIMETABLE_DAYS))[:HOME_CLASSES]
        context["timetable_days"] = TIMETABLE_DAYS
        return context


class PlansView(TemplateView):
    """Every plan on offer with its fees and terms, what joining today costs, and the class packs on sale."""

    template_name = "plans.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = club_today()
        plans = MembershipPlan.objects.filter(is_active=True).order_by("monthly_fee", "name")
        context["plans"] = [first_invoice(plan, today) for plan in plans]
        context["packs"] = packs_on_sale()
        return context
