import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing import services as billing
from billing.tests.factories import InvoiceFactory
from clubsite.testing.roles import sign_in_as
from members.errors import MemberError
from members.models import FitnessGoal, HealthMetric, Member
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory, MemberFactory
from operations.models import AdminStaff


def _form_data(response) -> dict:
    """The POST a browser would send back for an admin change page, unchanged."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            widgets = getattr(bound.field.widget, "widgets", None)
            if widgets:
                parts = value if isinstance(value, list | tuple) else bound.field.widget.decompress(value)
                for index, part in enumerate(parts):
                    data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif value is not None:
                data[bound.html_name] = str(value)
    return data


@pytest.mark.django_db
def test_member_autocomplete_finds_members_by_name(admin_client):
    member = MemberFactory(user__first_name="Zelda", user__last_name="Quartermaine")
    MemberFactory(user__first_name="Other", user__last_name="Person")

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": "healthmetric", "field_name": "member", "term": "zeld"},
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(member.pk)]


@pytest.mark.django_db
def test_member_change_page_shows_goals_and_metrics_and_saves_through_the_service(admin_client):
    member = MemberFactory(phone="07700 900123", user__first_name="Ann")
    goal = FitnessGoalFactory(member=member)
    metrics = [
        HealthMetricFactory(member=member, recorded_at=timezone.now() - datetime.timedelta(days=days))
        for days in (1, 5)
    ]
    url = reverse("admin:members_member_change", args=[member.pk])

    page = admin_client.get(url)
    assert page.status_code == 200
    assert str(goal.target_value) in page.content.decode()
    data = _form_data(page)
    data["phone"] = "020 7946 0000"
    data["first_name"] = "Annie"
    saved = admin_client.post(url, data)

    assert saved.status_code == 302, saved.context and saved.context["errors"]
    member.refresh_from_db()
    assert (member.phone, member.user.first_name) == ("020 7946 0000", "Annie")
    assert list(HealthMetric.objects.filter(member=member)) == metrics
    # Goals and metrics are shown, not edited, on the member page: goals change on their own page.
    assert "metrics-0-weight" not in data
    assert "goals-0-target_value" not in data


@pytest.mark.django_db
def test_member_change_page_shows_a_broken_rule_as_a_form_error(admin_client):
    member = MemberFactory(phone="07700 900123")
    url = reverse("admin:members_member_change", args=[member.pk])
    data = _form_data(admin_client.get(url))

    data["date_of_birth"] = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = admin_client.post(url, data)

    assert response.status_code == 200
    # Placed by its field, like every coded refusal: under the date of birth.
    assert response.context["adminform"].form.errors["date_of_birth"] == [
        MemberError.messages["birth_date_future"].text
    ]
    member.refresh_from_db()
    assert member.date_of_birth < timezone.localdate()


@pytest.mark.django_db
def test_fitness_goal_change_page_saves_and_refuses_a_non_positive_target(admin_client):
    goal = FitnessGoalFactory(target_value=Decimal("75.00"))
    url = reverse("admin:members_fitnessgoal_change", args=[goal.pk])
    data = _form_data(admin_client.get(url))

    data["target_value"] = "0"
    refused = admin_client.post(url, data)
    data["target_value"] = "74.00"
    saved = admin_client.post(url, data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors
    assert saved.status_code == 302
    goal.refresh_from_db()
    assert goal.target_value == Decimal("74.00")


@pytest.mark.django_db
def test_deactivate_action_goes_through_the_service(admin_client):
    active = FitnessGoalFactory()
    inactive = FitnessGoalFactory(is_active=False)

    response = admin_client.post(
        reverse("admin:members_fitnessgoal_changelist"),
        {"action": "deactivate", "_selected_action": [active.pk, inactive.pk]},
        follow=True,
    )

    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert "1 goal(s) deactivated." in shown
    assert "1 goal(s) were already inactive." in shown
    assert not FitnessGoal.objects.filter(is_active=True).exists()


@pytest.mark.django_db
def test_health_metric_change_page_is_view_only(admin_client):
    metric = HealthMetricFactory(weight=Decimal("80.0"))
    url = reverse("admin:members_healthmetric_change", args=[metric.pk])

    page = admin_client.get(url)
    attempt = admin_client.post(url, {"weight": "90.0"})
    delete = admin_client.get(reverse("admin:members_healthmetric_delete", args=[metric.pk]))

    assert page.status_code == 200
    assert "80.0" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert attempt.status_code == 403
    assert delete.status_code == 403
    metric.refresh_from_db()
    assert metric.weight == Decimal("80.0")


def _metric_post(member: Member, when: datetime.datetime, **values) -> dict:
    local = timezone.localtime(when)
    return {
        "member": member.pk,
        "recorded_at_0": local.strftime("%Y-%m-%d"),
        "recorded_at_1": local.strftime("%H:%M:%S"),
        "weight": "",
        "heart_rate": "",
        "body_fat": "",
        **values,
    }


@pytest.mark.django_db
def test_health_metric_add_records_through_the_service(admin_client):
    member = MemberFactory(date_of_birth=datetime.date(1990, 1, 1))
    when = (timezone.now() - datetime.timedelta(days=2)).replace(microsecond=0)

    response = admin_client.post(reverse("admin:members_healthmetric_add"), _metric_post(member, when, weight="71.4"))

    assert response.status_code == 302
    metric = HealthMetric.objects.get()
    assert (metric.member, metric.weight, metric.recorded_at) == (member, Decimal("71.4"), when)
    member.refresh_from_db()
    assert member.last_metric_at == when


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "offset", "code"),
    [
        ({}, datetime.timedelta(days=-1), "metric_empty"),
        ({"weight": "500"}, datetime.timedelta(days=-1), "weight_out_of_range"),
        ({"heart_rate": "20"}, datetime.timedelta(days=-1), "heart_rate_out_of_range"),
        ({"weight": "70"}, datetime.timedelta(days=2), "metric_time_future"),
    ],
)
def test_health_metric_add_shows_a_broken_rule_as_one_form_error(admin_client, values, offset, code):
    member = MemberFactory()

    response = admin_client.post(
        reverse("admin:members_healthmetric_add"), _metric_post(member, timezone.now() + offset, **values)
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    refusal = MemberError(code)
    # One error, under the field it is about (above the form when it is about the entry as a whole).
    assert form.errors == {refusal.field or "__all__": [refusal.message]}
    assert not HealthMetric.objects.exists()


def _member_post(**overrides) -> dict:
    return {
        "email": "new.member@club.test",
        "first_name": "New",
        "last_name": "Member",
        "date_of_birth": "1991-02-03",
        "gender": Member.Gender.MALE,
        "phone": "",
        **overrides,
    }


@pytest.mark.django_db
def test_member_add_creates_the_account_and_the_member_through_the_service(admin_client):
    response = admin_client.post(reverse("admin:members_member_add"), _member_post())

    assert response.status_code == 302
    member = Member.objects.select_related("user").get()
    assert (member.user.email, member.user.first_name, member.date_of_birth) == (
        "new.member@club.test",
        "New",
        datetime.date(1991, 2, 3),
    )
    # No password yet: the member chooses one through "forgot password".
    assert not member.user.has_usable_password()


@pytest.mark.django_db
def test_member_add_with_a_taken_email_is_a_form_error(admin_client):
    from clubsite.accounts.errors import AccountError
    from clubsite.accounts.tests.factories import UserFactory

    UserFactory(email="new.member@club.test")

    response = admin_client.post(reverse("admin:members_member_add"), _member_post(email="NEW.member@club.test"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [AccountError.messages["email_taken"].text]
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_setting_and_changing_a_goal_goes_through_the_services(admin_client):
    member = MemberFactory()
    target_date = timezone.localdate() + datetime.timedelta(days=60)

    added = admin_client.post(
        reverse("admin:members_fitnessgoal_add"),
        {
            "member": member.pk,
            "goal_type": FitnessGoal.GoalType.LOSE_WEIGHT,
            "target_value": "72.5",
            "unit": "kg",
            "target_date": target_date.isoformat(),
        },
    )
    goal = FitnessGoal.objects.get()
    past = admin_client.post(
        reverse("admin:members_fitnessgoal_change", args=[goal.pk]),
        {"goal_type": goal.goal_type, "target_value": "72.5", "unit": "kg", "target_date": "2000-01-01"},
    )

    assert added.status_code == 302
    assert (goal.member, goal.target_value, goal.is_active) == (member, Decimal("72.5"), True)
    assert past.context["adminform"].form.errors["target_date"] == [MemberError.messages["goal_date_past"].text]
    goal.refresh_from_db()
    assert goal.target_date == target_date


@pytest.mark.django_db
def test_an_inactive_goal_opens_read_only(admin_client):
    goal = FitnessGoalFactory(is_active=False)

    page = admin_client.get(reverse("admin:members_fitnessgoal_change", args=[goal.pk]))

    assert page.status_code == 200
    assert "target_value" not in page.context["adminform"].form.fields


@pytest.mark.django_db
def test_members_export_as_csv_with_formulas_defused(admin_client):
    import csv
    import io

    member = MemberFactory(user__first_name="=cmd", user__last_name="Quartermaine", phone="07700 900123")
    other = MemberFactory()
    changelist = reverse("admin:members_member_changelist")

    response = admin_client.post(changelist, {"action": "export_csv", "_selected_action": [member.pk, other.pk]})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["id", "first name", "last name", "email"]
    exported = {row[0]: row for row in rows[1:]}
    assert set(exported) == {str(member.pk), str(other.pk)}
    assert exported[str(member.pk)][1:5] == ["'=cmd", "Quartermaine", member.user.email, "07700 900123"]
    assert exported[str(member.pk)][5] == member.date_of_birth.isoformat()


@pytest.mark.django_db
def test_members_cannot_be_deleted_from_the_admin(admin_client):
    member = MemberFactory()

    response = admin_client.post(reverse("admin:members_member_delete", args=[member.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Member.objects.filter(pk=member.pk).exists()


@pytest.mark.django_db
class TestMemberLists:
    """A member's page links to their records in the other lists, each filtered to them alone."""

    def test_each_link_lists_this_members_records_and_no_one_elses(self, admin_client):
        ann, bob = MemberFactory(user__first_name="Ann"), MemberFactory(user__first_name="Bob")
        for member in (ann, bob):
            invoice = InvoiceFactory(member=member)
            billing.invoice_line_add(invoice=invoice, description="Locker", quantity=1, unit_price=Decimal("9"))
            billing.invoice_issue(invoice=invoice)
            billing.payment_record(
                invoice=invoice, amount=Decimal("9"), method="card", reference=f"paid by {member.user.first_name}"
            )
            HealthMetricFactory(member=member)

        page = admin_client.get(reverse("admin:members_member_change", args=[ann.pk]))

        links = dict((label, address) for label, address in page.context["member_lists"])
        assert list(links) == [
            "Invoices",
            "Payments",
            "Memberships",
            "Freezes",
            "Class packs",
            "Classes",
            "PT sessions",
            "Metrics",
        ]
        for address in links.values():
            assert address.replace("&", "&amp;") in page.content.decode()
            assert admin_client.get(address).status_code == 200
        invoices = admin_client.get(links["Invoices"]).context["cl"].queryset
        payments = admin_client.get(links["Payments"]).context["cl"].queryset
        metrics = admin_client.get(links["Metrics"]).context["cl"].queryset
        assert [invoice.member for invoice in invoices] == [ann]
        assert [payment.reference for payment in payments] == ["paid by Ann"]
        assert [metric.member for metric in metrics] == [ann]

    def test_staff_see_only_the_lists_their_role_may_view(self, client):
        member = MemberFactory()
        sign_in_as(client, AdminStaff.Role.FRONT_DESK)

        page = client.get(reverse("admin:members_member_change", args=[member.pk]))

        labels = [label for label, _address in page.context["member_lists"]]
        # The front desk takes payments and bookings, looks at memberships, freezes them and sells packs; the
        # maintenance staff see none of it.
        assert {"Payments", "Memberships", "Freezes", "Class packs", "Classes", "PT sessions"} <= set(labels)
        sign_in_as(client, AdminStaff.Role.MAINTENANCE)
        assert client.get(reverse("admin:members_member_change", args=[member.pk])).status_code == 403
