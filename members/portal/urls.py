"""The member portal, mounted at /member/."""

from django.urls import path

from . import views
from .views import card

app_name = "members"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/reminders/", views.RemindersView.as_view(), name="reminders"),
    path("goals/", views.GoalListView.as_view(), name="goals"),
    path("goals/new/", views.GoalCreateView.as_view(), name="goal-create"),
    path("goals/<int:pk>/edit/", views.GoalUpdateView.as_view(), name="goal-update"),
    path("goals/<int:pk>/deactivate/", views.GoalDeactivateView.as_view(), name="goal-deactivate"),
    path("metrics/", views.MetricHistoryView.as_view(), name="metrics"),
    path("metrics/new/", views.MetricCreateView.as_view(), name="metric-create"),
    path("metrics/consent/", views.MetricsConsentView.as_view(), name="metrics-consent"),
    path("metrics/consent/withdraw/", views.MetricsConsentWithdrawView.as_view(), name="metrics-consent-withdraw"),
    path("metrics/erase/", views.MetricsEraseView.as_view(), name="metrics-erase"),
    path("classes/", views.TimetableView.as_view(), name="timetable"),
    path("classes/week/", views.WeekView.as_view(), name="timetable-week"),
    path("classes/<int:pk>/", views.ClassDetailView.as_view(), name="class-detail"),
    path("classes/<int:pk>/register/", views.ClassRegisterView.as_view(), name="class-register"),
    path(
        "classes/registrations/<int:pk>/cancel/",
        views.RegistrationCancelView.as_view(),
        name="registration-cancel",
    ),
    path("classes/registrations/<int:pk>/accept/", views.OfferAcceptView.as_view(), name="offer-accept"),
    path("classes/registrations/<int:pk>/decline/", views.OfferDeclineView.as_view(), name="offer-decline"),
    path("training/", views.TrainingView.as_view(), name="training"),
    path("training/trainers/<int:pk>/", views.SessionBookView.as_view(), name="pt-book"),
    path("training/sessions/<int:pk>/reschedule/", views.SessionRescheduleView.as_view(), name="pt-reschedule"),
    path("training/sessions/<int:pk>/cancel/", views.SessionCancelView.as_view(), name="pt-cancel"),
    path("invoices/", views.InvoiceListView.as_view(), name="invoices"),
    path("invoices/<int:pk>/", views.InvoiceDetailView.as_view(), name="invoice-detail"),
    path("invoices/<int:pk>/pdf/", views.invoices.InvoicePdfView.as_view(), name="invoice-pdf"),
    path("membership/", views.MembershipView.as_view(), name="membership"),
    path("membership/join/<int:plan>/", views.MembershipJoinView.as_view(), name="membership-join"),
    path("membership/change/<int:plan>/", views.MembershipChangeView.as_view(), name="membership-change"),
    path("membership/cancel/", views.MembershipCancelView.as_view(), name="membership-cancel"),
    path(
        "membership/cancel/withdraw/", views.MembershipCancelWithdrawView.as_view(), name="membership-cancel-withdraw"
    ),
    path("membership/freeze/", views.FreezeView.as_view(), name="membership-freeze"),
    path("membership/freezes/<int:pk>/end/", views.FreezeEndView.as_view(), name="freeze-end"),
    path("packs/", views.PacksView.as_view(), name="packs"),
    path("packs/<int:pk>/buy/", views.PackBuyView.as_view(), name="pack-buy"),
    path("card/", card.CardView.as_view(), name="card"),
    path("card/sw.js", card.card_worker, name="card-worker"),
    path("card/new-code/", card.CardRotateView.as_view(), name="card-rotate"),
]
