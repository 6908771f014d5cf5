"""The privacy notice (public) and a member's own data: the export and erasure (under /member/, like the portal)."""

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.PrivacyNoticeView.as_view(), name="notice"),
    path("member/privacy/", views.MyDataView.as_view(), name="mine"),
    path("member/privacy/export/", views.ExportView.as_view(), name="export"),
    path("member/privacy/erasure/", views.ErasureRequestView.as_view(), name="erasure-request"),
    path("member/privacy/erasure/cancel/", views.ErasureCancelView.as_view(), name="erasure-cancel"),
]
