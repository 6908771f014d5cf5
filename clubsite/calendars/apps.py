from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "clubsite.calendars"
    label = "calendars"
    verbose_name = "Calendar feeds"
