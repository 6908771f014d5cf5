"""Every registered ModelAdmin opens for a superuser: its list, a search, the add page and a change page,
and its list costs as many queries for four rows as for one (no query per row).

A model registered in the admin without an entry in ROWS fails here: give it one (a factory from its app's
tests/factories.py, or a plain create for a library's model).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import Client, RequestFactory
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from billing.models import (
    BillingRun,
    ClassPack,
    CreditPack,
    Invoice,
    InvoiceLine,
    Membership,
    MembershipFreeze,
    MembershipPlan,
    Payment,
)
from billing.tests.factories import (
    BillingRunFactory,
    ClassPackFactory,
    CreditPackFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    MembershipFactory,
    MembershipFreezeFactory,
    MembershipPlanFactory,
    PaymentFactory,
)
from clubsite.accounts.models import AccessToken, User
from clubsite.accounts.services import token_create
from clubsite.accounts.tests.factories import UserFactory
from clubsite.audit.models import AuditEvent
from clubsite.frontdesk.models import StaffNote, Visit
from clubsite.frontdesk.tests.factories import StaffNoteFactory, VisitFactory
from clubsite.jobs.models import FailedJob
from clubsite.privacy.models import ErasureRequest
from clubsite.privacy.tests.factories import ErasureRequestFactory
from clubsite.testing.admin import query_count
from clubsite.testing.jobs import failed_job
from clubsite.webhooks.models import WebhookDelivery, WebhookEndpoint
from clubsite.webhooks.tests.factories import WebhookDeliveryFactory, WebhookEndpointFactory
from members.models import FitnessGoal, HealthMetric, Member
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory, MemberFactory
from operations.models import (
    AdminStaff,
    Booking,
    ClassRegistration,
    Equipment,
    GroupClass,
    MaintenanceRecord,
    PersonalTrainingSession,
    Room,
)
from operations.tests.factories import (
    AdminStaffFactory,
    BookingFactory,
    ClassRegistrationFactory,
    EquipmentFactory,
    GroupClassFactory,
    MaintenanceRecordFactory,
    PersonalTrainingSessionFactory,
    RoomFactory,
)
from trainers.models import TimeOff, Trainer, TrainerAvailability, WeeklySlot
from trainers.tests.factories import TimeOffFactory, TrainerAvailabilityFactory, TrainerFactory, WeeklySlotFactory

pytestmark = pytest.mark.django_db


def _sign_in_attempt(model: type[AccessAttempt] | type[AccessLog] | type[AccessFailureLog]) -> Callable[[], Model]:
    """A row of django-axes' sign-in records, as a failed or a successful sign-in leaves it."""
    extra = {"get_data": "", "post_data": "", "failures_since_start": 1} if model is AccessAttempt else {}

    def make() -> Model:
        count = model.objects.count()
        return model.objects.create(
            username=f"someone{count}@example.com",
            ip_address=f"10.0.0.{count + 1}",
            user_agent="pytest",
            http_accept="text/html",
            path_info="/accounts/login/",
            **extra,
        )

    return make


#: One new row of each model registered in the admin.
ROWS: dict[type[Model], Callable[[], Model]] = {
    Group: lambda: Group.objects.create(name=f"Group {Group.objects.count()}"),
    AccessAttempt: _sign_in_attempt(AccessAttempt),
    AccessLog: _sign_in_attempt(AccessLog),
    AccessFailureLog: _sign_in_attempt(AccessFailureLog),
    User: UserFactory,
    AccessToken: lambda: token_create(user=UserFactory(), name="Door system")[0],
    Member: MemberFactory,
    FitnessGoal: FitnessGoalFactory,
    HealthMetric: HealthMetricFactory,
    Trainer: TrainerFactory,
    TrainerAvailability: TrainerAvailabilityFactory,
    WeeklySlot: WeeklySlotFactory,
    TimeOff: TimeOffFactory,
    AdminStaff: AdminStaffFactory,
    Room: RoomFactory,
    Equipment: EquipmentFactory,
    MaintenanceRecord: MaintenanceRecordFactory,
    Booking: lambda: BookingFactory(trainer=TrainerFactory()),
    GroupClass: GroupClassFactory,
    ClassRegistration: ClassRegistrationFactory,
    PersonalTrainingSession: PersonalTrainingSessionFactory,
    MembershipPlan: MembershipPlanFactory,
    Membership: MembershipFactory,
    Invoice: InvoiceFactory,
    InvoiceLine: InvoiceLineFactory,
    Payment: PaymentFactory,
    BillingRun: BillingRunFactory,
    MembershipFreeze: MembershipFreezeFactory,
    ClassPack: ClassPackFactory,
    CreditPack: CreditPackFactory,
    WebhookEndpoint: WebhookEndpointFactory,
    WebhookDelivery: WebhookDeliveryFactory,
    ProcrastinateJob: failed_job,
    FailedJob: failed_job,
    Visit: VisitFactory,
    StaffNote: StaffNoteFactory,
    ErasureRequest: ErasureRequestFactory,
    # Written by the triggers: a booking's insert is one more event.
    AuditEvent: lambda: (BookingFactory(), AuditEvent.objects.latest("id"))[1],
}

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
# A search no row can match: the list must apply it (and still open).
NO_MATCH = "zq-no-such-thing-xv"


def url(model: type[Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_row_maker_is_for_a_registered_model():
    assert set(ROWS) - set(REGISTERED) == set()


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_admin_pages_open_and_the_list_costs_no_query_per_row(admin_client: Client, admin_user: User, model):
    assert model in ROWS, f"{model._meta.label} is registered in the admin but has no row maker in ROWS"
    make = ROWS[model]
    model_admin = admin.site._registry[model]
    changelist = url(model, "changelist")

    first = make()
    one_row = query_count(admin_client, changelist)
    for _ in range(3):
        make()
    four_rows = query_count(admin_client, changelist)

    assert four_rows == one_row, f"{model._meta.label}: {one_row} queries for one row, {four_rows} for four"
    if model_admin.search_fields:
        search = admin_client.get(changelist, {"q": NO_MATCH})
        assert search.status_code == 200
        assert search.context["cl"].result_count == 0
    request = RequestFactory().get(changelist)
    request.user = admin_user
    if model_admin.has_add_permission(request):
        assert admin_client.get(url(model, "add")).status_code == 200
    assert admin_client.get(url(model, "change", first.pk)).status_code == 200
