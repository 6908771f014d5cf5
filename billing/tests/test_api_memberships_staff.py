"""Staff over the API: plans with their terms, class packs, and one member's membership, freezes and credits done
for them at the desk or by billing, through the same services as the member's own endpoints."""

import datetime
from decimal import Decimal

import pytest

from billing.models import ClassPack, CreditPack, MembershipFreeze, MembershipPlan
from billing.tests.factories import ClassPackFactory, MembershipFactory, MembershipFreezeFactory, MembershipPlanFactory
from clubsite.core.clock import club_today
from clubsite.testing.api import ApiClient
from clubsite.testing.roles import staff_user

pytestmark = pytest.mark.django_db


def _day(offset: int) -> str:
    return (club_today() + datetime.timedelta(days=offset)).isoformat()


# -- plans and packs ----------------------------------------------------------------------------


def test_a_plan_is_created_with_its_terms_and_an_update_leaving_them_out_keeps_them():
    api = ApiClient(staff_user("billing"))

    created = api.post(
        "/staff/billing/plans",
        {
            "name": "Gold",
            "monthly_fee": "45.00",
            "joining_fee": "20.00",
            "classes": "allowance",
            "classes_per_month": 8,
            "minimum_term_months": 12,
            "notice_months": 1,
        },
    )
    updated = api.put(f"/staff/billing/plans/{created.json()['id']}", {"name": "Gold", "monthly_fee": "49.00"})

    assert created.status_code == 201, created.content
    assert updated.status_code == 200, updated.content
    assert {key: updated.json()[key] for key in ("monthly_fee", "joining_fee", "classes", "classes_per_month")} == {
        "monthly_fee": "49.00",
        "joining_fee": "20.00",
        "classes": "allowance",
        "classes_per_month": 8,
    }
    plan = MembershipPlan.objects.get(name="Gold")
    assert (plan.minimum_term_months, plan.notice_months) == (12, 1)


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"classes": "allowance"}, "plan_allowance_required", "classes_per_month"),
        ({"classes": "unlimited", "classes_per_month": 4}, "plan_allowance_unexpected", "classes_per_month"),
        ({"minimum_term_months": 61}, "plan_term_invalid", "minimum_term_months"),
        ({"notice_months": 13}, "plan_notice_invalid", "notice_months"),
        ({"joining_fee": "-1.00"}, "joining_fee_negative", "joining_fee"),
        ({"classes": "everything"}, "invalid", "classes"),
    ],
)
def test_a_plans_terms_are_refused_on_their_field(change, code, field):
    response = ApiClient(staff_user("billing")).post(
        "/staff/billing/plans", {"name": "Gold", "monthly_fee": "45.00", **change}
    )

    assert response.status_code == 422, response.content
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert not MembershipPlan.objects.filter(name="Gold").exists()


def test_class_packs_are_listed_created_and_changed_by_billing_and_seen_by_the_front_desk():
    api = ApiClient(staff_user("billing"))

    created = api.post("/staff/billing/class-packs", {"name": "Five", "credits": 5, "price": "40.00", "valid_days": 60})
    pack_id = created.json()["id"]
    updated = api.put(
        f"/staff/billing/class-packs/{pack_id}",
        {"name": "Five", "credits": 5, "price": "45.00", "valid_days": 60, "is_active": False},
    )
    too_many = api.post(
        "/staff/billing/class-packs", {"name": "Lots", "credits": 500, "price": "1.00", "valid_days": 9}
    )
    listed = ApiClient(staff_user("front_desk")).get("/staff/billing/class-packs", is_active=False)
    desk_create = ApiClient(staff_user("front_desk")).post(
        "/staff/billing/class-packs", {"name": "Desk", "credits": 5, "price": "40.00", "valid_days": 60}
    )

    assert created.status_code == 201, created.content
    assert (updated.status_code, updated.json()["price"], updated.json()["is_active"]) == (200, "45.00", False)
    assert (too_many.status_code, too_many.json()["code"], too_many.json()["field"]) == (
        422,
        "pack_credits_invalid",
        "credits",
    )
    assert [item["id"] for item in listed.json()["items"]] == [pack_id]
    assert desk_create.status_code == 403
    assert ClassPack.objects.count() == 1


# -- one member's membership --------------------------------------------------------------------


def test_billing_joins_a_member_on_a_plan_and_the_first_invoice_comes_back(member):
    plan = MembershipPlanFactory(name="Gold", monthly_fee=Decimal("30.00"), joining_fee=Decimal("15.00"))
    api = ApiClient(staff_user("billing"))

    joined = api.post(f"/staff/members/{member.pk}/membership", {"plan": plan.pk})
    read = ApiClient(staff_user("front_desk")).get(f"/staff/members/{member.pk}/membership")

    assert joined.status_code == 201, joined.content
    assert joined.json()["membership"]["status"] == "active"
    assert joined.json()["invoice"]["status"] == "issued"
    assert Decimal(joined.json()["invoice"]["total"]) > Decimal("15.00")
    assert (read.status_code, read.json()["membership"]["plan"]["name"]) == (200, "Gold")
    assert api.get("/staff/members/999999/membership").status_code == 404


