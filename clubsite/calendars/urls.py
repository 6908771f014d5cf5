"""Calendar feeds and single-event downloads, mounted at /calendar/."""

from django.urls import path

from . import views

app_name = "calendars"

urlpatterns = [
    # Read by calendar apps, which cannot sign in: the token in the address is the key.
    path("<str:token>.ics", views.feed, name="feed"),
    path("link/rotate/", views.RotateView.as_view(), name="rotate"),
    path("trainer/", views.TrainerCalendarView.as_view(), name="trainer"),
    path("member/classes/<int:pk>.ics", views.MemberRegistrationEventView.as_view(), name="member-registration"),
    path("member/sessions/<int:pk>.ics", views.MemberSessionEventView.as_view(), name="member-session"),
    path("trainer/classes/<int:pk>.ics", views.TrainerClassEventView.as_view(), name="trainer-class"),
    path("trainer/sessions/<int:pk>.ics", views.TrainerSessionEventView.as_view(), name="trainer-session"),
]
