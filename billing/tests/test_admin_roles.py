"""Each staff role sees exactly its models in the back office, every page of them opens, and the rest is refused.

In billing's tests because they cover every app of the back office, and billing is the app above all others.
"""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from billing import services
from billing.models import Invoice, Payment
from billing.tests.factories import (
    BillingRunFactory,
    ClassPackFactory,
    CreditPackFactory,
    InvoiceFactory,
    MembershipFactory,
    MembershipFreezeFactory,
    MembershipPlanFactory,
)
from clubsite.accounts.services import token_create
from clubsite.accounts.tests.factories import UserFactory
from clubsite.audit.models import AuditEvent
from clubsite.frontdesk.tests.factories import StaffNoteFactory, VisitFactory
from clubsite.privacy.tests.factories import ErasureRequestFactory
from clubsite.testing.admin import split_datetime
from clubsite.testing.jobs import failed_job
from clubsite.testing.roles import ROLES, sign_in_as
from clubsite.webhooks.tests.factories import WebhookDeliveryFactory, WebhookEndpointFactory
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory, MemberFactory
from operations.errors import SchedulingError
from operations.models import AdminStaff, ClassRegistration, MaintenanceRecord
from operations.tests.factories import (
    AdminStaffFactory,
    BookingFactory,
    ClassRegistrationFactory,
    EquipmentFactory,
    GroupClassFactory,
    MaintenanceRecordFactory,
    PersonalTrainingSessionFactory,
    RoomFactory,
    local_time,
)
from trainers.tests.factories import TimeOffFactory, TrainerAvailabilityFactory, TrainerFactory, WeeklySlotFactory

pytestmark = pytest.mark.django_db

Role = AdminStaff.Role

FRONT_DESK_MODELS = {
    "members.member",
    "members.fitnessgoal",
    "members.healthmetric",
    "operations.classregistration",
    "operations.booking",
    "operations.personaltrainingsession",
    "operations.groupclass",
    "billing.payment",
    "billing.invoice",
    # At the desk: a member's membership and its freezes, the packs on sale and those bought.
    "billing.membership",
    "billing.membershipfreeze",
    "billing.classpack",
    "billing.creditpack",
    "frontdesk.visit",
    "frontdesk.staffnote",
    # Read only: when a trainer is away, to tell the member asking for a session.
    "trainers.weeklyslot",
    "trainers.timeoff",
}
MAINTENANCE_MODELS = {"operations.room", "operations.equipment", "operations.maintenancerecord"}
BILLING_MODELS = {
    "billing.membershipplan",
    "billing.membership",
    "billing.invoice",
    "billing.invoiceline",
    "billing.payment",
    "billing.billingrun",
    "billing.membershipfreeze",
    "billing.classpack",
    "billing.creditpack",
    "members.member",
}
#: Models only a job (or the queue) writes: nobody adds one in the admin, the superuser neither.
WRITTEN_BY_JOBS = {"billing.billingrun", "jobs.failedjob", "procrastinate.procrastinatejob", "webhooks.webhookdelivery"}
#: Models written on pages of their own (the front desk's check-in and member page), never on an admin add page.
#: (The audit trail is written by the database's triggers; an erasure request by the member, on their privacy page.)
WRITTEN_ELSEWHERE = WRITTEN_BY_JOBS | {
    "frontdesk.visit",
    "frontdesk.staffnote",
    "audit.auditevent",
    "privacy.erasurerequest",
}
MANAGER_MODELS = (
    FRONT_DESK_MODELS
    | MAINTENANCE_MODELS
    | BILLING_MODELS
    | {
        "accounts.user",
        "accounts.accesstoken",
        "trainers.trainer",
        "trainers.traineravailability",
        "operations.adminstaff",
        # The job queue and the webhooks (operations.staff.MANAGER_APPS).
        "jobs.failedjob",
        "procrastinate.procrastinatejob",
        "webhooks.webhookendpoint",
        "webhooks.webhookdelivery",
        # The audit trail (read-only) and the members' erasure requests: managers only.
        "audit.auditevent",
        "privacy.erasurerequest",
    }
)
ROLE_MODELS = {
    Role.MANAGER: MANAGER_MODELS,
    Role.FRONT_DESK: FRONT_DESK_MODELS,
    Role.MAINTENANCE: MAINTENANCE_MODELS,
    Role.BILLING: BILLING_MODELS,
}


