"""The member's personal details."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect

from clubsite.calendars.links import feed_links
from clubsite.calendars.services import calendar_feed_for
from clubsite.notifications.forms import ReminderForm
from members.portal.forms import ProfileForm
from members.services import member_set_reminders, member_update

from .base import ServiceFormView


class ProfileView(ServiceFormView):
    template_name = "members/profile_form.html"
    form_class = ProfileForm

    def get_initial(self):
        return ProfileForm.initial_for(self.member)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The calendar feed's address: one query, the feed made on the first visit.
        context["calendar"] = feed_links(self.request, calendar_feed_for(user=self.member.user))
        context["next"] = self.request.path
        context.setdefault("reminders", ReminderForm(initial=ReminderForm.initial_for(self.member)))
        context["reminder_hours"] = settings.CLUB_REMINDER_HOURS
        return context

    def perform(self, form):
        member_update(member=self.member, **form.cleaned_data)
        messages.success(self.request, "Your details have been saved.")
        return redirect("members:profile")


class RemindersView(ServiceFormView):
    """The reminder choices, a form of their own on the profile page (the profile's fields stay as typed)."""

    template_name = "members/profile_form.html"
    form_class = ReminderForm
    http_method_names = ["post"]

    def form_invalid(self, form):
        return redirect("members:profile")

    def perform(self, form):
        member_set_reminders(
            member=self.member,
            classes=form.cleaned_data["remind_classes"],
            pt_sessions=form.cleaned_data["remind_pt_sessions"],
        )
        messages.success(self.request, "Your reminder choices have been saved.")
        return redirect("members:profile")
