"""The page a reminder's "choose which reminders you get" link opens: no sign-in, the signed link is the key."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from members.models import Member
from members.services import member_set_reminders

from .forms import ReminderForm
from .mail import member_of_preferences_token


@method_decorator(never_cache, name="dispatch")
class ReminderPreferencesView(FormView):
    template_name = "notifications/preferences.html"
    form_class = ReminderForm

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        member_id = member_of_preferences_token(str(kwargs["token"]))
        member = Member.objects.filter(pk=member_id).first() if member_id is not None else None
        if member is None:
            raise Http404("This link is not valid.")
        self.member = member
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, object]:
        return dict(ReminderForm.initial_for(self.member))

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        return super().get_context_data(member=self.member, hours=settings.CLUB_REMINDER_HOURS, **kwargs)

    def form_valid(self, form: ReminderForm) -> HttpResponse:
        member_set_reminders(
            member=self.member,
            classes=form.cleaned_data["remind_classes"],
            pt_sessions=form.cleaned_data["remind_pt_sessions"],
        )
        messages.success(self.request, "Your reminder choices are saved.")
        return redirect(self.request.path)
