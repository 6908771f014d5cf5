"""Member portal: class packs on sale, buying one (invoiced at once), and the credits the member holds."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.errors import BillingError
from billing.models import CreditPack, Invoice, InvoiceLine
from billing.tests.factories import ClassPackFactory, CreditPackFactory, club_time
from clubsite.testing import messages_of
from clubsite.testing.portal import form_errors

pytestmark = pytest.mark.django_db

D = datetime.date
URL = reverse("members:packs")


@pytest.fixture(autouse=True)
def december_tenth(time_machine):
    time_machine.move_to(club_time(2026, 12, 10, 10))


def test_the_page_lists_the_packs_on_sale_and_the_members_packs_with_their_expiry(member_client, member):
    ten = ClassPackFactory(name="10-class pack", credits=10, price=Decimal("70.00"), valid_days=180)
    ClassPackFactory(name="Old pack", is_active=False)
    CreditPackFactory(member=member, pack=ten, credits_left=4, expires_on=D(2027, 3, 1))
    CreditPackFactory(member=member, pack=ten, credits_left=2, expires_on=D(2026, 12, 1))  # expired

    response = member_client.get(URL)

    content = response.content.decode()
    assert "10 class credits · £70.00 · valid for 180 days" in content
    assert "Old pack" not in content.split("Your packs")[0]
    assert "4 of 10" in content and "1 Mar 2027" in content
    assert '1 Dec 2026 <span class="badge text-bg-secondary">Expired</span>' in content
    assert 'id="credits-left">4<' in content  # the expired pack's credits cannot be used


def test_buying_a_pack_confirms_then_lands_on_its_invoice(member_client, member):
    pack = ClassPackFactory(name="5-class pack", credits=5, price=Decimal("40.00"), valid_days=90)
    url = reverse("members:pack-buy", args=[pack.pk])

    confirm = member_client.get(url).content.decode()
    response = member_client.post(url, follow=True)

    assert "5 class credits" in confirm and "Buy for £40.00" in confirm
    bought = CreditPack.objects.get(member=member)
    invoice = Invoice.objects.get(member=member)
    assert response.redirect_chain[-1][0] == reverse("members:invoice-detail", args=[invoice.pk])
    assert messages_of(response) == [
        "You bought the 5-class pack: 5 class credits to use by 9 March 2027. Here is its invoice."
    ]
    assert invoice.status == Invoice.Status.ISSUED
    assert InvoiceLine.objects.get(invoice=invoice).credit_pack == bought
    assert 'id="credits-left">5<' in member_client.get(URL).content.decode()
    assert 'id="credits-left">5<' in member_client.get(reverse("members:dashboard")).content.decode()


def test_a_pack_taken_off_sale_is_refused(member_client, member):
    pack = ClassPackFactory(is_active=False)

    response = member_client.post(reverse("members:pack-buy", args=[pack.pk]))

    assert "This pack is no longer on sale." in response.content.decode()
    assert form_errors(response) == [BillingError.messages["pack_inactive"].text]
    assert not CreditPack.objects.filter(member=member).exists()


def test_an_unknown_pack_is_a_404(member_client):
    assert member_client.get(reverse("members:pack-buy", args=[999999])).status_code == 404


def test_another_members_packs_are_not_shown(member_client, other_member):
    CreditPackFactory(member=other_member, pack=ClassPackFactory(name="Bob's pack"))

    content = member_client.get(URL).content.decode()

    assert "You have not bought a pack yet." in content
    assert 'id="credits-left">0<' in content


def test_the_page_costs_the_same_with_more_packs(member_client, member):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert member_client.get(URL).status_code == 200
        return len(queries)

    CreditPackFactory(member=member)
    small = count()
    for index in range(8):
        CreditPackFactory(member=member, pack=ClassPackFactory(), expires_on=D(2026, 11, 1 + index))

    assert count() == small
    assert small <= 4 + 3  # the portal's four; packs on sale, the member's packs, credits left
