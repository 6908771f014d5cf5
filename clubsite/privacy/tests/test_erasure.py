"""Erasure on request, end to end: asked in the portal, approved in the admin (or over the API), then nothing
personal is left, the account cannot sign in, and the club's books and counts are what they were."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core import mail
from django.db import models
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import device_classes

from billing.models import Invoice, Payment
from billing.selectors import revenue_by_day
from billing.tests.factories import (
    InvoiceFactory,
    InvoiceLineFactory,
    MembershipFactory,
    PaymentFactory,
    class_registration,
    club_time,
    pt_session,
)
from clubsite.accounts.models import AccessToken, User
from clubsite.accounts.services import token_create
from clubsite.accounts.tests.factories import DEMO_PASSWORD
from clubsite.calendars.models import CalendarFeed
from clubsite.calendars.services import calendar_feed_for
from clubsite.core.clock import club_today
from clubsite.frontdesk.models import StaffNote
from clubsite.frontdesk.tests.factories import StaffNoteFactory, VisitFactory
from clubsite.privacy.errors import PrivacyError
from clubsite.privacy.export import EXCLUDED_APPS
from clubsite.privacy.models import ErasureRequest
from clubsite.privacy.services import erasure_approve, erasure_cancel, erasure_request
from clubsite.testing.api import ApiClient
from clubsite.testing.jobs import run_jobs
from clubsite.testing.roles import sign_in_as, staff_user
from clubsite.testing.twofactor import enrol
from members.models import ERASED_BIRTH_DATE, FitnessGoal, HealthMetric, Member, MetricsConsent
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory, MemberFactory
from operations.models import Booking, ClassRegistration, PersonalTrainingSession

pytestmark = pytest.mark.django_db

PHONE = "07700 900123"


@pytest.fixture
def erasable() -> Member:
    """Ann, a former member whose bills are paid, with a history of everything."""
    member = MemberFactory(
        user__first_name="Ann",
        user__last_name="Archer",
        user__email="ann@example.com",
        phone=PHONE,
        date_of_birth=datetime.date(1990, 5, 1),
    )
    MembershipFactory(
        member=member, started_on=datetime.date(2025, 1, 1), ended_on=club_today() - datetime.timedelta(days=1)
    )
    invoice = InvoiceFactory(
        member=member, number="INV-ANN", status=Invoice.Status.PAID, issued_at=timezone.now(), due_date=club_today()
    )
    InvoiceLineFactory(invoice=invoice, unit_price=Decimal("49.00"), description="Gold")
    PaymentFactory(invoice=invoice, amount=Decimal("49.00"), received_at=club_time(2026, 11, 3, 10))
    HealthMetricFactory.create_batch(2, member=member)
    FitnessGoalFactory(member=member)
    session = pt_session(member, club_time(2026, 11, 10, 14), status=Booking.Status.COMPLETED)
    PersonalTrainingSession.objects.filter(pk=session.pk).update(notes="my back hurts", trainer_notes="Back: careful")
    class_registration(member, club_time(2026, 11, 12, 18), status=ClassRegistration.Status.ATTENDED)
    VisitFactory(member=member)
    StaffNoteFactory(member=member, text="Ann's husband may collect her card")
    calendar_feed_for(user=member.user)
    token_create(user=member.user, name="phone")
    return member


def _tables_holding(*needles: str) -> list[str]:
    """Every "table.column" of a text column of any model holding one of ``needles`` (case-insensitively)."""
    found = []
    for model in apps.get_models():
        if not model._meta.managed or model._meta.app_label in EXCLUDED_APPS:
            continue
        for field in model._meta.local_concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            query = Q()
            for needle in needles:
                query |= Q(**{f"{field.name}__icontains": needle})
            if model._default_manager.filter(query).exists():
                found.append(f"{model._meta.db_table}.{field.column}")
    return found


def _approve_in_admin(request_row: ErasureRequest) -> Client:
    manager = Client()
    sign_in_as(manager, "manager")
    response = manager.post(
        reverse("admin:privacy_erasurerequest_changelist"),
        {"action": "approve", "_selected_action": [request_row.pk]},
        follow=True,
    )
    assert response.status_code == 200
    return manager


def test_erasure_end_to_end(client, erasable, other_member):
    member = erasable
    first, last = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
    revenue_before = revenue_by_day(first=first, last=last)
    attended_before = ClassRegistration.objects.filter(status=ClassRegistration.Status.ATTENDED).count()
    # The member had turned on two-factor sign-in: its key and recovery codes are theirs too.
    enrol(member.user)
    client.force_login(member.user)

    # The member asks on their data page, and sees it pending.
    assert client.post(reverse("privacy:erasure-request"))["Location"] == reverse("privacy:mine")
    assert 'id="erasure-pending"' in client.get(reverse("privacy:mine")).content.decode()
    pending = ErasureRequest.objects.get(member=member, status=ErasureRequest.Status.PENDING)

    # A manager approves it in the admin.
    manager = _approve_in_admin(pending)

    pending.refresh_from_db()
    assert pending.status == ErasureRequest.Status.DONE and pending.completed_at is not None
    member.refresh_from_db()
    user = User.objects.get(pk=member.user_id)
    # The pseudonym, the placeholder address; nothing personal left on the rows.
    assert (user.first_name, user.last_name) == ("Member", member.number)
    assert user.email == f"erased-{member.pk}@erased.invalid"
    assert (member.phone, member.date_of_birth, member.gender) == ("", ERASED_BIRTH_DATE, "undisclosed")
    assert not user.is_active and not user.has_usable_password()
    assert not HealthMetric.objects.filter(member=member).exists() and member.last_metric_at is None
    assert not FitnessGoal.objects.filter(member=member).exists()
    assert not MetricsConsent.objects.filter(member=member, withdrawn_at__isnull=True).exists()
    assert list(PersonalTrainingSession.objects.filter(member=member).values_list("notes", "trainer_notes")) == [
        ("", "")
    ]
    assert list(StaffNote.objects.filter(member=member).values_list("text", flat=True)) == [""]
    assert not CalendarFeed.objects.filter(user=user).exists()
    assert not AccessToken.objects.filter(user=user).exists()
    assert not any(model.objects.filter(user=user).exists() for model in device_classes())
    # "Gone everywhere": no text column of any table (the audit trail, the club's kept record, aside) holds them,
    # but for the address the mail saying so goes to, until it is sent.
    needles = ("Archer", "ann@example.com", PHONE, "my back hurts", "Back: careful", "husband")
    assert _tables_holding(*needles) == ["privacy_erasurerequest.notify_to"]

    # The person cannot sign in, with the old address or the new one; their session is over.
    for email in ("ann@example.com", user.email):
        browser = Client()
        browser.post(reverse("accounts:login"), {"username": email, "password": DEMO_PASSWORD})
        assert "_auth_user_id" not in browser.session
    assert client.get(reverse("members:dashboard")).status_code == 302
    # Their export is impossible (no session), and the service refuses a second request.
    assert client.get(reverse("privacy:export"))["Location"].startswith(reverse("accounts:login"))
    with pytest.raises(PrivacyError) as raised:
        erasure_request(member=member)
    assert raised.value.code == "member_erased"

    # The books are kept under the pseudonym, and the club's totals are what they were.
    invoice = Invoice.objects.get(member=member)
    assert invoice.number == "INV-ANN" and str(invoice.member) == f"Member {member.number}"
    assert Payment.objects.filter(invoice=invoice, amount=Decimal("49.00")).exists()
    assert revenue_by_day(first=first, last=last) == revenue_before
    assert ClassRegistration.objects.filter(status=ClassRegistration.Status.ATTENDED).count() == attended_before
    page = manager.get(reverse("admin:billing_invoice_change", args=[invoice.pk])).content.decode()
    assert f"Member {member.number}" in page and "Archer" not in page
    assert manager.get(reverse("admin:index")).status_code == 200  # the dashboard still adds up

    # The other member is untouched.
    other_member.refresh_from_db()
    assert other_member.user.is_active and HealthMetric.objects.filter(member=other_member).count() == 0

    # One mail, to the address they had, which is then forgotten.
    run_jobs()
    assert [message.to for message in mail.outbox] == [["ann@example.com"]]
    assert "erased" in mail.outbox[0].subject
    pending.refresh_from_db()
    assert pending.notify_to == ""
    # (The sign-in attempts made above with the old address, after the erasure, are the throttle's own records.)
    assert [table for table in _tables_holding(*needles) if not table.startswith("axes_")] == []


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        (lambda m: MembershipFactory(member=m, started_on=datetime.date(2026, 1, 1)), "erasure_membership_live"),
        (
            lambda m: InvoiceLineFactory(
                invoice=InvoiceFactory(
                    member=m,
                    status=Invoice.Status.ISSUED,
                    number="INV-OWED",
                    issued_at=timezone.now(),
                    due_date=club_today(),
                )
            ),
            "erasure_balance_unpaid",
        ),
        (
            lambda m: class_registration(m, club_time(2999, 1, 5, 18)),
            "erasure_bookings_ahead",
        ),
    ],
)
def test_approval_is_refused_while_something_is_left_to_settle(member, setup, code):
    setup(member)
    row = erasure_request(member=member)
    manager = staff_user("manager")

    with pytest.raises(PrivacyError) as raised:
        erasure_approve(request=row, by=manager)

    assert raised.value.code == code
    row.refresh_from_db()
    member.refresh_from_db()
    assert row.status == ErasureRequest.Status.PENDING and member.user.first_name == "Ann"


def test_the_member_may_call_it_off_while_pending(member_client, member):
    member_client.post(reverse("privacy:erasure-request"))
    again = member_client.post(reverse("privacy:erasure-request"))
    assert "already asked" in again.content.decode()

    member_client.post(reverse("privacy:erasure-cancel"))

    row = ErasureRequest.objects.get(member=member)
    assert row.status == ErasureRequest.Status.CANCELLED
    with pytest.raises(PrivacyError) as raised:
        erasure_approve(request=row, by=staff_user("manager"))
    assert raised.value.code == "erasure_not_pending"
    with pytest.raises(PrivacyError) as raised:
        erasure_cancel(member=member)
    assert raised.value.code == "erasure_not_pending"


def test_only_managers_approve_and_the_api_door(member, other_member):
    row = erasure_request(member=member)
    desk = staff_user("front_desk")
    with pytest.raises(PrivacyError) as raised:
        erasure_approve(request=row, by=desk)
    assert raised.value.code == "erasure_forbidden"
    assert ApiClient(desk).post(f"/staff/privacy/erasure-requests/{row.pk}/approve").status_code == 403

    # The member's API: read, and a second request refused.
    mine = ApiClient(member.user)
    assert mine.get("/member/privacy/erasure").json()["pending"]["id"] == row.pk
    assert mine.post("/member/privacy/erasure").json()["code"] == "erasure_already_requested"
    # Another member sees only their own (nothing pending) and cannot call it off.
    theirs = ApiClient(other_member.user)
    assert theirs.get("/member/privacy/erasure").json()["pending"] is None
    assert theirs.delete("/member/privacy/erasure").json()["code"] == "erasure_not_pending"

    manager = staff_user("manager")
    from clubsite.testing.twofactor import enrol

    enrol(manager)
    api = ApiClient(manager)
    listed = api.get("/staff/privacy/erasure-requests").json()
    assert [entry["id"] for entry in listed] == [row.pk]
    assert api.post("/staff/privacy/erasure-requests/999999/approve").status_code == 404
    done = api.post(f"/staff/privacy/erasure-requests/{row.pk}/approve")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert api.post(f"/staff/privacy/erasure-requests/{row.pk}/approve").json()["code"] == "erasure_not_pending"


def test_the_admin_list_of_requests_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    manager = Client()
    sign_in_as(manager, "manager")
    for _ in range(3):
        erasure_request(member=MemberFactory())
    address = reverse("admin:privacy_erasurerequest_changelist")
    manager.get(address)
    from clubsite.testing.admin import query_count

    few = query_count(manager, address)
    for _ in range(5):
        erasure_request(member=MemberFactory())
    assert query_count(manager, address) == few


@pytest.mark.django_db(transaction=True)
def test_approvals_and_measurements_racing_leave_one_erasure_and_no_metric():
    from clubsite.core.errors import ClubError
    from clubsite.testing.races import race
    from members.services import metric_record

    member = MemberFactory()
    row = erasure_request(member=member)
    manager = staff_user("manager")

    def act(index: int):
        if index < 2:
            return erasure_approve(request=row, by=manager)
        return metric_record(member=member, weight=Decimal("80"))

    outcome = race(act, workers=4)

    assert all(isinstance(error, ClubError) for error in outcome.errors), outcome.errors
    codes = sorted(error.code for error in outcome.errors)
    assert codes.count("erasure_not_pending") == 1
    assert set(codes) <= {"erasure_not_pending", "metrics_consent_missing"}
    assert ErasureRequest.objects.get(pk=row.pk).status == ErasureRequest.Status.DONE
    # A measurement taken before the erasure was deleted with the rest; one after it was refused.
    assert not HealthMetric.objects.filter(member=member).exists()
