"""Top-level URLs: the public home page, sign-in, the portals and the staff admin."""

from django.contrib import admin
from django.urls import include, path

from clubsite import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("accounts/", include("clubsite.accounts.urls")),
    path("member/", include("members.urls")),
    path("trainer/", include("trainers.urls")),
    path("admin/", admin.site.urls),
]
