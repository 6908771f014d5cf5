"""The member's fitness goals: list with progress, add, edit, deactivate."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from members.forms import GOAL_ERROR_FIELDS, ConfirmForm, GoalForm
from members.models import FitnessGoal
from members.selectors import GoalProgress, member_goals
from members.services import goal_create, goal_deactivate, goal_update

from .base import MemberRequiredMixin, ServiceFormView, paginate


class GoalListView(MemberRequiredMixin, TemplateView):
    template_name = "members/goal_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, member_goals(member=self.member))
        context["page_obj"] = page
        context["goals"] = [
            GoalProgress(goal=goal, start_value=goal.start_value, current_value=goal.current_value) for goal in page
        ]
        return context


class GoalCreateView(ServiceFormView):
    template_name = "members/goal_form.html"
    form_class = GoalForm
    error_fields = GOAL_ERROR_FIELDS

    def perform(self, form):
        goal = goal_create(member=self.member, **form.cleaned_data)
        messages.success(self.request, f"Goal set: {goal}.")
        return redirect("members:goals")


class OwnGoalMixin:
    """The goal in the URL, if it is one of the signed-in member's; anyone else's is a 404."""

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
    error_fields = GOAL_ERROR_FIELDS

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
