"""Two-factor sign-in's pages, under /accounts/ in the accounts namespace (included by clubsite.accounts.urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("login/code/", views.CodeView.as_view(), name="two-factor-code"),
    path("two-factor/", views.SecurityView.as_view(), name="two-factor"),
    path("two-factor/set-up/", views.EnrolView.as_view(), name="two-factor-enrol"),
    path("two-factor/recovery-codes/", views.RecoveryCodesView.as_view(), name="two-factor-recovery-codes"),
    path("two-factor/turn-off/", views.DisableView.as_view(), name="two-factor-disable"),
]
