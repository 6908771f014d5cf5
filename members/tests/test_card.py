"""The member card: a random code of each member's own, the "My card" page with its QR (theirs only), a new code
for a lost phone, the service worker that keeps the page for offline use, and the card over the API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from clubsite.testing.api import ApiClient
from members.models import Member
from members.services import member_card_rotate
from members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

CARD = reverse("members:card")


class TestCardCode:
    def test_every_member_has_a_long_random_code_of_their_own(self):
        first, second = MemberFactory(), MemberFactory()

        assert len(first.card_code) >= 16
        assert first.card_code != second.card_code
        assert first.card_code not in (str(first.pk), first.number)

    def test_the_code_is_unique_in_the_database(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_indexes WHERE tablename = 'members_member' AND indexdef LIKE '%UNIQUE%(card_code)%'"
            )
            assert cursor.fetchone() is not None

    def test_the_member_number_is_the_id_zero_padded(self):
        member = MemberFactory()

        assert member.number == f"{member.pk:06d}"
        assert Member(pk=1234567).number == "1234567"

    def test_rotating_gives_a_new_code(self):
        member = MemberFactory()
        old = member.card_code

        rotated = member_card_rotate(member=member)

        member.refresh_from_db()
        assert rotated.card_code == member.card_code != old
        assert not Member.objects.filter(card_code=old).exists()


class TestCardPage:
    def test_the_member_sees_their_name_number_and_qr(self, member_client, member):
        response = member_client.get(CARD)

        assert response.status_code == 200
        page = response.content.decode()
        assert "Ann Archer" in page and member.number in page
        assert '<svg viewBox="0 0' in page and 'class="member-card-qr"' in page
        # Checked with the server whenever online; never stored by a shared cache or on disk (the card's offline
        # copy is the service worker's, in the browser's Cache Storage).
        assert {"private", "no-cache", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}

    def test_the_qr_holds_the_members_own_code_and_no_one_elses(self, member_client, member, other_member):
        from members.qr import card_qr_svg

        page = member_client.get(CARD).content.decode()

        assert str(card_qr_svg(member)) in page
        assert str(card_qr_svg(other_member)) not in page
        assert other_member.number not in page

    def test_the_page_is_self_contained_with_no_inline_script(self, member_client):
        page = member_client.get(CARD).content.decode()

        assert "<script>" not in page
        assert 'src="/static/members/card.js"' in page
        assert 'data-worker="/member/card/sw.js"' in page and 'data-scope="/member/card/"' in page

    def test_only_members_may_open_it(self, client, trainer):
        assert client.get(CARD).status_code == 302
        client.force_login(trainer.user)
        assert client.get(CARD).status_code == 403

    def test_the_nav_links_to_the_card(self, member_client):
        assert f'href="{CARD}"' in member_client.get(reverse("members:dashboard")).content.decode()

    def test_a_new_code_from_the_page(self, member_client, member):
        old = member.card_code

        response = member_client.post(reverse("members:card-rotate"), follow=True)

        member.refresh_from_db()
        assert member.card_code != old
        assert "The old one no longer works" in response.content.decode()
        assert member_client.get(reverse("members:card-rotate")).status_code == 405


class TestServiceWorker:
    def test_the_worker_is_served_from_the_cards_path_for_anyone(self, client):
        response = client.get(reverse("members:card-worker"))

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/javascript")
        assert response["Service-Worker-Allowed"] == "/member/card/"
        assert "no-cache" in response["Cache-Control"]
        script = response.content.decode()
        assert 'var CACHE = "member-card-v1"' in script
        assert 'addEventListener("fetch"' in script


class TestCardApi:
    def test_the_member_reads_their_card(self, member):
        response = ApiClient(member.user).get("/member/card")

        assert response.status_code == 200
        body = response.json()
        assert (body["number"], body["card_code"], body["name"]) == (member.number, member.card_code, "Ann Archer")
        assert body["svg"].startswith("<svg")

    def test_rotating_over_the_api_retires_the_old_code(self, member):
        old = member.card_code

        body = ApiClient(member.user).post("/member/card/rotate").json()

        assert body["card_code"] != old
        assert not Member.objects.filter(card_code=old).exists()

    def test_staff_have_no_member_card(self):
        from clubsite.testing.roles import staff_user

        response = ApiClient(staff_user("front_desk")).get("/member/card")

        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