@pytest.fixture
def rows() -> dict:
    """One row of every model the back office shows, by 'app.model'."""
    invoice = InvoiceFactory()
    line = services.invoice_line_add(invoice=invoice, description="Locker", quantity=1, unit_price=Decimal("30.00"))
    services.invoice_issue(invoice=invoice)
    payment = services.payment_record(invoice=invoice, amount=Decimal("10.00"), method=Payment.Method.CASH)
    return {
        "accounts.user": UserFactory(),
        "accounts.accesstoken": token_create(user=UserFactory(), name="door system")[0],
        "members.member": invoice.member,
        "members.fitnessgoal": FitnessGoalFactory(member=invoice.member),
        "members.healthmetric": HealthMetricFactory(member=invoice.member),
        "trainers.trainer": TrainerFactory(),
        "trainers.traineravailability": TrainerAvailabilityFactory(),
        "trainers.weeklyslot": WeeklySlotFactory(),
        "trainers.timeoff": TimeOffFactory(),
        "operations.adminstaff": AdminStaffFactory(),
        "operations.room": RoomFactory(),
        "operations.equipment": EquipmentFactory(),
        "operations.maintenancerecord": MaintenanceRecordFactory(),
        "operations.booking": BookingFactory(),
        "operations.groupclass": GroupClassFactory(),
        "operations.classregistration": ClassRegistrationFactory(),
        "operations.personaltrainingsession": PersonalTrainingSessionFactory(),
        "billing.membershipplan": MembershipPlanFactory(),
        "billing.membership": MembershipFactory(),
        "billing.invoice": invoice,
        "billing.invoiceline": line,
        "billing.payment": payment,
        "billing.billingrun": BillingRunFactory(),
        "billing.membershipfreeze": MembershipFreezeFactory(),
        "billing.classpack": ClassPackFactory(),
        "billing.creditpack": CreditPackFactory(),
        "frontdesk.visit": VisitFactory(),
        "frontdesk.staffnote": StaffNoteFactory(),
        "jobs.failedjob": failed_job(),
        "procrastinate.procrastinatejob": failed_job("another"),
        "webhooks.webhookendpoint": WebhookEndpointFactory(),
        "webhooks.webhookdelivery": WebhookDeliveryFactory(),
        # The payment above was recorded by the trail's trigger.
        "audit.auditevent": AuditEvent.objects.filter(table_name="billing_payment").first(),
        "privacy.erasurerequest": ErasureRequestFactory(),
    }


def admin_url(label: str, view: str, *args) -> str:
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_{view}", args=args)


def index_models(client) -> set[str]:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {
        f"{app['app_label']}.{model['object_name'].lower()}"
        for app in response.context["app_list"]
        for model in app["models"]
    }


def offered_actions(client, label: str) -> set[str]:
    form = client.get(admin_url(label, "changelist")).context["action_form"]
    return set() if form is None else {name for name, _ in form.fields["action"].choices if name}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_exactly_its_models_on_the_admin_index(client, role):
    sign_in_as(client, role)

    assert index_models(client) == ROLE_MODELS[role]


def test_the_superuser_sees_every_model_of_the_club(admin_client):
    assert MANAGER_MODELS <= index_models(admin_client)


