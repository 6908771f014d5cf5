"""Top-level URLs: the public home page, sign-in, the portals and the staff admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from clubsite import health, views
from clubsite.api import views as api_views
from clubsite.api.main import api

# Staff see their club's name on every admin page, not "Django administration".
admin.site.site_header = f"{settings.CLUB_NAME} · back office"
admin.site.site_title = f"{settings.CLUB_NAME} back office"
admin.site.index_title = "Today at the club"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("health/", health.health, name="health"),
    path("plans/", views.PlansView.as_view(), name="plans"),
    path("accounts/", include("clubsite.accounts.urls")),
    # The privacy notice, and a member's export and erasure request (/member/privacy/...).
    path("", include("clubsite.privacy.urls")),
    path("member/", include("members.portal.urls")),
    path("trainer/", include("trainers.portal.urls")),
    path("mail/", include("clubsite.notifications.urls")),
    path("calendar/", include("clubsite.calendars.urls")),
    path("admin/billing-runs/", include("clubsite.backoffice.urls")),
    path("admin/desk/", include("clubsite.frontdesk.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", api_views.docs, name="api-docs"),
    re_path(r"^api/", api_views.not_found),
    path("docs", RedirectView.as_view(pattern_name="api-docs"), name="docs"),
]

# A 403 under /admin/ stays in the back office's layout; elsewhere it is the site's (templates/403.html).
handler403 = "clubsite.backoffice.denied.permission_denied"
# An error because the database is down is a 503 with Retry-After (clubsite.health), any other the 500 page.
handler500 = "clubsite.health.server_error"
