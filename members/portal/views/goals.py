"""The member's fitness goals: list with progress, add, edit, deactivate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from clubsite.pagination import paginate
from members.models import FitnessGoal, Member
from members.portal.forms import ConfirmForm, GoalForm
from members.selectors import member_goals, progress_of
from members.services import goal_create, goal_deactivate, goal_update

from ..mixins import MemberRequiredMixin
from .base import ServiceFormView


class GoalListView(MemberRequiredMixin, TemplateView):
    template_name = "members/goal_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, member_goals(member=self.member))
        context["page_obj"] = page
        context["goals"] = [progress_of(goal) for goal in page]
        return context


class GoalCreateView(ServiceFormView):
    template_name = "members/goal_form.html"
    form_class = GoalForm

    def perform(self, form):
        goal = goal_create(member=self.member, **form.cleaned_data)
        messages.success(self.request, f"Goal set: {goal}.")
        return redirect("members:goals")


class OwnGoalMixin:
    """The goal in the URL, if it is one of the signed-in member's; anyone else's is a 404."""

    member: Member  # set by MemberRequiredMixin
    kwargs: dict[str, Any]

    @cached_property
    def goal(self) -> FitnessGoal:
        return get_object_or_404(FitnessGoal.objects.filter(member=self.member), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["goal"] = self.goal
        return context


class GoalUpdateView(OwnGoalMixin, ServiceFormView):
    template_name = "members/goal_form.html"
    form_class = GoalForm

    def get_initial(self):
        return GoalForm.initial_for(self.goal)

    def perform(self, form):
        goal = goal_update(goal=self.goal, **form.cleaned_data)
        messages.success(self.request, f"Goal updated: {goal}.")
        return redirect("members:goals")


class GoalDeactivateView(OwnGoalMixin, ServiceFormView):
    template_name = "members/goal_deactivate.html"
    form_class = ConfirmForm

    def perform(self, form):
        goal = goal_deactivate(goal=self.goal)
        messages.success(self.request, f"Goal deactivated: {goal}. It stays in your history.")
        return redirect("members:goals")
