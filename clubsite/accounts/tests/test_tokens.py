"""Personal access tokens: who a presented token acts for (token_user), the tokens page and the admin's."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clubsite.accounts.errors import AccountError
from clubsite.accounts.models import AccessToken
from clubsite.accounts.services import LAST_USED_PRECISION, token_create, token_revoke, token_user
from clubsite.accounts.tests.factories import UserFactory
from clubsite.accounts.views import TOKEN_REVOKED
from clubsite.core.clock import club_today, day_start
from clubsite.testing.api import ApiClient
from clubsite.testing.errors import refused
from clubsite.testing.twofactor import sign_in

pytestmark = pytest.mark.django_db

TOKENS_URL = reverse("accounts:tokens")
TOKEN_TEXT = re.compile(r"cs_[0-9a-f]{12}_[A-Za-z0-9_-]{20,}")


def revoke_url(token) -> str:
    return reverse("accounts:token-revoke", args=[token.pk])


def signed_in(client, user):
    return sign_in(client, user)


# -- token_user ---------------------------------------------------------------------------------


class TestTokenUser:
    def test_the_token_acts_for_its_owner_and_only_a_hash_is_kept(self):
        user = UserFactory()

        token, text = token_create(user=user, name="  My phone ")

        assert token_user(text) == user
        token.refresh_from_db()
        assert token.name == "My phone"
        assert text.startswith(f"cs_{token.prefix}_")
        secret = text.rsplit("_", 1)[1]
        assert secret not in token.secret_hash and len(token.secret_hash) == 64

    @pytest.mark.parametrize(
        "mangle",
        [
            lambda text: text[:-1] + ("A" if text[-1] != "A" else "B"),
            lambda text: text.replace("cs_", "xx_", 1),
            lambda text: text.rsplit("_", 1)[0],
            lambda text: "",
            lambda text: "cs_ffffffffffff_" + text.rsplit("_", 1)[1],
        ],
        ids=["wrong-secret", "wrong-scheme", "no-secret", "empty", "unknown-prefix"],
    )
    def test_anything_but_the_exact_text_acts_for_nobody(self, mangle):
        _token, text = token_create(user=UserFactory(), name="app")

        assert token_user(mangle(text)) is None

    def test_a_revoked_token_acts_for_nobody(self):
        token, text = token_create(user=UserFactory(), name="app")

        token_revoke(token=token)

        assert token_user(text) is None

    def test_an_expired_token_acts_for_nobody(self, time_machine):
        time_machine.move_to(timezone.now(), tick=False)
        token, text = token_create(
            user=UserFactory(), name="app", expires_at=timezone.now() + datetime.timedelta(days=1)
        )
        assert token_user(text) is not None

        time_machine.shift(datetime.timedelta(days=1))

        assert token_user(text) is None

    def test_the_token_of_a_deactivated_person_acts_for_nobody(self):
        user = UserFactory()
        _token, text = token_create(user=user, name="app")

        user.is_active = False
        user.save()

        assert token_user(text) is None

    def test_last_use_is_written_at_most_once_a_minute(self, time_machine, django_assert_num_queries):
        time_machine.move_to(timezone.now(), tick=False)
        token, text = token_create(user=UserFactory(), name="app")
        first = timezone.now()

        with django_assert_num_queries(2):  # the token, and its first use
            token_user(text)
        time_machine.shift(LAST_USED_PRECISION - datetime.timedelta(seconds=1))
        with django_assert_num_queries(1):  # within the minute: read only
            token_user(text)
        token.refresh_from_db()
        assert token.last_used_at == first

        time_machine.shift(datetime.timedelta(seconds=1))
        with django_assert_num_queries(2):
            token_user(text)
        token.refresh_from_db()
        assert token.last_used_at == first + LAST_USED_PRECISION

    def test_a_token_cannot_be_revoked_twice(self):
        token, _text = token_create(user=UserFactory(), name="app")
        token_revoke(token=token)

        with refused("token_already_revoked", AccountError):
            token_revoke(token=token)


# -- the tokens page ----------------------------------------------------------------------------


class TestTokensPage:
    def test_anyone_signed_in_may_open_it_and_visitors_are_sent_to_sign_in(self, client, member, trainer):
        assert client.get(TOKENS_URL).status_code == 302
        for user in (member.user, trainer.user, UserFactory(is_staff=True)):
            assert signed_in(client, user).get(TOKENS_URL).status_code == 200

    def test_creating_shows_the_token_once_and_it_works_over_the_api(self, client, member):
        signed_in(client, member.user)

        response = client.post(TOKENS_URL, {"name": "Door system", "expires_on": ""})

        assert response.status_code == 200
        page = response.content.decode()
        shown = TOKEN_TEXT.findall(page)
        assert len(shown) == 1
        assert "will not be shown again" in page
        assert "no-store" in response["Cache-Control"]
        token = AccessToken.objects.get(user=member.user)
        assert (token.name, token.expires_at) == ("Door system", None)
        assert ApiClient(token=shown[0]).get("/member/profile").status_code == 200

        again = client.get(TOKENS_URL).content.decode()
        assert TOKEN_TEXT.findall(again) == []
        # The secret is all after "cs_<prefix>_" (it may hold "_" itself: urlsafe base64).
        assert shown[0].split("_", 2)[2] not in again
        assert f"cs_{token.prefix}_…" in again and "Door system" in again

    def test_an_expiry_date_makes_it_work_through_that_day(self, client, member):
        last_day = club_today() + datetime.timedelta(days=30)

        signed_in(client, member.user).post(TOKENS_URL, {"name": "Script", "expires_on": last_day.isoformat()})

        token = AccessToken.objects.get()
        assert token.expires_at == day_start(last_day + datetime.timedelta(days=1))

    def test_an_expiry_in_the_past_is_refused_on_its_field(self, client, member):
        yesterday = club_today() - datetime.timedelta(days=2)

        response = signed_in(client, member.user).post(TOKENS_URL, {"name": "Script", "expires_on": yesterday})

        assert response.status_code == 200
        assert response.context["form"].errors["expires_on"] == [AccountError.messages["token_expiry_past"].text]
        assert TOKEN_TEXT.findall(response.content.decode()) == []
        assert not AccessToken.objects.exists()

    def test_a_name_is_required(self, client, member):
        response = signed_in(client, member.user).post(TOKENS_URL, {"name": "  "})

        assert response.context["form"].errors["name"]
        assert not AccessToken.objects.exists()

    def test_lists_only_the_persons_own_tokens_with_their_state(self, client, member, other_member):
        active, _ = token_create(user=member.user, name="Phone")
        revoked, _ = token_create(user=member.user, name="Old laptop")
        token_revoke(token=revoked)
        token_create(user=other_member.user, name="Bob's app")

        page = signed_in(client, member.user).get(TOKENS_URL).content.decode()

        assert "Phone" in page and "Old laptop" in page and "Bob&#x27;s app" not in page and "Bob's app" not in page
        assert page.count("Revoked</span>") == 1 and page.count("Active</span>") == 1
        assert revoke_url(active) in page and revoke_url(revoked) not in page

    def test_the_profile_page_and_the_trainer_portal_link_to_it(self, client, member, trainer):
        profile = signed_in(client, member.user).get(reverse("members:profile")).content.decode()
        schedule = signed_in(client, trainer.user).get(reverse("trainers:schedule")).content.decode()

        assert f'href="{TOKENS_URL}"' in profile
        assert schedule.count(f'href="{TOKENS_URL}"') == 1


class TestRevoke:
    def test_asks_first_then_revokes_and_the_api_refuses_the_token(self, client, member):
        token, text = token_create(user=member.user, name="Phone")
        assert ApiClient(token=text).get("/member/profile").status_code == 200
        signed_in(client, member.user)

        question = client.get(revoke_url(token))
        response = client.post(revoke_url(token), follow=True)

        assert "Revoke this token?" in question.content.decode()
        assert response.redirect_chain == [(TOKENS_URL, 302)]
        assert TOKEN_REVOKED.format(name="Phone") in response.content.decode()
        token.refresh_from_db()
        assert token.revoked_at is not None
        refused_call = ApiClient(token=text).get("/member/profile")
        assert refused_call.status_code == 401
        assert refused_call.json()["code"] == "not_authenticated"

    def test_revoking_twice_says_so(self, client, member):
        token, _ = token_create(user=member.user, name="Phone")
        token_revoke(token=token)

        response = signed_in(client, member.user).post(revoke_url(token))

        assert response.status_code == 200
        assert AccountError.messages["token_already_revoked"].text in response.content.decode()

    def test_another_persons_token_is_404(self, client, member, other_member):
        token, text = token_create(user=other_member.user, name="Bob's app")
        signed_in(client, member.user)

        assert client.get(revoke_url(token)).status_code == 404
        assert client.post(revoke_url(token)).status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None
        assert token_user(text) == other_member.user

    def test_visitors_are_sent_to_sign_in(self, client, member):
        token, _ = token_create(user=member.user, name="Phone")

        assert client.post(revoke_url(token)).status_code == 302
        token.refresh_from_db()
        assert token.revoked_at is None


# -- the admin ----------------------------------------------------------------------------------


class TestAdmin:
    def test_a_manager_cannot_make_a_token_for_someone_else(self, client):
        from clubsite.testing.roles import staff_user

        superuser = UserFactory(is_staff=True, is_superuser=True)
        sign_in(client, staff_user("manager"))

        refused_page = client.get(reverse("admin:accounts_accesstoken_add"))
        client.post(reverse("admin:accounts_accesstoken_add"), {"user": superuser.pk, "name": "Quiet access"})

        assert refused_page.status_code == 403
        assert not AccessToken.objects.filter(user=superuser).exists()

    def test_lists_and_searches_by_owner(self, admin_client):
        owner = UserFactory(email="zelda@club.test", first_name="Zelda", last_name="Quartermaine")
        token, _ = token_create(user=owner, name="Door system")
        token_create(user=UserFactory(), name="Other")
        url = reverse("admin:accounts_accesstoken_changelist")

        page = admin_client.get(url)
        by_email = admin_client.get(url, {"q": "zelda@club"})
        by_name = admin_client.get(url, {"q": "quarterm"})

        assert f"cs_{token.prefix}_…" in page.content.decode()
        assert by_email.context["cl"].result_count == 1
        assert by_name.context["cl"].result_count == 1

    def test_staff_make_a_token_for_a_person_and_see_its_text_once(self, admin_client):
        owner = UserFactory()

        response = admin_client.post(
            reverse("admin:accounts_accesstoken_add"), {"user": owner.pk, "name": "Door system"}, follow=True
        )

        assert response.status_code == 200
        token = AccessToken.objects.get()
        assert (token.user, token.name, token.revoked_at) == (owner, "Door system", None)
        shown = TOKEN_TEXT.findall(response.content.decode())
        assert len(shown) == 1 and token_user(shown[0]) == owner
        again = admin_client.get(reverse("admin:accounts_accesstoken_change", args=[token.pk])).content.decode()
        assert TOKEN_TEXT.findall(again) == []
        assert token.secret_hash not in again

    def test_a_past_expiry_is_refused_on_its_field(self, admin_client):
        past = timezone.localtime() - datetime.timedelta(days=1)

        response = admin_client.post(
            reverse("admin:accounts_accesstoken_add"),
            {"user": UserFactory().pk, "name": "Late", "expires_at_0": f"{past:%Y-%m-%d}", "expires_at_1": "12:00:00"},
        )

        assert response.status_code == 200
        assert response.context["adminform"].form.errors["expires_at"] == [
            AccountError.messages["token_expiry_past"].text
        ]
        assert not AccessToken.objects.exists()

    def test_the_hash_and_prefix_cannot_be_edited(self, admin_client):
        token, text = token_create(user=UserFactory(), name="App")
        url = reverse("admin:accounts_accesstoken_change", args=[token.pk])

        page = admin_client.get(url)
        admin_client.post(url, {"name": "Renamed", "prefix": "0" * 12, "secret_hash": "0" * 64})

        assert "secret_hash" not in page.context["adminform"].form.fields
        assert list(page.context["adminform"].form.fields) == []
        token.refresh_from_db()
        assert token.name == "App" and token_user(text) is not None

    def test_the_revoke_action_revokes_and_reports_what_was_already_revoked(self, admin_client):
        owner = UserFactory()
        live, text = token_create(user=owner, name="Live")
        gone, _ = token_create(user=owner, name="Gone")
        token_revoke(token=gone)

        response = admin_client.post(
            reverse("admin:accounts_accesstoken_changelist"),
            {"action": "revoke", "_selected_action": [live.pk, gone.pk]},
            follow=True,
        )

        page = response.content.decode()
        assert "Tokens revoked: 1." in page
        assert AccountError.messages["token_already_revoked"].text in page
        live.refresh_from_db()
        assert live.revoked_at is not None
        assert ApiClient(token=text).get("/member/profile").status_code == 401