@pytest.mark.parametrize("role", ROLES)
def test_every_changelist_search_add_and_change_page_of_a_role_opens(client, rows, role):
    user = sign_in_as(client, role)

    for label in sorted(ROLE_MODELS[role]):
        app, model = label.split(".")
        for page in (admin_url(label, "changelist"), admin_url(label, "changelist") + "?q=a"):
            assert client.get(page).status_code == 200, page
        change = admin_url(label, "change", rows[label].pk)
        assert client.get(change).status_code == 200, change
        add = admin_url(label, "add")
        # The ModelAdmin's own answer: its role's permission, and a rule of its own where it has one
        # (only a superuser makes an access token for someone else).
        request = RequestFactory().get(add)
        request.user = user
        may_add = admin.site.get_model_admin(apps.get_model(app, model)).has_add_permission(request)
        assert client.get(add).status_code == (200 if may_add else 403), add


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.MAINTENANCE, Role.BILLING])
def test_the_models_of_other_roles_are_refused(client, rows, role):
    sign_in_as(client, role)

    for label in sorted(MANAGER_MODELS - ROLE_MODELS[role]):
        for page in (admin_url(label, "changelist"), admin_url(label, "change", rows[label].pk)):
            assert client.get(page).status_code == 403, page


def test_the_superuser_opens_every_page(admin_client, rows):
    for label in sorted(MANAGER_MODELS):
        for page in (
            admin_url(label, "changelist"),
            admin_url(label, "changelist") + "?q=a",
            admin_url(label, "add"),
            admin_url(label, "change", rows[label].pk),
        ):
            if label in WRITTEN_ELSEWHERE and page.endswith("/add/"):
                assert admin_client.get(page).status_code == 403, page
                continue
            assert admin_client.get(page).status_code == 200, page


@pytest.mark.parametrize(
    ("role", "label", "actions"),
    [
        (Role.FRONT_DESK, "operations.classregistration", {"cancel_registrations", "accept_offers"}),
        (Role.FRONT_DESK, "billing.membership", set()),
        (Role.FRONT_DESK, "billing.membershipfreeze", {"end_today"}),
        (Role.FRONT_DESK, "billing.creditpack", set()),
        (Role.FRONT_DESK, "operations.booking", {"cancel_bookings", "move_to_room"}),
        (Role.FRONT_DESK, "operations.groupclass", set()),
        (Role.FRONT_DESK, "billing.invoice", {"export_csv"}),
        (Role.FRONT_DESK, "billing.payment", {"export_csv"}),
        (Role.FRONT_DESK, "members.member", {"export_csv"}),
        (Role.MAINTENANCE, "operations.maintenancerecord", {"start_work", "resolve", "reopen"}),
        (Role.BILLING, "billing.invoice", {"issue_invoices", "void_invoices", "export_csv"}),
        (Role.BILLING, "billing.invoiceline", {"remove_lines"}),
        (Role.BILLING, "billing.membership", {"give_notice", "withdraw_notice", "change_plan"}),
        (Role.BILLING, "members.member", {"export_csv"}),
        (Role.MANAGER, "operations.groupclass", {"cancel_classes"}),
        (Role.MANAGER, "operations.adminstaff", {"remove_from_staff"}),
    ],
)
def test_each_role_is_offered_the_actions_of_its_work(client, rows, role, label, actions):
    sign_in_as(client, role)

    assert offered_actions(client, label) == actions


# -- each role's own work, done through its pages ---------------------------------------------------


def test_the_front_desk_registers_a_member_books_a_room_and_takes_a_payment(client):
    user = sign_in_as(client, Role.FRONT_DESK)
    member = MemberFactory()
    group_class = GroupClassFactory()
    room = RoomFactory()
    invoice = InvoiceFactory()
    services.invoice_line_add(invoice=invoice, description="Locker", quantity=1, unit_price=Decimal("30.00"))
    # Issued before the payment the desk records (a minute ago): a payment never precedes its invoice.
    services.invoice_issue(invoice=invoice, issued_at=timezone.now() - datetime.timedelta(hours=1))
    start = local_time(days=2, hour=18)

    registered = client.post(
        admin_url("operations.classregistration", "add"), {"member": member.pk, "group_class": group_class.pk}
    )
    booked = client.post(
        admin_url("operations.booking", "add"),
        {
            "room": room.pk,
            "kind": "event",
            "title": "Open evening",
            **split_datetime(start, "start_time"),
            **split_datetime(start + datetime.timedelta(hours=2), "end_time"),
        },
    )
    paid = client.post(
        admin_url("billing.payment", "add"),
        {
            "invoice": invoice.pk,
            "kind": "payment",
            "amount": "30.00",
            "method": "cash",
            **split_datetime(timezone.now() - datetime.timedelta(minutes=1), "received_at"),
        },
    )

    assert (registered.status_code, booked.status_code, paid.status_code) == (302, 302, 302)
    assert ClassRegistration.objects.get(member=member).status == ClassRegistration.Status.REGISTERED
    assert room.bookings.get().title == "Open evening"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert Payment.objects.get().recorded_by == user


