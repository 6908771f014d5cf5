from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .twofactor.urls import urlpatterns as two_factor_urls
from .twofactor.views import SignInView

app_name = "accounts"

urlpatterns = [
    # The password step; a person with two-factor sign-in goes on to the code step (clubsite.accounts.twofactor).
    path("login/", SignInView.as_view(), name="login"),
    *two_factor_urls,
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("landing/", views.landing, name="landing"),
    path("signup/", views.SignUpView.as_view(), name="signup"),
    path("signup/sent/", views.sign_up_sent, name="signup-sent"),
    path("signup/confirm/<uidb64>/<token>/", views.SignUpConfirmView.as_view(), name="signup-confirm"),
    path("tokens/", views.AccessTokenListView.as_view(), name="tokens"),
    path("tokens/<int:pk>/revoke/", views.AccessTokenRevokeView.as_view(), name="token-revoke"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
]
