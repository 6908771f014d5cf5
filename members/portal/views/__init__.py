"""The member portal's pages: each module holds the pages of one part of it."""

from .classes import ClassRegisterView, RegistrationCancelView, TimetableView
from .dashboard import DashboardView
from .goals import GoalCreateView, GoalDeactivateView, GoalListView, GoalUpdateView
from .invoices import InvoiceDetailView, InvoiceListView
from .metrics import MetricCreateView, MetricHistoryView
from .profile import ProfileView, RemindersView
from .training import SessionBookView, SessionCancelView, SessionRescheduleView, TrainingView

__all__ = [
    "ClassRegisterView",
    "DashboardView",
    "GoalCreateView",
    "GoalDeactivateView",
    "GoalListView",
    "GoalUpdateView",
    "InvoiceDetailView",
    "InvoiceListView",
    "MetricCreateView",
    "MetricHistoryView",
    "ProfileView",
    "RemindersView",
    "RegistrationCancelView",
    "SessionBookView",
    "SessionCancelView",
    "SessionRescheduleView",
    "TimetableView",
    "TrainingView",
]