def test_billing_changes_the_plan_and_gives_and_withdraws_notice_for_a_member(member):
    gold = MembershipPlanFactory(name="Gold", monthly_fee=Decimal("45.00"))
    platinum = MembershipPlanFactory(name="Platinum", monthly_fee=Decimal("69.00"))
    MembershipFactory(member=member, plan=gold)
    api = ApiClient(staff_user("billing"))
    base = f"/staff/members/{member.pk}/membership"

    changed = api.put(f"{base}/plan", {"plan": platinum.pk})
    preview = api.get(f"{base}/cancellation")
    cancelled = api.post(f"{base}/cancellation")
    withdrawn = api.delete(f"{base}/cancellation")

    assert (changed.status_code, changed.json()["next"]["plan"]["id"]) == (200, platinum.pk)
    assert preview.status_code == 200, preview.content
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["membership"]["ended_on"] == preview.json()["ends_on"]
    assert cancelled.json()["next"] is None  # notice calls the arranged change off
    assert (withdrawn.status_code, withdrawn.json()["membership"]["ended_on"]) == (200, None)


def test_the_front_desk_freezes_a_membership_ends_the_freeze_and_sells_a_pack(member):
    membership = MembershipFactory(member=member)
    pack = ClassPackFactory(name="Ten", credits=10, price=Decimal("70.00"))
    desk = staff_user("front_desk")
    api = ApiClient(desk)
    base = f"/staff/members/{member.pk}"

    preview = api.get(f"{base}/membership/freezes/preview", starts_on=_day(10), ends_on=_day(20))
    frozen = api.post(f"{base}/membership/freezes", {"starts_on": _day(10), "ends_on": _day(20), "reason": "Injury"})
    ended = api.post(f"{base}/membership/freezes/{frozen.json()['freeze']['id']}/end", {"back_on": _day(15)})
    sold = api.post(f"{base}/credit-packs", {"pack": pack.pk})
    listed = api.get(f"{base}/credit-packs")
    join = api.post(f"{base}/membership", {"plan": membership.plan_id})

    assert preview.status_code == 200, preview.content
    assert frozen.status_code == 201, frozen.content
    assert frozen.json()["months"] == preview.json()["months"]
    freeze = MembershipFreeze.objects.get(membership=membership)
    assert (freeze.created_by, freeze.reason) == (desk, "Injury")
    assert (ended.status_code, ended.json()["freeze"]["ends_on"]) == (200, _day(14))
    assert sold.status_code == 201, sold.content
    assert (sold.json()["invoice"]["total"], CreditPack.objects.get(member=member).credits_left) == ("70.00", 10)
    assert (listed.json()["count"], listed.json()["credits_left"]) == (1, 10)
    assert join.status_code == 403  # joining is billing's (billing.add_membership)


def test_a_freeze_of_another_member_is_404_under_this_member(member, other_member):
    theirs = MembershipFreezeFactory(membership=MembershipFactory(member=other_member))
    MembershipFactory(member=member)

    response = ApiClient(staff_user("billing")).post(
        f"/staff/members/{member.pk}/membership/freezes/{theirs.pk}/end", {}
    )

    assert response.status_code == 404


def test_a_staff_refusal_keeps_the_services_code_and_field(member):
    MembershipFactory(member=member)
    api = ApiClient(staff_user("billing"))

    response = api.post(f"/staff/members/{member.pk}/membership/freezes", {"starts_on": _day(-1), "ends_on": _day(10)})

    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        422,
        "freeze_in_past",
        "starts_on",
    )


STAFF_CALLS = [
    ("GET", "membership", None),
    ("POST", "membership", {"plan": 1}),
    ("PUT", "membership/plan", {"plan": 1}),
    ("GET", "membership/cancellation", None),
    ("POST", "membership/cancellation", {}),
    ("DELETE", "membership/cancellation", None),
    ("POST", "membership/freezes", {"starts_on": "2030-01-01", "ends_on": "2030-01-10"}),
    ("POST", "membership/freezes/1/end", {}),
    ("GET", "credit-packs", None),
    ("POST", "credit-packs", {"pack": 1}),
]


@pytest.mark.parametrize(("method", "path", "body"), STAFF_CALLS)
def test_a_member_calling_staffs_endpoints_for_themselves_is_403(member, method, path, body):
    MembershipFactory(member=member)

    response = ApiClient(member.user).request(method, f"/staff/members/{member.pk}/{path}", body)

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
