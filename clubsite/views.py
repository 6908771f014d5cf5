"""The public pages: the home page (what the club offers this week and how to join) and the plans on offer."""

from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from billing.models import MembershipPlan
from clubsite.accounts.roles import is_member, is_staff_member, is_trainer
from clubsite.core.clock import club_today
from members.portal.plans import first_invoice
from members.portal.selectors import packs_on_sale
from operations.selectors import class_timetable

TIMETABLE_DAYS = 7
# A taste of the week, whatever the size of the club; the full timetable is one click away.
HOME_CLASSES = 30


@dataclass(frozen=True)
class Link:
    text: str
    url: str


def classes_link(user) -> Link:
    """Where the timetable leads this person: members (and visitors, through sign-in) book; a trainer opens their
    schedule and staff the back office's classes, pages they may open, never the member portal's 403."""
    if is_member(user) or not user.is_authenticated:
        return Link("See the full timetable and book a class", reverse("members:timetable"))
    if is_trainer(user):
        return Link("See your classes in your schedule", reverse("trainers:schedule"))
    if is_staff_member(user) and user.has_perm("operations.view_groupclass"):
        return Link("See the classes in the back office", reverse("admin:operations_groupclass_changelist"))
    if is_staff_member(user):
        return Link("Open the back office", reverse("admin:index"))
    return Link("Become a member to book a class", reverse("plans"))


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context["classes"] = class_timetable(start=now, end=now + timedelta(days=TIMETABLE_DAYS))[:HOME_CLASSES]
        context["timetable_days"] = TIMETABLE_DAYS
        context["classes_link"] = classes_link(self.request.user)
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
