"""The member portal's pages: each module holds the pages of one part of it."""

from .classes import (
    ClassDetailView,
    ClassRegisterView,
    OfferAcceptView,
    OfferDeclineView,
    RegistrationCancelView,
    TimetableView,
    WeekView,
)
from .dashboard import DashboardView
from .goals import GoalCreateView, GoalDeactivateView, GoalListView, GoalUpdateView
from .invoices import InvoiceDetailView, InvoiceListView
from .membership import (
    FreezeEndView,
    FreezeView,
    MembershipCancelView,
    MembershipCancelWithdrawView,
    MembershipChangeView,
    MembershipJoinView,
    MembershipView,
)
from .metrics import (
    MetricCreateView,
    MetricHistoryView,
    MetricsConsentView,
    MetricsConsentWithdrawView,
    MetricsEraseView,
)
from .packs import PackBuyView, PacksView
from .profile import ProfileView, RemindersView
from .training import SessionBookView, SessionCancelView, SessionRescheduleView, TrainingView

__all__ = [
    "ClassDetailView",
    "ClassRegisterView",
    "DashboardView",
    "FreezeEndView",
    "FreezeView",
    "GoalCreateView",
    "GoalDeactivateView",
    "GoalListView",
    "GoalUpdateView",
    "InvoiceDetailView",
    "InvoiceListView",
    "MembershipCancelView",
    "MembershipCancelWithdrawView",
    "MembershipChangeView",
    "MembershipJoinView",
    "MembershipView",
    "MetricCreateView",
    "MetricHistoryView",
    "MetricsConsentView",
    "MetricsConsentWithdrawView",
    "MetricsEraseView",
    "OfferAcceptView",
    "OfferDeclineView",
    "PackBuyView",
    "PacksView",
    "ProfileView",
    "RemindersView",
    "RegistrationCancelView",
    "SessionBookView",
    "SessionCancelView",
    "SessionRescheduleView",
    "TimetableView",
    "TrainingView",
    "WeekView",
]
