"""The trainer portal, under /trainer/."""

from django.urls import path

from . import views

app_name = "trainers"

urlpatterns = [
    path("", views.ScheduleWeekView.as_view(), name="schedule"),
    path("schedule/list/", views.ScheduleListView.as_view(), name="schedule-list"),
    path("availability/", views.AvailabilityListView.as_view(), name="availability"),
    path("availability/add/", views.AvailabilityCreateView.as_view(), name="availability-create"),
    path("availability/<int:pk>/edit/", views.AvailabilityUpdateView.as_view(), name="availability-update"),
    path("availability/<int:pk>/remove/", views.AvailabilityDeleteView.as_view(), name="availability-delete"),
    path("availability/template/", views.WeeklyTemplateView.as_view(), name="availability-template"),
    path("availability/template/apply/", views.TemplateApplyView.as_view(), name="availability-template-apply"),
    path(
        "availability/template/<int:pk>/remove/",
        views.WeeklySlotDeleteView.as_view(),
        name="availability-template-remove",
    ),
    path("time-off/", views.TimeOffView.as_view(), name="time-off"),
    path("time-off/<int:pk>/remove/", views.TimeOffDeleteView.as_view(), name="time-off-remove"),
    path("classes/<int:pk>/", views.ClassDetailView.as_view(), name="class-detail"),
    path("sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session-detail"),
    path("sessions/<int:pk>/notes/", views.SessionNotesView.as_view(), name="session-notes"),
    path("members/", views.MemberLookupView.as_view(), name="member-lookup"),
    path("members/<int:pk>/", views.MemberProfileView.as_view(), name="member-profile"),
    path("equipment/report/", views.EquipmentIssueView.as_view(), name="equipment-issue"),
]
