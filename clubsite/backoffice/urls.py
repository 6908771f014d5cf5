"""The back office's own pages (under /admin/, signed in as staff like every admin page)."""

from django.contrib.admin import site
from django.urls import path

from . import billing_runs

app_name = "backoffice"

urlpatterns = [
    path("", site.admin_view(billing_runs.billing_runs_view), name="billing-runs"),
    path("again/", site.admin_view(billing_runs.billing_run_again_view), name="billing-run-again"),
]
