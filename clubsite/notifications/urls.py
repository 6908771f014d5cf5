from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("preferences/<str:token>/", views.ReminderPreferencesView.as_view(), name="preferences"),
]
