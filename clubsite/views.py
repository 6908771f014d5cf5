"""The public home page: what the club offers this week and how to join."""

from datetime import timedelta

from django.utils import timezone
from django.views.generic import TemplateView

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
