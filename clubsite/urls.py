"""Top-level URLs: the public home page, sign-in, the portals and the staff admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from clubsite import views

# Staff see their club's name on every admin page, not "Django administration".
admin.site.site_header = f"{settings.CLUB_NAME} · back office"
admin.site.site_title = f"{settings.CLUB_NAME} back office"
admin.site.index_title = "Today at the club"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("accounts/", include("clubsite.accounts.urls")),
    path("member/", include("members.portal.urls")),
    path("trainer/", include("trainers.portal.urls")),
    path("admin/", admin.site.urls),
]
