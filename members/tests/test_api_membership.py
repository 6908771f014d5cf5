"""A member's own membership over the API: the catalogue, signing up with a plan, joining, changing plan, giving
notice and withdrawing it, freezes (with what they do to the bill), and class packs."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from billing.errors import BillingError
from billing.models import CreditPack, Invoice, Membership, MembershipFreeze
from billing.selectors import invoice_totals
from billing.tests.factories import (
    ClassPackFactory,
    CreditPackFactory,
    MembershipFactory,
    MembershipFreezeFactory,
    MembershipPlanFactory,
)
from clubsite.accounts.models import User
from clubsite.core.clock import club_datetime, club_today
from clubsite.testing import open_account
from clubsite.testing.api import ApiClient
from members.models import Member
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory

#: A Tuesday in November: December is a whole month away, so its charges are easy to read.
NOVEMBER_16 = datetime.date(2026, 11, 16)


@pytest.fixture
def on_november_16(time_machine):
    time_machine.move_to(club_datetime(NOVEMBER_16, datetime.time(10)), tick=False)


def _warm(member):
    """A client whose token has been used once, so a budget counts no last-used update."""
    api = ApiClient(member.user)
    api.get("/member/profile")
    return api


def _day(offset: int) -> str:
    return (club_today() + datetime.timedelta(days=offset)).isoformat()


# -- the catalogue and sign-up ------------------------------------------------------------------


@pytest.mark.django_db
def test_anyone_sees_the_plans_and_packs_on_offer_with_their_terms():
    MembershipPlanFactory(name="Old", monthly_fee=Decimal("10.00"), is_active=False)
    gold = MembershipPlanFactory(
        name="Gold",
        monthly_fee=Decimal("45.00"),
        joining_fee=Decimal("20.00"),
        classes="allowance",
        classes_per_month=8,
        minimum_term_months=12,
        notice_months=1,
    )
    ClassPackFactory(name="Retired", is_active=False)
    five = ClassPackFactory(name="Five classes", credits=5, price=Decimal("40.00"), valid_days=90)

    plans = ApiClient().get("/plans")
    packs = ApiClient().get("/class-packs")

    assert plans.status_code == 200, plans.content
    assert plans.json()["count"] == 1
    assert plans.json()["items"][0] == {
        "id": gold.pk,
        "name": "Gold",
        "monthly_fee": "45.00",
        "joining_fee": "20.00",
        "classes": "allowance",
        "classes_label": "A number of classes a month",
        "classes_per_month": 8,
        "minimum_term_months": 12,
        "notice_months": 1,
        "description": "",
    }
    assert [(item["id"], item["credits"], item["price"]) for item in packs.json()["items"]] == [(five.pk, 5, "40.00")]


SIGNUP = {
    "email": "nora.new@example.com",
    "password": "a sturdy passphrase 42",
    "first_name": "Nora",
    "last_name": "New",
    "date_of_birth": "1990-04-12",
}


@pytest.mark.django_db
def test_signing_up_with_a_plan_joins_it_with_the_first_invoice_when_the_account_opens(on_november_16, client):
    plan = MembershipPlanFactory(name="Gold", monthly_fee=Decimal("30.00"), joining_fee=Decimal("20.00"))

    response = ApiClient().post("/signup", {**SIGNUP, "plan": plan.pk})

    assert response.status_code == 202, response.content
    assert not Invoice.objects.exists()  # nothing is billed before the address is proved
    open_account(client, SIGNUP["email"])
    member = Member.objects.get(user__email="nora.new@example.com")
    state = ApiClient(member.user, session=True).get("/member/membership").json()
    assert state["status"] == "active" and state["membership"]["plan"]["id"] == plan.pk
    # The joining fee and 15 of November's 30 days (16th to 30th).
    invoice = Invoice.objects.get(member=member)
    assert (invoice.status, invoice_totals(invoice_id=invoice.pk)[0]) == ("issued", Decimal("35.00"))


@pytest.mark.django_db
def test_a_plan_not_offered_refuses_the_whole_sign_up():
    retired = MembershipPlanFactory(name="Retired", is_active=False)

    inactive = ApiClient().post("/signup", {**SIGNUP, "plan": retired.pk})
    unknown = ApiClient().post("/signup", {**SIGNUP, "plan": 999999})

    assert (inactive.status_code, inactive.json()["code"], inactive.json()["field"]) == (409, "plan_inactive", "plan")
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["field"]) == (422, "plan_required", "plan")
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


# -- the membership today -----------------------------------------------------------------------


@pytest.mark.django_db
def test_without_a_membership_the_state_is_none(member):
    response = ApiClient(member.user).get("/member/membership")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["membership"], body["next"], body["this_month"], body["freezes"]) == (
        "none",
        None,
        None,
        None,
        [],
    )
    assert body["freeze_limits"] == {
        "min_days": settings.CLUB_FREEZE_MIN_DAYS,
        "max_days": settings.CLUB_FREEZE_MAX_DAYS,
        "days_per_year": settings.CLUB_FREEZE_DAYS_PER_YEAR,
        "used_this_year": 0,
        "left_this_year": settings.CLUB_FREEZE_DAYS_PER_YEAR,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("freezes", [1, 6])
def test_the_state_shows_the_plan_its_freezes_and_this_month_in_a_fixed_number_of_queries(
    member, freezes, on_november_16, django_assert_max_num_queries
):
    plan = MembershipPlanFactory(name="Gold", monthly_fee=Decimal("45.00"), minimum_term_months=12)
    membership = MembershipFactory(member=member, plan=plan, started_on=datetime.date(2026, 1, 1))
    # Today's freeze, then others a fortnight apart.
    for number in range(freezes):
        first = datetime.date(2026, 11, 10) + datetime.timedelta(days=14 * number)
        MembershipFreezeFactory(membership=membership, starts_on=first, ends_on=first + datetime.timedelta(days=6))
    api = _warm(member)

    with django_assert_max_num_queries(6):  # token, member, memberships, today's freeze, the freezes, this year's
        response = api.get("/member/membership")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["freeze"]["starts_on"], len(body["freezes"])) == ("frozen", "2026-11-10", freezes)
    assert body["membership"]["minimum_term_ends_on"] == "2026-12-31"
    # November: 7 frozen days (10th to 16th) of 30 when there is one freeze; the second takes the 24th to the 30th.
    november = body["this_month"]
    assert november["days_frozen"] == (7 if freezes == 1 else 14)
    assert Decimal(november["amount"]) == (Decimal("45.00") * november["days_billed"] / 30).quantize(Decimal("0.01"))


@pytest.mark.django_db
def test_joining_answers_the_membership_and_its_first_invoice_and_a_second_join_is_409(member, on_november_16):
    plan = MembershipPlanFactory(name="Gold", monthly_fee=Decimal("30.00"))
    api = ApiClient(member.user)

    joined = api.post("/member/membership", {"plan": plan.pk})
    again = api.post("/member/membership", {"plan": plan.pk})

    assert joined.status_code == 201, joined.content
    body = joined.json()
    assert (body["membership"]["status"], body["membership"]["membership"]["started_on"]) == ("active", "2026-11-16")
    assert (body["invoice"]["total"], body["invoice"]["status"]) == ("15.00", "issued")
    assert (again.status_code, again.json()["code"], again.json()["field"]) == (409, "membership_exists", "plan")
    assert Membership.objects.filter(member=member).count() == 1


@pytest.mark.django_db
def test_changing_plan_takes_effect_next_month_and_choosing_the_current_plan_calls_it_off(member, on_november_16):
    gold = MembershipPlanFactory(name="Gold", monthly_fee=Decimal("45.00"))
    silver = MembershipPlanFactory(name="Silver", monthly_fee=Decimal("30.00"))
    MembershipFactory(member=member, plan=gold)
    api = ApiClient(member.user)

    changed = api.put("/member/membership/plan", {"plan": silver.pk})
    called_off = api.put("/member/membership/plan", {"plan": gold.pk})
    unchanged = api.put("/member/membership/plan", {"plan": gold.pk})

    assert changed.status_code == 200, changed.content
    assert changed.json()["next"]["plan"]["id"] == silver.pk
    assert changed.json()["next"]["starts_on"] == "2026-12-01"
    assert changed.json()["membership"]["ended_on"] == "2026-11-30"
    assert (called_off.status_code, called_off.json()["next"]) == (200, None)
    assert (unchanged.status_code, unchanged.json()["code"]) == (409, "plan_unchanged")


@pytest.mark.django_db
def test_a_plan_change_down_inside_the_minimum_term_is_409_on_plan(member):
    gold = MembershipPlanFactory(name="Gold", monthly_fee=Decimal("45.00"), minimum_term_months=12)
    silver = MembershipPlanFactory(name="Silver", monthly_fee=Decimal("30.00"))
    MembershipFactory(member=member, plan=gold, started_on=club_today())

    response = ApiClient(member.user).put("/member/membership/plan", {"plan": silver.pk})

    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        409,
        "plan_change_in_term",
        "plan",
    )


@pytest.mark.django_db
def test_the_member_sees_the_end_date_gives_notice_and_withdraws_it(member, on_november_16):
    plan = MembershipPlanFactory(name="Gold", minimum_term_months=12, notice_months=1)
    MembershipFactory(member=member, plan=plan, started_on=datetime.date(2026, 6, 1))
    api = ApiClient(member.user)

    preview = api.get("/member/membership/cancellation")
    given = api.post("/member/membership/cancellation")
    twice = api.post("/member/membership/cancellation")
    after = api.get("/member/membership/cancellation")
    withdrawn = api.delete("/member/membership/cancellation")
    nothing_to_withdraw = api.delete("/member/membership/cancellation")

    assert preview.status_code == 200, preview.content
    assert (preview.json()["ends_on"], preview.json()["reason"], preview.json()["cancelled"]) == (
        "2027-05-31",
        "minimum_term",
        False,
    )
    assert given.status_code == 200, given.content
    assert (given.json()["membership"]["ended_on"], given.json()["membership"]["cancelled_on"]) == (
        "2027-05-31",
        "2026-11-16",
    )
    assert (twice.status_code, twice.json()["code"]) == (409, "membership_already_cancelled")
    assert (after.json()["ends_on"], after.json()["cancelled"]) == ("2027-05-31", True)
    assert (withdrawn.status_code, withdrawn.json()["membership"]["ended_on"]) == (200, None)
    assert (nothing_to_withdraw.status_code, nothing_to_withdraw.json()["code"]) == (409, "membership_not_cancelled")


@pytest.mark.django_db
def test_after_the_minimum_term_the_notice_period_decides_the_end(member, on_november_16):
    plan = MembershipPlanFactory(name="Gold", minimum_term_months=3, notice_months=1)
    MembershipFactory(member=member, plan=plan, started_on=datetime.date(2026, 1, 1))

    preview = ApiClient(member.user).get("/member/membership/cancellation").json()

    assert (preview["ends_on"], preview["reason"]) == ("2026-12-15", "notice")


@pytest.mark.django_db
def test_without_a_membership_notice_is_409_membership_none(member):
    api = ApiClient(member.user)

    for response in (api.get("/member/membership/cancellation"), api.post("/member/membership/cancellation")):
        assert (response.status_code, response.json()["code"]) == (409, "membership_none")


# -- freezes ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_freeze_answers_what_it_does_to_each_months_charge(member, on_november_16):
    plan = MembershipPlanFactory(name="Gold", monthly_fee=Decimal("45.00"))
    MembershipFactory(member=member, plan=plan, started_on=datetime.date(2026, 1, 1))
    api = ApiClient(member.user)
    days = {"starts_on": "2026-11-25", "ends_on": "2026-12-14", "reason": "Holiday"}

    preview = api.get("/member/membership/freezes/preview", starts_on=days["starts_on"], ends_on=days["ends_on"])
    created = api.post("/member/membership/freezes", days)

    assert created.status_code == 201, created.content
    body = created.json()
    freeze = MembershipFreeze.objects.get(membership__member=member)
    assert (body["freeze"]["id"], body["freeze"]["days"], body["freeze"]["reason"]) == (freeze.pk, 20, "Holiday")
    assert freeze.created_by == member.user
    november, december = body["months"]
    assert (november["before"]["amount"], november["after"]["amount"]) == ("45.00", "36.00")  # 24 of 30 days
    assert (december["before"]["amount"], december["after"]["amount"]) == ("45.00", "24.68")  # 17 of 31 days
    assert december["after"]["description"] == "Gold membership — December 2026 (17 of 31 days, 14 frozen)"
    assert preview.json()["months"] == body["months"]
    listed = api.get("/member/membership/freezes").json()
    assert ([item["id"] for item in listed["items"]], listed["freeze_limits"]["used_this_year"]) == ([freeze.pk], 20)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("starts", "ends", "status", "code", "field"),
    [
        (-1, 10, 422, "freeze_in_past", "starts_on"),
        (10, 5, 422, "freeze_end_before_start", "ends_on"),
        (10, 11, 422, "freeze_too_short", "ends_on"),
        (10, 100, 422, "freeze_too_long", "ends_on"),
        (25, 40, 409, "freeze_overlaps", "starts_on"),
        (3, 12, 409, "freeze_has_bookings", "starts_on"),
    ],
)
def test_each_refused_freeze_is_a_problem_with_its_code_and_field(member, starts, ends, status, code, field):
    membership = MembershipFactory(member=member)
    MembershipFreezeFactory(
        membership=membership,
        starts_on=club_today() + datetime.timedelta(days=30),
        ends_on=club_today() + datetime.timedelta(days=43),
    )
    ClassRegistrationFactory(
        member=member,
        group_class=GroupClassFactory(
            booking__start_time=club_datetime(club_today() + datetime.timedelta(days=5), datetime.time(10))
        ),
    )

    response = ApiClient(member.user).post(
        "/member/membership/freezes", {"starts_on": _day(starts), "ends_on": _day(ends)}
    )

    assert response.status_code == status, response.content
    problem = response.json()
    assert (problem["code"], problem["field"]) == (code, field)
    assert problem["detail"] == BillingError(code, **problem.get("params", {})).message
    assert MembershipFreeze.objects.filter(membership__member=member).count() == 1


@pytest.mark.django_db
def test_a_freeze_over_the_yearly_limit_is_409_on_ends_on(member, on_november_16):
    membership = MembershipFactory(member=member, started_on=datetime.date(2026, 1, 1))
    MembershipFreezeFactory(
        membership=membership, starts_on=datetime.date(2026, 2, 1), ends_on=datetime.date(2026, 3, 31)
    )
    MembershipFreezeFactory(
        membership=membership, starts_on=datetime.date(2026, 5, 1), ends_on=datetime.date(2026, 5, 10)
    )

    response = ApiClient(member.user).post(
        "/member/membership/freezes", {"starts_on": "2026-12-01", "ends_on": "2026-12-31"}
    )

    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        409,
        "freeze_yearly_limit",
        "ends_on",
    )


@pytest.mark.django_db
def test_without_a_membership_a_freeze_and_its_preview_are_409_on_starts_on(member):
    api = ApiClient(member.user)
    days = {"starts_on": _day(5), "ends_on": _day(15)}

    for response in (
        api.post("/member/membership/freezes", days),
        api.get("/member/membership/freezes/preview", **days),
    ):
        assert (response.status_code, response.json()["code"], response.json()["field"]) == (
            409,
            "membership_none",
            "starts_on",
        )
    backwards = api.get("/member/membership/freezes/preview", starts_on=_day(15), ends_on=_day(5))
    assert (backwards.status_code, backwards.json()["code"], backwards.json()["field"]) == (
        422,
        "range_reversed",
        "ends_on",
    )


@pytest.mark.django_db
def test_ending_a_freeze_early_shortens_it_and_another_members_freeze_is_404(member, other_member, on_november_16):
    membership = MembershipFactory(member=member, started_on=datetime.date(2026, 1, 1))
    current = MembershipFreezeFactory(
        membership=membership, starts_on=datetime.date(2026, 11, 10), ends_on=datetime.date(2026, 11, 30)
    )
    later = MembershipFreezeFactory(
        membership=membership, starts_on=datetime.date(2026, 12, 10), ends_on=datetime.date(2026, 12, 20)
    )
    theirs = MembershipFreezeFactory(membership=MembershipFactory(member=other_member))
    api = ApiClient(member.user)

    ended = api.post(f"/member/membership/freezes/{current.pk}/end", {})
    called_off = api.post(f"/member/membership/freezes/{later.pk}/end", {"back_on": "2026-12-10"})
    outside = api.post(f"/member/membership/freezes/{current.pk}/end", {"back_on": "2026-12-31"})
    not_mine = api.post(f"/member/membership/freezes/{theirs.pk}/end", {})

    assert ended.status_code == 200, ended.content
    assert (ended.json()["freeze"]["ends_on"], ended.json()["membership"]["status"]) == ("2026-11-15", "active")
    assert (called_off.status_code, called_off.json()["freeze"]) == (200, None)
    assert not MembershipFreeze.objects.filter(pk=later.pk).exists()
    assert (outside.status_code, outside.json()["code"]) == (409, "freeze_over")
    assert not_mine.status_code == 404
    theirs.refresh_from_db()
    assert theirs.ends_on > club_today()


# -- class packs --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_buying_a_pack_answers_it_with_its_invoice(member, on_november_16):
    pack = ClassPackFactory(name="Five classes", credits=5, price=Decimal("40.00"), valid_days=30)

    response = ApiClient(member.user).post("/member/credit-packs", {"pack": pack.pk})

    assert response.status_code == 201, response.content
    body = response.json()
    bought = CreditPack.objects.get(member=member)
    assert body["credit_pack"]["id"] == bought.pk
    assert (body["credit_pack"]["credits_left"], body["credit_pack"]["expires_on"]) == (5, "2026-12-15")
    assert (body["invoice"]["total"], body["invoice"]["status"]) == ("40.00", "issued")
    assert Invoice.objects.get(pk=body["invoice"]["id"]).member == member


@pytest.mark.django_db
def test_a_pack_not_on_sale_is_409_and_an_unknown_one_422(member):
    retired = ClassPackFactory(name="Retired", is_active=False)
    api = ApiClient(member.user)

    inactive = api.post("/member/credit-packs", {"pack": retired.pk})
    unknown = api.post("/member/credit-packs", {"pack": 999999})

    assert (inactive.status_code, inactive.json()["code"], inactive.json()["field"]) == (409, "pack_inactive", "pack")
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["field"]) == (422, "pack_required", "pack")
    assert not CreditPack.objects.filter(member=member).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("packs", [1, 6])
def test_the_packs_list_the_credits_left_in_a_fixed_number_of_queries(
    member, other_member, packs, django_assert_max_num_queries
):
    for _ in range(packs):
        CreditPackFactory(member=member, credits=5, credits_left=2)
    CreditPackFactory(member=member, credits=5, credits_left=5, expires_on=club_today() - datetime.timedelta(days=1))
    CreditPackFactory(member=other_member)
    api = _warm(member)

    with django_assert_max_num_queries(5):  # token, member, count, the page with its packs, the credits usable
        response = api.get("/member/credit-packs")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["count"], body["credits_left"]) == (packs + 1, 2 * packs)
    assert [item["usable"] for item in body["items"]].count(False) == 1
