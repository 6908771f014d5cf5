"""Consent to processing health metrics (GDPR): recorded at sign-up with the notice's version and the time,
required by every door that records a metric, withdrawn, and then the stored metrics deleted once confirmed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from billing.services import member_sign_up
from clubsite.accounts.forms import SignUpForm
from clubsite.testing.api import ApiClient
from clubsite.testing.roles import sign_in_as
from members.errors import MemberError
from members.models import HealthMetric, Member, MetricsConsent
from members.selectors import metrics_consent_in_force
from members.services import metric_record, metrics_consent_give, metrics_consent_withdraw, metrics_erase
from members.tests.factories import HealthMetricFactory, MemberFactory

pytestmark = pytest.mark.django_db

MISSING = MemberError.messages["metrics_consent_missing"].text


def _sign_up(**overrides):
    data = {
        "email": "new@example.com",
        "password": None,
        "first_name": "Nia",
        "last_name": "New",
        "date_of_birth": datetime.date(1990, 1, 1),
        "gender": "female",
        **overrides,
    }
    return member_sign_up(**data).member


def _last_metric_at(member) -> datetime.datetime | None:
    return Member.objects.values_list("last_metric_at", flat=True).get(pk=member.pk)


def test_sign_up_records_consent_with_the_notice_version_and_the_time():
    before = timezone.now()
    member = _sign_up(metrics_consent=True)

    consent = MetricsConsent.objects.get(member=member)
    assert consent.notice_version == settings.CLUB_PRIVACY_NOTICE_VERSION
    assert before <= consent.given_at <= timezone.now()
    assert consent.withdrawn_at is None
    assert metrics_consent_in_force(member=member) == consent


def test_consent_is_optional_and_unticked_on_the_sign_up_form():
    form = SignUpForm()
    field = form.fields["metrics_consent"]
    assert field.required is False and field.initial is False
    assert 'name="metrics_consent"' in str(form["metrics_consent"]) and "checked" not in str(form["metrics_consent"])

    member = _sign_up()  # the box left unticked
    assert not MetricsConsent.objects.filter(member=member).exists()


def test_the_sign_up_page_passes_the_ticked_box_on():
    form = SignUpForm(data={"metrics_consent": "on"})
    form.is_valid()
    assert form.cleaned_data["metrics_consent"] is True
    assert SignUpForm(data={}).fields["metrics_consent"].clean(None) is False


def test_without_consent_every_door_refuses_a_metric(client):
    member = MemberFactory(metrics_consent=False, date_of_birth=datetime.date(1990, 1, 1))

    with pytest.raises(MemberError) as raised:
        metric_record(member=member, weight=Decimal("80"))
    assert (raised.value.code, raised.value.field) == ("metrics_consent_missing", None)

    # The member's page shows why and how to consent, instead of the form.
    client.force_login(member.user)
    page = client.get(reverse("members:metric-create")).content.decode()
    assert MISSING in page and 'name="weight"' not in page
    assert reverse("members:metrics-consent") in page
    posted = client.post(reverse("members:metric-create"), {"weight": "80", "recorded_at": ""})
    assert MISSING in posted.content.decode()

    # The API.
    response = ApiClient(member.user).post("/member/metrics", {"weight": "80"})
    assert response.status_code == 409 and response.json()["code"] == "metrics_consent_missing"

    # Staff in the admin (the front desk may record measurements).
    desk = Client()
    sign_in_as(desk, "front_desk")
    response = desk.post(
        reverse("admin:members_healthmetric_add"),
        {"member": member.pk, "weight": "80", "recorded_at_0": "2026-01-05", "recorded_at_1": "10:00"},
    )
    assert response.status_code == 200 and MISSING in response.content.decode()
    assert not HealthMetric.objects.filter(member=member).exists()


def test_giving_consent_on_the_metrics_page_lets_a_member_log(client):
    member = MemberFactory(metrics_consent=False)
    client.force_login(member.user)

    response = client.post(reverse("members:metrics-consent"))

    assert response.status_code == 302
    assert metrics_consent_in_force(member=member).notice_version == settings.CLUB_PRIVACY_NOTICE_VERSION
    assert 'name="weight"' in client.get(reverse("members:metric-create")).content.decode()
    with pytest.raises(MemberError) as raised:
        metrics_consent_give(member=member)
    assert raised.value.code == "metrics_consent_already_given"


def test_withdraw_then_confirm_deletes_the_stored_metrics(client, member):
    HealthMetricFactory.create_batch(3, member=member)
    other = HealthMetricFactory()  # another member's history is untouched
    client.force_login(member.user)
    assert _last_metric_at(member) is not None

    # Deleting while consent is in force is refused: withdraw first.
    with pytest.raises(MemberError) as raised:
        metrics_erase(member=member)
    assert raised.value.code == "metrics_erase_consent_in_force"

    response = client.post(reverse("members:metrics-consent-withdraw"))
    assert response.status_code == 302 and response["Location"] == reverse("members:metrics-erase")
    assert metrics_consent_in_force(member=member) is None
    with pytest.raises(MemberError) as raised:
        metric_record(member=member, weight=Decimal("80"))
    assert raised.value.code == "metrics_consent_missing"

    # The page asks to confirm, saying how many; nothing is deleted until then.
    page = client.get(reverse("members:metrics-erase")).content.decode()
    assert 'id="stored-metrics">3<' in page
    assert HealthMetric.objects.filter(member=member).count() == 3

    response = client.post(reverse("members:metrics-erase"))

    assert response.status_code == 302
    assert not HealthMetric.objects.filter(member=member).exists()
    assert _last_metric_at(member) is None
    assert HealthMetric.objects.filter(pk=other.pk).exists()
    # The history of consents stays: given, then withdrawn.
    consent = MetricsConsent.objects.get(member=member)
    assert consent.withdrawn_at is not None and consent.withdrawn_at >= consent.given_at


def test_the_api_gives_withdraws_and_deletes(member):
    HealthMetricFactory(member=member)
    api = ApiClient(member.user)

    assert api.get("/member/metrics/consent").json()["given"] is True
    assert api.post("/member/metrics/consent").json()["code"] == "metrics_consent_already_given"
    assert api.delete("/member/metrics").json()["code"] == "metrics_erase_consent_in_force"
    withdrawn = api.delete("/member/metrics/consent")
    assert withdrawn.status_code == 200 and withdrawn.json()["given"] is False
    assert api.post("/member/metrics", {"weight": "80"}).json()["code"] == "metrics_consent_missing"

    erased = api.delete("/member/metrics")

    assert erased.status_code == 200 and erased.json() == {"deleted": 1}
    again = api.post("/member/metrics/consent")
    assert again.status_code == 201 and again.json()["given"] is True
    assert len(again.json()["history"]) == 2


def test_a_plain_delete_outside_the_service_is_refused(member):
    metric = HealthMetricFactory(member=member)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM members_healthmetric WHERE member_id = %s", [member.pk])
    # The flag lasts only for the transaction that set it.
    metrics_consent_withdraw(member=member)
    metrics_erase(member=member)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('clubsite.metrics_erasure', true)")
        assert cursor.fetchone()[0] in (None, "", "off")
    assert not HealthMetric.objects.filter(pk=metric.pk).exists()


def test_the_metrics_page_reads_the_consent_in_one_query(member_client, member, django_assert_max_num_queries):
    HealthMetricFactory.create_batch(5, member=member)
    with django_assert_max_num_queries(12):
        response = member_client.get(reverse("members:metrics"))
    assert 'id="metrics-consent"' in response.content.decode()
