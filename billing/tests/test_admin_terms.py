"""The back office for plans with terms, class packs, credits members bought, freezes, notice and plan changes:
each write goes through its service, and each refusal shows where staff typed what it is about."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import services
from billing.errors import BillingError
from billing.models import ClassPack, CreditPack, Invoice, InvoiceLine, Membership, MembershipFreeze, MembershipPlan
from billing.tests.factories import (
    ClassPackFactory,
    CreditPackFactory,
    MembershipFactory,
    MembershipFreezeFactory,
    MembershipPlanFactory,
)
from clubsite.core.clock import add_months, club_today, month_end
from clubsite.core.money import money_text
from clubsite.testing import messages_of
from clubsite.testing.roles import sign_in_as
from members.tests.factories import MemberFactory
from operations.models import AdminStaff
from operations.tests.factories import ClassRegistrationFactory, local_time

pytestmark = pytest.mark.django_db

ONE_DAY = datetime.timedelta(days=1)


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:billing_{model}_{view}", args=args)


def said(code: str, **params) -> str:
    return BillingError(code, **params).message


def form_errors(response) -> dict:
    return response.context["adminform"].form.errors


def day_text(day: datetime.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


# ---------------------------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------------------------

PLAN_POST = {
    "name": "Classes 8",
    "monthly_fee": "45.00",
    "joining_fee": "20.00",
    "classes": "allowance",
    "classes_per_month": "8",
    "minimum_term_months": "3",
    "notice_months": "1",
    "description": "",
    "is_active": "on",
}


class TestPlans:
    def test_a_plan_is_offered_with_its_terms(self, admin_client):
        response = admin_client.post(url("membershipplan", "add"), PLAN_POST)

        assert response.status_code == 302
        plan = MembershipPlan.objects.get(name="Classes 8")
        assert (plan.joining_fee, plan.classes, plan.classes_per_month) == (Decimal("20.00"), "allowance", 8)
        assert (plan.minimum_term_months, plan.notice_months) == (3, 1)

    def test_the_list_says_what_each_plan_includes_and_its_terms(self, admin_client):
        MembershipPlanFactory(name="Gym", classes="none", notice_months=1)
        MembershipPlanFactory(name="Eight", classes="allowance", classes_per_month=8, minimum_term_months=3)
        MembershipPlanFactory(name="All in", classes="unlimited", minimum_term_months=12, notice_months=1)

        page = admin_client.get(url("membershipplan", "changelist")).content.decode()

        for text in ("Gym only", "8 a month", "Unlimited", "3 months", "12 months", "1 month"):
            assert text in page

    @pytest.mark.parametrize(
        ("change", "field", "code"),
        [
            ({"classes_per_month": ""}, "classes_per_month", "plan_allowance_required"),
            ({"classes": "none"}, "classes_per_month", "plan_allowance_unexpected"),
            ({"minimum_term_months": "61"}, "minimum_term_months", "plan_term_invalid"),
            ({"notice_months": "13"}, "notice_months", "plan_notice_invalid"),
        ],
    )
    def test_terms_the_service_refuses_show_under_their_field(self, admin_client, change, field, code):
        response = admin_client.post(url("membershipplan", "add"), {**PLAN_POST, **change})

        assert form_errors(response) == {field: [said(code)]}
        assert not MembershipPlan.objects.exists()

    def test_changing_a_plan_goes_through_the_service(self, admin_client):
        plan = MembershipPlanFactory(name="Classes 8", classes="allowance", classes_per_month=8)

        response = admin_client.post(
            url("membershipplan", "change", plan.pk), {**PLAN_POST, "classes": "unlimited", "classes_per_month": ""}
        )

        assert response.status_code == 302
        plan.refresh_from_db()
        assert (plan.classes, plan.classes_per_month) == ("unlimited", None)


# ---------------------------------------------------------------------------------------------
# Class packs and the packs members bought
# ---------------------------------------------------------------------------------------------


class TestClassPacks:
    def test_a_pack_is_offered_and_the_list_counts_those_sold(self, admin_client):
        response = admin_client.post(
            url("classpack", "add"),
            {"name": "5-class pack", "credits": "5", "price": "40.00", "valid_days": "90", "is_active": "on"},
        )
        pack = ClassPack.objects.get()
        CreditPackFactory.create_batch(2, pack=pack)

        listed = admin_client.get(url("classpack", "changelist"))

        assert response.status_code == 302
        assert (pack.credits, pack.price, pack.valid_days) == (5, Decimal("40.00"), 90)
        assert [row.sold_count for row in listed.context["cl"].result_list] == [2]

    def test_a_refused_pack_shows_under_its_field(self, admin_client):
        ClassPackFactory(name="5-class pack")
        post = {"name": "5-CLASS PACK", "credits": "5", "price": "40.00", "valid_days": "90"}

        taken = admin_client.post(url("classpack", "add"), post)
        empty = admin_client.post(url("classpack", "add"), {**post, "name": "Ten", "credits": "0"})

        assert form_errors(taken) == {"name": [said("pack_name_taken")]}
        assert form_errors(empty) == {"credits": [said("pack_credits_invalid")]}
        assert ClassPack.objects.count() == 1

    def test_changing_a_pack_goes_through_the_service(self, admin_client):
        pack = ClassPackFactory(name="5-class pack")

        response = admin_client.post(
            url("classpack", "change", pack.pk),
            {"name": "5-class pack", "credits": "6", "price": "45.00", "valid_days": "60"},
        )

        assert response.status_code == 302
        pack.refresh_from_db()
        assert (pack.credits, pack.price, pack.valid_days, pack.is_active) == (6, Decimal("45.00"), 60, False)


class TestCreditPacks:
    def test_selling_a_pack_invoices_it_at_once(self, admin_client):
        member = MemberFactory()
        pack = ClassPackFactory(name="10-class pack", credits=10, price=Decimal("70.00"), valid_days=180)

        response = admin_client.post(url("creditpack", "add"), {"member": member.pk, "pack": pack.pk}, follow=True)

        bought = CreditPack.objects.get()
        assert (bought.member, bought.credits_left, bought.expires_on) == (
            member,
            10,
            club_today() + datetime.timedelta(days=179),
        )
        line = InvoiceLine.objects.get(credit_pack=bought)
        assert (line.kind, line.unit_price, line.invoice.status) == ("pack", Decimal("70.00"), Invoice.Status.ISSUED)
        assert f"{member} bought 10-class pack" in messages_of(response)[0]
        assert list(response.context["cl"].result_list) == [bought]

    def test_a_pack_no_longer_sold_is_not_offered(self, admin_client):
        pack = ClassPackFactory(is_active=False)

        response = admin_client.post(url("creditpack", "add"), {"member": MemberFactory().pk, "pack": pack.pk})

        assert "pack" in form_errors(response)
        assert not CreditPack.objects.exists()

    def test_the_list_shows_credits_left_and_filters_usable_and_expired(self, admin_client):
        usable = CreditPackFactory(credits_left=3, member__user__last_name="Archer")
        expired = CreditPackFactory(expires_on=club_today() - ONE_DAY)
        used = CreditPackFactory(credits_left=0)

        def listed(**query):
            return set(admin_client.get(url("creditpack", "changelist"), query).context["cl"].result_list)

        page = admin_client.get(url("creditpack", "changelist")).content.decode()
        assert "3 of 5" in page
        assert listed(credits="usable") == {usable}
        assert listed(credits="expired") == {expired}
        assert listed(credits="used") == {used}
        assert listed(q="Archer") == {usable}

    def test_a_bought_pack_cannot_be_edited(self, admin_client):
        bought = CreditPackFactory()

        response = admin_client.post(url("creditpack", "change", bought.pk), {"credits_left": "99"})

        assert response.status_code == 403
        bought.refresh_from_db()
        assert bought.credits_left == 5


# ---------------------------------------------------------------------------------------------
# Freezes
# ---------------------------------------------------------------------------------------------


def freeze_post(member, starts_on: datetime.date, ends_on: datetime.date, reason: str = "Travelling") -> dict:
    return {
        "member": member.pk,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "reason": reason,
    }


class TestFreezes:
    def test_staff_freeze_a_membership_through_the_service(self, admin_client, admin_user):
        membership = MembershipFactory()
        starts_on = club_today() + datetime.timedelta(days=7)

        response = admin_client.post(
            url("membershipfreeze", "add"), freeze_post(membership.member, starts_on, starts_on + 13 * ONE_DAY)
        )

        assert response.status_code == 302
        freeze = MembershipFreeze.objects.get()
        assert (freeze.membership, freeze.days, freeze.reason, freeze.created_by) == (
            membership,
            14,
            "Travelling",
            admin_user,
        )

    def test_the_add_page_starts_from_the_member_it_was_opened_for(self, admin_client):
        membership = MembershipFactory()

        response = admin_client.get(url("membershipfreeze", "add"), {"member": membership.member_id})

        assert response.context["adminform"].form["member"].value() == str(membership.member_id)

    def test_refusals_show_under_the_field(self, admin_client):
        membership = MembershipFactory()
        starts_on = club_today() + datetime.timedelta(days=3)
        registration = ClassRegistrationFactory(
            member=membership.member, group_class__booking__start_time=local_time(days=5, hour=10)
        )

        short = admin_client.post(
            url("membershipfreeze", "add"), freeze_post(membership.member, starts_on, starts_on + 2 * ONE_DAY)
        )
        booked = admin_client.post(
            url("membershipfreeze", "add"), freeze_post(membership.member, starts_on, starts_on + 9 * ONE_DAY)
        )
        no_plan = admin_client.post(
            url("membershipfreeze", "add"), freeze_post(MemberFactory(), starts_on, starts_on + 9 * ONE_DAY)
        )

        assert form_errors(short) == {"ends_on": [said("freeze_too_short", days=7)]}
        assert list(form_errors(booked)) == ["starts_on"]
        assert registration.group_class.name in form_errors(booked)["starts_on"][0]
        assert form_errors(no_plan) == {"starts_on": [said("membership_none")]}
        assert not MembershipFreeze.objects.exists()

    def test_a_running_freeze_ends_early_from_the_day_the_member_is_back(self, admin_client):
        today = club_today()
        freeze = MembershipFreezeFactory(starts_on=today - 3 * ONE_DAY, ends_on=today + 10 * ONE_DAY)

        response = admin_client.post(url("membershipfreeze", "change", freeze.pk), {"back_on": today.isoformat()})

        assert response.status_code == 302
        freeze.refresh_from_db()
        assert freeze.ends_on == today - ONE_DAY

    def test_a_freeze_not_started_yet_is_called_off(self, admin_client):
        freeze = MembershipFreezeFactory()

        response = admin_client.post(
            url("membershipfreeze", "change", freeze.pk), {"back_on": freeze.starts_on.isoformat()}, follow=True
        )

        assert not MembershipFreeze.objects.exists()
        assert messages_of(response) == [
            f"The freeze of {freeze.membership.member} from {day_text(freeze.starts_on)} was called off."
        ]

    def test_a_back_on_day_outside_the_freeze_shows_under_its_field(self, admin_client):
        freeze = MembershipFreezeFactory()

        response = admin_client.post(
            url("membershipfreeze", "change", freeze.pk), {"back_on": (freeze.ends_on + ONE_DAY).isoformat()}
        )

        assert form_errors(response) == {"back_on": [said("freeze_end_invalid", last=day_text(freeze.ends_on))]}

    def test_a_freeze_that_is_over_is_only_shown(self, admin_client):
        today = club_today()
        freeze = MembershipFreezeFactory(starts_on=today - 20 * ONE_DAY, ends_on=today - 10 * ONE_DAY)

        page = admin_client.get(url("membershipfreeze", "change", freeze.pk))
        change = admin_client.post(url("membershipfreeze", "change", freeze.pk), {"back_on": today.isoformat()})

        assert page.status_code == 200
        assert change.status_code == 403

    def test_the_action_ends_freezes_today_and_calls_off_those_to_come(self, admin_client):
        today = club_today()
        running = MembershipFreezeFactory(starts_on=today - 3 * ONE_DAY, ends_on=today + 10 * ONE_DAY)
        upcoming = MembershipFreezeFactory()

        response = admin_client.post(
            url("membershipfreeze", "changelist"),
            {"action": "end_today", "_selected_action": [running.pk, upcoming.pk]},
            follow=True,
        )

        said = "2 freezes are over (those that had not started are called off): their memberships run, and are "
        assert said + "billed, again from today." in messages_of(response)
        assert list(MembershipFreeze.objects.all()) == [running]
        running.refresh_from_db()
        assert running.ends_on == today - ONE_DAY

    def test_the_front_desk_freezes_a_member(self, client):
        user = sign_in_as(client, AdminStaff.Role.FRONT_DESK)
        membership = MembershipFactory()
        starts_on = club_today() + datetime.timedelta(days=7)

        response = client.post(
            url("membershipfreeze", "add"), freeze_post(membership.member, starts_on, starts_on + 13 * ONE_DAY)
        )

        assert response.status_code == 302
        assert MembershipFreeze.objects.get().created_by == user

    def test_the_membership_page_shows_its_freezes(self, admin_client):
        freeze = MembershipFreezeFactory(reason="Knee surgery")

        response = admin_client.get(url("membership", "change", freeze.membership_id))

        formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is MembershipFreeze)
        assert list(formset.formset.queryset) == [freeze]
        assert "Knee surgery" in response.content.decode()
        assert not formset.has_add_permission


# ---------------------------------------------------------------------------------------------
# Notice, plan changes, joining
# ---------------------------------------------------------------------------------------------


def act(client, action: str, *memberships, **extra):
    return client.post(
        url("membership", "changelist"),
        {"action": action, "_selected_action": [m.pk for m in memberships], **extra},
        follow=True,
    )


class TestNoticeAndPlanChanges:
    def test_giving_notice_ends_the_membership_per_its_plan(self, admin_client):
        membership = MembershipFactory(plan=MembershipPlanFactory(notice_months=1))
        today = club_today()
        ends_on = add_months(today, 1) - ONE_DAY

        response = act(admin_client, "give_notice", membership)

        membership.refresh_from_db()
        assert (membership.ended_on, membership.cancelled_on) == (ends_on, today)
        assert messages_of(response) == [
            f"{membership.member}: notice given; the membership ends on {day_text(ends_on)}."
        ]

    def test_notice_given_twice_is_refused_by_name_and_withdrawn(self, admin_client):
        membership = MembershipFactory(plan=MembershipPlanFactory(notice_months=1))
        services.membership_cancel(member=membership.member)
        membership.refresh_from_db()

        again = act(admin_client, "give_notice", membership)
        withdrawn = act(admin_client, "withdraw_notice", membership)

        message = said("membership_already_cancelled", ended_on=day_text(membership.ended_on))
        assert messages_of(again) == [f"{membership.member}: {message}"]
        assert messages_of(withdrawn) == [f"{membership.member}: notice withdrawn; the membership runs on."]
        membership.refresh_from_db()
        assert (membership.ended_on, membership.cancelled_on) == (None, None)

    def test_the_list_shows_when_notice_was_given(self, admin_client):
        membership = MembershipFactory(plan=MembershipPlanFactory(notice_months=1))
        services.membership_cancel(member=membership.member)

        response = admin_client.get(url("membership", "changelist"), {"cancelled_on__isnull": "False"})

        assert list(response.context["cl"].result_list) == [membership]

    def test_changing_plan_asks_for_the_plan_then_moves_from_next_month(self, admin_client):
        membership = MembershipFactory()
        bigger = MembershipPlanFactory(name="Unlimited", monthly_fee=Decimal("65.00"))
        first_of_next = month_end(club_today()) + ONE_DAY

        asked = act(admin_client, "change_plan", membership)
        moved = act(admin_client, "change_plan", membership, plan=bigger.pk, apply="1")

        assert asked.status_code == 200
        assert "plan" in asked.context["form"].fields
        assert messages_of(moved) == [f"{membership.member} moves to Unlimited on {day_text(first_of_next)}."]
        new = Membership.objects.get(member=membership.member, plan=bigger)
        assert new.started_on == first_of_next
        membership.refresh_from_db()
        assert membership.ended_on == first_of_next - ONE_DAY

    def test_a_refused_plan_change_of_one_member_shows_under_the_plan(self, admin_client):
        plan = MembershipPlanFactory(monthly_fee=Decimal("65.00"), minimum_term_months=24)
        membership = MembershipFactory(plan=plan)
        cheaper = MembershipPlanFactory(monthly_fee=Decimal("25.00"))

        response = act(admin_client, "change_plan", membership, plan=cheaper.pk, apply="1")

        term_ends = add_months(membership.started_on, 24) - ONE_DAY
        assert response.context["form"].errors == {"plan": [said("plan_change_in_term", term_ends=day_text(term_ends))]}
        assert Membership.objects.count() == 1


class TestJoining:
    def test_a_member_joins_on_a_plan_with_the_first_invoice_at_once(self, admin_client):
        member = MemberFactory()
        plan = MembershipPlanFactory(name="Classes 8", monthly_fee=Decimal("45.00"), joining_fee=Decimal("20.00"))

        response = admin_client.post(url("membership", "join"), {"member": member.pk, "plan": plan.pk}, follow=True)

        membership = Membership.objects.get(member=member)
        assert (membership.plan, membership.started_on) == (plan, club_today())
        invoice = Invoice.objects.get(member=member)
        assert invoice.status == Invoice.Status.ISSUED
        assert {line.kind for line in invoice.lines.all()} == {"joining", "plan"}
        total = money_text(invoice.total)
        assert messages_of(response) == [f"{member} joined on Classes 8; invoice {invoice} of {total} issued."]

    def test_a_member_with_a_membership_is_refused_under_the_plan(self, admin_client):
        membership = MembershipFactory()

        response = admin_client.post(
            url("membership", "join"), {"member": membership.member_id, "plan": MembershipPlanFactory().pk}
        )

        assert response.context["form"].errors == {"plan": [said("membership_exists", plan=membership.plan.name)]}

    def test_the_list_links_to_joining_for_those_who_may_add(self, admin_client, client):
        sign_in_as(client, AdminStaff.Role.FRONT_DESK)
        join = url("membership", "join")

        assert join in admin_client.get(url("membership", "changelist")).content.decode()
        assert join not in client.get(url("membership", "changelist")).content.decode()
        assert client.get(join).status_code == 403


# ---------------------------------------------------------------------------------------------
# The invoice shows the new kinds of line
# ---------------------------------------------------------------------------------------------


def test_an_invoice_page_names_joining_pack_adjustment_and_fee_lines(admin_client):
    member = MemberFactory()
    plan = MembershipPlanFactory(monthly_fee=Decimal("45.00"), joining_fee=Decimal("20.00"))
    joined = services.membership_join(member=member, plan=plan)
    bought = services.credit_pack_buy(member=member, pack=ClassPackFactory())

    joining_page = admin_client.get(url("invoice", "change", joined.invoice.pk)).content.decode()
    pack_page = admin_client.get(url("invoice", "change", bought.invoice_lines.get().invoice_id)).content.decode()
    lines_page = admin_client.get(reverse("admin:billing_invoiceline_changelist"), {"kind": "pack"})

    assert "Joining fee" in joining_page and "Membership month" in joining_page
    assert "Class pack" in pack_page
    assert [line.kind for line in lines_page.context["cl"].result_list] == ["pack"]
    filters = lines_page.content.decode()
    assert "Membership month adjustment" in filters and "Late-cancel or no-show fee" in filters