def test_the_front_desk_cannot_cancel_a_class_through_its_booking(client):
    sign_in_as(client, Role.FRONT_DESK)
    group_class = GroupClassFactory()

    response = client.post(
        admin_url("operations.booking", "changelist"),
        {"action": "cancel_bookings", "_selected_action": [group_class.booking_id]},
        follow=True,
    )

    shown = [str(message) for message in response.context["messages"]]
    assert f"{group_class.booking}: {SchedulingError('class_cancel_not_allowed')}" in shown
    group_class.booking.refresh_from_db()
    assert group_class.booking.status == "scheduled"


def test_maintenance_reports_works_on_and_resolves_an_issue(client):
    user = sign_in_as(client, Role.MAINTENANCE)
    equipment = EquipmentFactory()

    reported = client.post(
        admin_url("operations.maintenancerecord", "add"),
        {"equipment": equipment.pk, "issue_description": "Display dead"},
    )
    record = MaintenanceRecord.objects.get()
    started = client.post(
        admin_url("operations.maintenancerecord", "changelist"),
        {"action": "start_work", "_selected_action": [record.pk]},
    )
    resolved = client.post(
        admin_url("operations.maintenancerecord", "changelist"),
        {"action": "resolve", "_selected_action": [record.pk], "apply": "1", f"notes_{record.pk}": "New display"},
    )

    assert (reported.status_code, started.status_code, resolved.status_code) == (302, 302, 302)
    record.refresh_from_db()
    assert (record.status, record.resolution_notes, record.reported_by) == ("resolved", "New display", user)
    equipment.refresh_from_db()
    assert equipment.status == "working"


def test_billing_generates_adds_a_line_and_issues(client):
    sign_in_as(client, Role.BILLING)
    membership = MembershipFactory(plan=MembershipPlanFactory(monthly_fee=Decimal("39.00")))
    first = timezone.localdate().replace(day=1)

    generated = client.post(
        reverse("admin:billing_invoice_generate"),
        {"member": membership.member_id, "period_start": first.isoformat(), "period_end": first.isoformat()},
    )
    draft = Invoice.objects.get(member=membership.member)
    added = client.post(
        admin_url("billing.invoiceline", "add"),
        {"invoice": draft.pk, "kind": "manual", "description": "Towel", "quantity": 2, "unit_price": "1.50"},
    )
    issued = client.post(reverse("admin:billing_invoice_issue", args=[draft.pk]))

    assert (generated.status_code, added.status_code, issued.status_code) == (302, 302, 302)
    draft.refresh_from_db()
    assert draft.status == Invoice.Status.ISSUED
    assert draft.total == Decimal("42.00")


def test_a_manager_gives_a_staff_role_and_schedules_a_class(client):
    sign_in_as(client, Role.MANAGER)
    person = UserFactory()
    window = TrainerAvailabilityFactory()
    room = RoomFactory(capacity=20)
    start = local_time(days=1, hour=10)

    staffed = client.post(admin_url("operations.adminstaff", "add"), {"user": person.pk, "role": Role.BILLING})
    scheduled = client.post(
        admin_url("operations.groupclass", "add"),
        {
            "name": "Spin",
            "trainer": window.trainer.pk,
            "room": room.pk,
            **split_datetime(start, "start_time"),
            **split_datetime(start + datetime.timedelta(hours=1), "end_time"),
            "capacity": 12,
            "price": "8.00",
            "weeks": 1,
        },
    )

    assert (staffed.status_code, scheduled.status_code) == (302, 302)
    person.refresh_from_db()
    assert person.is_staff
    assert list(person.groups.values_list("name", flat=True)) == ["Billing"]
    assert room.bookings.get().start_time == start
