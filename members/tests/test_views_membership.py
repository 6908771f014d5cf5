"""Member portal: the membership page, joining a plan, changing it, giving notice, freezing and ending a freeze."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing import services as billing
from billing.errors import BillingError
from billing.models import Invoice, InvoiceLine, Membership, MembershipFreeze, MembershipPlan
from billing.tests.factories import (
    InvoiceFactory,
    InvoiceLineFactory,
    MembershipFactory,
    MembershipFreezeFactory,
    MembershipPlanFactory,
    club_time,
)
from clubsite.testing import messages_of
from clubsite.testing.portal import field_errors, form_errors
from operations.tests.factories import ClassRegistrationFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def text(code: str, **params) -> str:
    return BillingError(code, **params).message


@pytest.fixture(autouse=True)
def december_tenth(time_machine):
    """Thursday 10 December 2026, 10:00 at the club."""
    time_machine.move_to(club_time(2026, 12, 10, 10))


@pytest.fixture
def gold() -> MembershipPlan:
    return MembershipPlanFactory(
        name="Gold",
        monthly_fee=Decimal("45.00"),
        joining_fee=Decimal("20.00"),
        classes=MembershipPlan.Classes.UNLIMITED,
        minimum_term_months=12,
        notice_months=1,
    )


@pytest.fixture
def silver() -> MembershipPlan:
    return MembershipPlanFactory(
        name="Silver",
        monthly_fee=Decimal("30.00"),
        classes=MembershipPlan.Classes.ALLOWANCE,
        classes_per_month=8,
    )


@pytest.fixture
def platinum() -> MembershipPlan:
    return MembershipPlanFactory(
        name="Platinum", monthly_fee=Decimal("60.00"), classes=MembershipPlan.Classes.UNLIMITED
    )


@pytest.fixture
def on_gold(member, gold) -> Membership:
    return MembershipFactory(member=member, plan=gold, started_on=D(2026, 6, 1))


URL = reverse("members:membership")


def page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


# -- the page ----------------------------------------------------------------------------------


def test_the_page_shows_the_plan_its_terms_and_what_this_month_and_next_cost(member_client, on_gold):
    content = page(member_client)

    for shown in (
        "Gold · £45.00 a month",
        "Unlimited classes",
        "Minimum term 12 months",
        "1 month’s notice to cancel",
        "1 June 2026",  # started
        "31 May 2027",  # minimum term ends
        "0 of 90 frozen days used in 2026",
    ):
        assert shown in content, shown
    assert 'id="membership-status">Active' in content
    assert 'id="this-month">£45.00' in content
    assert 'id="next-month">£45.00' in content


def test_a_freeze_lowers_this_months_charge_and_is_listed(member_client, on_gold):
    MembershipFreezeFactory(membership=on_gold, starts_on=D(2026, 12, 14), ends_on=D(2026, 12, 27), reason="Skiing")
    MembershipFreezeFactory(membership=on_gold, starts_on=D(2026, 8, 1), ends_on=D(2026, 8, 10))

    content = page(member_client)

    # 45 x 17/31 days
    assert 'id="this-month">£24.68 <span class="text-muted small">(17 of 31 days, 14 frozen)' in content
    assert "14 Dec 2026 – 27 Dec 2026 · 14 days · Skiing" in content
    assert "Upcoming" in content and "Past" in content
    assert "24 of 90 frozen days used in 2026" in content


def test_a_frozen_membership_says_until_when(member_client, on_gold):
    MembershipFreezeFactory(membership=on_gold, starts_on=D(2026, 12, 5), ends_on=D(2026, 12, 20))

    content = page(member_client)

    assert 'id="membership-status">Frozen until 20 Dec 2026' in content
    assert "End early" in content


def test_a_pending_change_shows_the_next_plan_and_what_next_month_costs(member_client, member, on_gold, platinum):
    billing.membership_change_plan(member=member, plan=platinum)

    content = page(member_client)

    assert "Platinum from 1 January 2027 (£60.00 a month)" in content
    assert 'id="next-month">£60.00 on Platinum' in content
    assert "Stay on Gold" in content


def test_notice_given_shows_the_end_date_and_a_way_to_withdraw(member_client, member, on_gold):
    billing.membership_cancel(member=member)

    content = page(member_client)

    assert "31 May 2027 (you gave notice on 10 December 2026)" in content
    assert "Withdraw the cancellation" in content
    assert "Cancel the membership" not in content


def test_without_a_membership_the_page_offers_the_plans_with_their_first_invoice(member_client, gold, silver):
    MembershipPlanFactory(name="Retired", is_active=False)

    content = page(member_client)

    assert "You have no membership yet" in content
    assert "Joining fee — Gold" in content
    assert "Gold membership — December 2026 (22 of 31 days)" in content
    assert "£31.94" in content and "£51.94" in content  # 45 x 22/31, with the joining fee
    assert "8 classes a month" in content
    assert reverse("members:membership-join", args=[gold.pk]) in content
    assert "Retired" not in content


def test_the_page_costs_the_same_with_more_freezes_invoices_and_plans(member_client, member, on_gold):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert member_client.get(URL).status_code == 200
        return len(queries)

    MembershipFreezeFactory(membership=on_gold, starts_on=D(2026, 7, 1), ends_on=D(2026, 7, 7))
    small = count()
    for month in range(8, 12):
        MembershipFreezeFactory(membership=on_gold, starts_on=D(2026, month, 1), ends_on=D(2026, month, 7))
        InvoiceLineFactory(invoice=InvoiceFactory(member=member, period_start=D(2026, month, 1)))
        MembershipPlanFactory()
    MembershipFreezeFactory(membership=on_gold, starts_on=D(2026, 12, 20), ends_on=D(2026, 12, 30))

    assert count() == small
    assert small <= 4 + 5  # the portal's four, the five of membership_page


# -- joining -----------------------------------------------------------------------------------


def test_joining_shows_the_first_invoice_then_issues_it(member_client, member, gold):
    url = reverse("members:membership-join", args=[gold.pk])

    confirm = member_client.get(url).content.decode()
    response = member_client.post(url, follow=True)

    assert "Joining fee — Gold" in confirm and "£51.94" in confirm
    invoice = Invoice.objects.get(member=member)
    assert response.redirect_chain[-1][0] == reverse("members:invoice-detail", args=[invoice.pk])
    assert messages_of(response) == [
        "Welcome to the Gold plan! Here is your first invoice: the joining fee and the rest of December."
    ]
    assert invoice.status == Invoice.Status.ISSUED
    assert sorted(line.amount for line in invoice.lines.all()) == [Decimal("20.00"), Decimal("31.94")]


def test_joining_twice_is_refused_with_the_services_message(member_client, on_gold, silver):
    response = member_client.post(reverse("members:membership-join", args=[silver.pk]))

    assert form_errors(response) == [text("membership_exists", plan="Gold")]


def test_a_plan_no_longer_offered_cannot_be_joined(member_client, member):
    retired = MembershipPlanFactory(name="Retired", is_active=False)

    response = member_client.post(reverse("members:membership-join", args=[retired.pk]))

    assert "This plan is no longer offered." in response.content.decode()
    assert form_errors(response) == [text("plan_inactive")]
    assert not Membership.objects.filter(member=member).exists()


def test_an_unknown_plan_is_a_404(member_client):
    assert member_client.get(reverse("members:membership-join", args=[999999])).status_code == 404


# -- changing plan -----------------------------------------------------------------------------


def test_a_plan_change_says_when_it_starts_and_what_that_month_costs(member_client, member, on_gold, platinum):
    url = reverse("members:membership-change", args=[platinum.pk])

    confirm = member_client.get(url).content.decode()
    response = member_client.post(url, follow=True)

    assert "The change takes effect on <strong>1 January 2027</strong>; December stays on Gold" in confirm
    assert "January will cost <strong>£60.00</strong>" in confirm
    assert messages_of(response) == ["From 1 January 2027 your plan is Platinum (£60.00 a month)."]
    following = Membership.objects.get(member=member, plan=platinum)
    assert following.started_on == D(2027, 1, 1)


def test_choosing_the_current_plan_again_calls_the_change_off(member_client, member, on_gold, platinum, gold):
    billing.membership_change_plan(member=member, plan=platinum)
    url = reverse("members:membership-change", args=[gold.pk])

    confirm = member_client.get(url).content.decode()
    response = member_client.post(url, follow=True)

    assert "This calls off your change to Platinum" in confirm
    assert messages_of(response) == ["Your plan change is called off: you stay on Gold."]
    assert not Membership.objects.filter(member=member, plan=platinum).exists()


def test_a_cheaper_plan_during_the_minimum_term_is_refused(member_client, member, on_gold, silver):
    response = member_client.post(reverse("members:membership-change", args=[silver.pk]))

    assert form_errors(response) == [text("plan_change_in_term", term_ends="Mon 31 May 2027")]
    assert not Membership.objects.filter(member=member, plan=silver).exists()


# -- cancelling --------------------------------------------------------------------------------


def test_the_end_date_and_its_reason_are_shown_before_cancelling(member_client, member, on_gold):
    url = reverse("members:membership-cancel")

    confirm = member_client.get(url).content.decode()

    assert "ends on <strong>Monday 31 May 2027</strong>" in confirm
    assert "Your plan has a minimum term of 12 months, until 31 May 2027." in confirm
    on_gold.refresh_from_db()
    assert on_gold.ended_on is None

    response = member_client.post(url, follow=True)

    on_gold.refresh_from_db()
    assert (on_gold.ended_on, on_gold.cancelled_on) == (D(2027, 5, 31), D(2026, 12, 10))
    assert messages_of(response) == [
        "Your membership is cancelled: its last day is 31 May 2027. You can withdraw the cancellation until then."
    ]


def test_after_the_minimum_term_the_notice_period_sets_the_end(member_client, member, gold):
    MembershipFactory(member=member, plan=gold, started_on=D(2025, 1, 1))

    confirm = member_client.get(reverse("members:membership-cancel")).content.decode()

    assert "ends on <strong>Saturday 9 January 2027</strong>" in confirm
    assert "Your plan asks for 1 month’s notice." in confirm


def test_cancelling_twice_is_refused(member_client, member, on_gold):
    billing.membership_cancel(member=member)

    response = member_client.post(reverse("members:membership-cancel"))

    assert form_errors(response) == [text("membership_already_cancelled", ended_on="Mon 31 May 2027")]


def test_notice_can_be_withdrawn(member_client, member, on_gold):
    billing.membership_cancel(member=member)
    url = reverse("members:membership-cancel-withdraw")

    assert "now ends on 31 May 2027" in member_client.get(url).content.decode()
    response = member_client.post(url, follow=True)

    on_gold.refresh_from_db()
    assert (on_gold.ended_on, on_gold.cancelled_on) == (None, None)
    assert messages_of(response) == ["Your cancellation is withdrawn: your Gold membership runs on."]
    again = member_client.post(url)
    assert form_errors(again) == [text("membership_not_cancelled")]


# -- freezing ----------------------------------------------------------------------------------

FREEZE = reverse("members:membership-freeze")


def test_a_freeze_is_previewed_with_the_lower_charge_then_confirmed(member_client, member, on_gold):
    dates = {"starts_on": "2026-12-14", "ends_on": "2026-12-27", "reason": "Skiing"}

    preview = member_client.post(FREEZE, dates)

    content = preview.content.decode()
    assert "14 days frozen: 14 Dec 2026 – 27 Dec 2026" in content
    assert "December 2026: £45.00 → <strong>£24.68</strong>" in content
    assert not MembershipFreeze.objects.exists()  # nothing kept from the preview

    response = member_client.post(FREEZE, {**dates, "confirm": "1"}, follow=True)

    freeze = MembershipFreeze.objects.get()
    assert (freeze.membership, freeze.starts_on, freeze.ends_on, freeze.reason) == (
        on_gold,
        D(2026, 12, 14),
        D(2026, 12, 27),
        "Skiing",
    )
    assert freeze.created_by == member.user
    assert messages_of(response) == [
        "Your membership is frozen from 14 December 2026 to 27 December 2026 (14 days): no charge for those days."
    ]
    assert "14 Dec 2026 – 27 Dec 2026 · 14 days · Skiing" in response.content.decode()


def test_a_freeze_over_two_months_shows_both(member_client, on_gold):
    content = member_client.post(FREEZE, {"starts_on": "2026-12-25", "ends_on": "2027-01-10"}).content.decode()

    assert "December 2026: £45.00 → <strong>£34.84</strong>" in content  # 24 of 31 days
    assert "January 2027: £45.00 → <strong>£30.48</strong>" in content  # 21 of 31 days


@pytest.mark.parametrize(
    ("dates", "field", "code", "params"),
    [
        (("2026-12-14", "2026-12-16"), "ends_on", "freeze_too_short", {"days": 7}),
        (("2026-12-14", "2027-03-01"), "ends_on", "freeze_too_long", {"days": 60}),
        (("2026-12-01", "2026-12-20"), "starts_on", "freeze_in_past", {}),
        (("2026-12-20", "2026-12-14"), "ends_on", "freeze_end_before_start", {}),
    ],
)
@pytest.mark.parametrize("step", ["preview", "confirm"])
def test_a_refused_freeze_shows_the_message_under_its_field(member_client, on_gold, dates, field, code, params, step):
    data = {"starts_on": dates[0], "ends_on": dates[1], **({"confirm": "1"} if step == "confirm" else {})}

    response = member_client.post(FREEZE, data)

    assert field_errors(response, field) == [text(code, **params)]
    assert "freeze-preview" not in response.content.decode()
    assert not MembershipFreeze.objects.exists()


def test_an_overlapping_freeze_is_refused(member_client, on_gold):
    MembershipFreezeFactory(membership=on_gold, starts_on=D(2026, 12, 20), ends_on=D(2026, 12, 31))

    response = member_client.post(FREEZE, {"starts_on": "2026-12-14", "ends_on": "2026-12-27"})

    assert field_errors(response, "starts_on") == [text("freeze_overlaps", span="Sun 20 Dec 2026 – Thu 31 Dec 2026")]


def test_the_yearly_limit_is_refused(member_client, on_gold):
    MembershipFreezeFactory(membership=on_gold, starts_on=D(2026, 7, 1), ends_on=D(2026, 8, 29))  # 60 days
    MembershipFreezeFactory(membership=on_gold, starts_on=D(2026, 9, 1), ends_on=D(2026, 9, 25))  # 25 days

    response = member_client.post(FREEZE, {"starts_on": "2026-12-14", "ends_on": "2026-12-27"})

    assert field_errors(response, "ends_on") == [text("freeze_yearly_limit", limit=90, year=2026, used=85, left=5)]


def test_a_freeze_over_a_booking_is_refused(member_client, member, on_gold):
    ClassRegistrationFactory(member=member, group_class__booking__start_time=club_time(2026, 12, 15, 18))

    response = member_client.post(FREEZE, {"starts_on": "2026-12-14", "ends_on": "2026-12-27"})

    [error] = field_errors(response, "starts_on")
    assert error.startswith("You have ") and error.endswith("cancel it first, or choose other dates.")


def test_without_a_membership_there_is_nothing_to_freeze(member_client):
    response = member_client.post(FREEZE, {"starts_on": "2026-12-14", "ends_on": "2026-12-27"})

    assert field_errors(response, "starts_on") == [text("membership_none")]


# -- ending a freeze ---------------------------------------------------------------------------


def test_a_current_freeze_ends_early_from_today(member_client, on_gold):
    freeze = MembershipFreezeFactory(membership=on_gold, starts_on=D(2026, 12, 5), ends_on=D(2026, 12, 20))
    url = reverse("members:freeze-end", args=[freeze.pk])

    form = member_client.get(url)
    response = member_client.post(url, {"back_on": "2026-12-10"}, follow=True)

    assert form.context["form"].initial["back_on"] == D(2026, 12, 10)
    freeze.refresh_from_db()
    assert freeze.ends_on == D(2026, 12, 9)
    assert messages_of(response) == [
        "Your freeze now ends on 9 December 2026: your membership runs again from 10 December 2026."
    ]


def test_a_back_on_day_outside_the_freeze_is_refused_under_the_field(member_client, on_gold):
    freeze = MembershipFreezeFactory(membership=on_gold, starts_on=D(2026, 12, 5), ends_on=D(2026, 12, 20))

    response = member_client.post(reverse("members:freeze-end", args=[freeze.pk]), {"back_on": "2026-12-28"})

    assert field_errors(response, "back_on") == [text("freeze_end_invalid", last="Sun 20 Dec 2026")]


def test_a_future_freeze_is_called_off(member_client, on_gold):
    freeze = MembershipFreezeFactory(membership=on_gold, starts_on=D(2026, 12, 14), ends_on=D(2026, 12, 27))
    url = reverse("members:freeze-end", args=[freeze.pk])

    assert "Call off the freeze" in member_client.get(url).content.decode()
    response = member_client.post(url, {"back_on": "2026-12-14"}, follow=True)

    assert not MembershipFreeze.objects.exists()
    assert messages_of(response) == ["Your freeze of 14 December 2026 – 27 December 2026 is called off."]


def test_another_members_freeze_is_a_404(member_client, other_member):
    theirs = MembershipFreezeFactory(membership=MembershipFactory(member=other_member))
    url = reverse("members:freeze-end", args=[theirs.pk])

    assert member_client.get(url).status_code == 404
    assert member_client.post(url, {"back_on": theirs.starts_on.isoformat()}).status_code == 404
    assert MembershipFreeze.objects.filter(pk=theirs.pk).exists()


def test_the_nav_links_to_the_membership_page(member_client):
    response = member_client.get(reverse("members:dashboard"))

    assert f'href="{URL}">Membership</a>' in response.content.decode()


def test_the_lines_of_the_invoice_follow_the_plan_lines(member_client, member, gold):
    # The first invoice's preview and the invoice itself say the same.
    confirm = member_client.get(reverse("members:membership-join", args=[gold.pk])).context["first_invoice"]
    member_client.post(reverse("members:membership-join", args=[gold.pk]))

    lines = InvoiceLine.objects.filter(invoice__member=member).order_by("id")
    assert [(line.description, line.amount) for line in lines] == [
        (line.description, line.amount) for line in confirm.lines
    ]
