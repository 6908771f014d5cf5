"""The member's personal details."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from members.portal.forms import ProfileForm
from members.services import member_update

from .base import ServiceFormView


class ProfileView(ServiceFormView):
    template_name = "members/profile_form.html"
    form_class = ProfileForm

    def get_initial(self):
        return ProfileForm.initial_for(self.member)

    def perform(self, form):
        member_update(member=self.member, **form.cleaned_data)
        messages.success(self.request, "Your details have been saved.")
        return redirect("members:profile")
