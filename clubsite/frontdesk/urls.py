"""The front desk, under the staff site (/admin/desk/), signed in as staff like every admin page."""

from django.contrib.admin import site
from django.urls import path

from . import views

app_name = "frontdesk"

urlpatterns = [
    path("", site.admin_view(views.desk_view), name="desk"),
    path("members/<int:member_id>/", site.admin_view(views.member_page_view), name="member"),
    path("members/<int:member_id>/visits/", site.admin_view(views.member_visits_view), name="member-visits"),
]
