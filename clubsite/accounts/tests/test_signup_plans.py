"""The public plans page, and signing up with a plan: the visitor sees the first invoice before and after."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import Invoice, Membership, MembershipPlan
from billing.tests.factories import ClassPackFactory, MembershipPlanFactory, club_time
from clubsite.testing import messages_of, open_account
from members.models import Member

pytestmark = pytest.mark.django_db

PASSWORD = "plum-orchard-47-quietly"
PLANS = reverse("plans")
SIGN_UP = reverse("accounts:signup")


@pytest.fixture(autouse=True)
def december_tenth(time_machine):
    time_machine.move_to(club_time(2026, 12, 10, 10))


@pytest.fixture
def plans() -> dict[str, MembershipPlan]:
    return {
        "gym": MembershipPlanFactory(name="Gym", monthly_fee=Decimal("25.00")),
        "silver": MembershipPlanFactory(
            name="Silver",
            monthly_fee=Decimal("35.00"),
            joining_fee=Decimal("10.00"),
            classes=MembershipPlan.Classes.ALLOWANCE,
            classes_per_month=8,
            notice_months=1,
        ),
        "gold": MembershipPlanFactory(
            name="Gold",
            monthly_fee=Decimal("45.00"),
            joining_fee=Decimal("20.00"),
            classes=MembershipPlan.Classes.UNLIMITED,
            minimum_term_months=12,
            notice_months=2,
        ),
    }


def _sign_up(**changes):
    return {
        "first_name": "Nina",
        "last_name": "Newcomer",
        "email": "nina@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "date_of_birth": "1995-05-17",
        "gender": "female",
        "phone": "",
        **changes,
    }


def checked(content: str) -> list[str]:
    """The ids of the plan choices that are checked."""
    return re.findall(r'id="(id_plan_\w+)"[^>]* checked', content)


# -- the public plans page -----------------------------------------------------------------------


def test_the_plans_page_lists_each_active_plan_with_its_fees_and_terms(client, plans):
    MembershipPlanFactory(name="Retired", is_active=False)
    ClassPackFactory(name="10-class pack", credits=10, price=Decimal("70.00"), valid_days=180)
    ClassPackFactory(name="Old pack", is_active=False)

    content = client.get(PLANS).content.decode()

    for shown in (
        "Gym only",
        "8 classes a month",
        "Unlimited classes",
        "£45.00 <span",
        "Joining fee £20.00",
        "No joining fee",
        "Minimum term 12 months",
        "No minimum term",
        "2 months’ notice to cancel",
        "1 month’s notice to cancel",
        "No notice period",
        "Joining today: £51.94 on your first invoice.",  # 20 + 45 x 22/31
        "10 credits · £70.00 · valid for 180 days",
    ):
        assert shown in content, shown
    assert "Retired" not in content and "Old pack" not in content
    assert f'href="{SIGN_UP}?plan={plans["gold"].pk}"' in content


def test_the_plans_page_is_linked_for_visitors_from_the_home_page_and_the_header(client, plans):
    content = client.get(reverse("home")).content.decode()

    assert content.count(f'href="{PLANS}"') == 2


def test_the_plans_page_costs_the_same_with_more_plans_and_packs(client, plans):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PLANS).status_code == 200
        return len(queries)

    small = count()
    for _ in range(5):
        MembershipPlanFactory()
        ClassPackFactory()
    assert count() == small == 2


# -- signing up with a plan ----------------------------------------------------------------------


def test_the_sign_up_form_preselects_the_plan_and_shows_each_first_invoice(client, plans):
    response = client.get(SIGN_UP, {"plan": plans["gold"].pk})

    content = response.content.decode()
    assert checked(content) == [f"id_plan_{plans['gold'].pk}"]  # "Decide later" is not the choice now
    assert "Joining fee — Gold" in content
    assert "Gold membership — December 2026 (22 of 31 days)" in content
    assert "£51.94" in content and "£34.84" in content  # Gold's; Silver's: 10 + 35 x 22/31


def test_without_a_plan_in_the_address_decide_later_is_chosen(client, plans):
    content = client.get(SIGN_UP).content.decode()

    assert checked(content) == ["id_plan_later"]


def test_signing_up_with_a_plan_joins_it_when_the_account_opens_and_lands_on_the_first_invoice(client, plans):
    client.post(SIGN_UP, _sign_up(plan=plans["gold"].pk))
    # Nothing is billed to an address nobody has proved yet.
    assert not Membership.objects.exists() and not Invoice.objects.exists()

    response = open_account(client, "nina@example.com")

    member = Member.objects.get(user__email="nina@example.com")
    invoice = Invoice.objects.get(member=member)
    assert response.redirect_chain[-1][0] == reverse("members:invoice-detail", args=[invoice.pk])
    assert messages_of(response) == [
        "Welcome to the club, Nina! Here is your first invoice: the joining fee and the rest of December."
    ]
    content = response.content.decode()
    assert "Joining fee — Gold" in content and "Gold membership — December 2026 (22 of 31 days)" in content
    assert 'id="invoice-total">£51.94' in content
    membership = Membership.objects.get(member=member)
    assert (membership.plan, membership.started_on) == (plans["gold"], datetime.date(2026, 12, 10))


def test_deciding_later_signs_up_without_a_membership(client, plans):
    client.post(SIGN_UP, _sign_up(plan=""))
    response = open_account(client, "nina@example.com")

    assert response.redirect_chain[-1][0] == reverse("members:dashboard")
    assert messages_of(response) == ["Welcome to the club, Nina! Your account is ready."]
    assert not Membership.objects.exists() and not Invoice.objects.exists()


def test_a_plan_not_on_offer_is_refused_under_the_plan_and_no_account_is_made(client, plans):
    retired = MembershipPlanFactory(name="Retired", is_active=False)

    response = client.post(SIGN_UP, _sign_up(plan=retired.pk))

    assert response.status_code == 200
    assert response.context["form"].errors["plan"]
    assert 'id="plan-error"' in response.content.decode()
    assert not Member.objects.exists()


def test_a_plan_withdrawn_before_the_account_opens_is_not_joined(client, plans):
    client.post(SIGN_UP, _sign_up(plan=plans["gold"].pk))
    MembershipPlan.objects.filter(pk=plans["gold"].pk).update(is_active=False)

    response = open_account(client, "nina@example.com")

    assert response.redirect_chain[-1][0] == reverse("members:dashboard")
    assert not Membership.objects.exists()


def test_a_refused_sign_up_keeps_the_chosen_plan(client, plans):
    response = client.post(SIGN_UP, _sign_up(plan=plans["silver"].pk, password2="something else entirely"))

    assert checked(response.content.decode()) == [f"id_plan_{plans['silver'].pk}"]
