"""Account pages: sign-up as a member, sign-in by email, password change and password reset by email."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clubsite.accounts.errors import AccountError
from clubsite.accounts.models import User
from clubsite.accounts.tests.factories import DEMO_PASSWORD, UserFactory
from clubsite.accounts.views import PASSWORD_CHANGED
from clubsite.testing import open_account, sign_in, sign_up_link
from clubsite.testing.jobs import run_jobs
from members.errors import MemberError
from members.models import Member
from members.tests.factories import MemberFactory

PASSWORD = "plum-orchard-47-quietly"


def _sign_up(**changes):
    data = {
        "first_name": "Nina",
        "last_name": "Newcomer",
        "email": "Nina.New@Example.COM",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "date_of_birth": "1995-05-17",
        "gender": "female",
        "phone": "07700 900123",
    }
    data.update(changes)
    return data


def _years_ago(years: int, days: int = 0) -> str:
    today = timezone.localdate()
    if (today.month, today.day) == (2, 29):
        # No 29 February that many years ago (mostly): a person born on the 28th is as old today.
        today -= datetime.timedelta(days=1)
    return (today.replace(year=today.year - years) + datetime.timedelta(days=days)).isoformat()


@pytest.mark.django_db
def test_the_home_page_links_to_sign_up_for_visitors(client):
    content = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("accounts:signup")}"' in content


@pytest.mark.django_db
def test_the_sign_in_page_links_to_sign_up_and_password_reset(client):
    content = client.get(reverse("accounts:login")).content.decode()

    assert reverse("accounts:signup") in content
    assert reverse("accounts:password-reset") in content


@pytest.mark.django_db
def test_the_sign_up_form_labels_every_input(client):
    content = client.get(reverse("accounts:signup")).content.decode()

    for field in ("first_name", "last_name", "email", "password1", "password2", "date_of_birth", "gender", "phone"):
        assert f'for="id_{field}"' in content, field
    assert 'type="date"' in content


@pytest.mark.django_db
def test_signing_up_mails_a_link_that_opens_the_account_and_the_dashboard(client):
    sent = client.post(reverse("accounts:signup"), _sign_up(), follow=True)

    assert sent.redirect_chain == [(reverse("accounts:signup-sent"), 302)]
    assert "We have sent a mail to <strong>Nina.New@Example.COM</strong>" in sent.content.decode()
    member = Member.objects.select_related("user").get()
    assert member.user.email == "Nina.New@example.com"
    assert (member.user.first_name, member.date_of_birth, member.gender, member.phone) == (
        "Nina",
        datetime.date(1995, 5, 17),
        "female",
        "07700 900123",
    )
    assert member.user.check_password(PASSWORD)
    # Until the link is followed the account is closed: signing in is refused like a wrong password.
    assert not member.user.is_active and SESSION_KEY not in client.session
    assert not sign_in(client, email="Nina.New@example.com", password=PASSWORD)

    run_jobs()
    [message] = mail.outbox
    assert message.subject == "Confirm your Clubsite Health & Fitness account"
    link = sign_up_link("Nina.New@example.com")
    page = client.get(link)
    assert "Open my account" in page.content.decode()
    assert not User.objects.get().is_active  # a mail scanner fetching the link opens nothing

    response = client.post(link, follow=True)

    assert int(client.session[SESSION_KEY]) == member.user.pk
    assert response.redirect_chain == [(reverse("members:dashboard"), 302)]
    assert "Welcome to the club, Nina! Your account is ready." in response.content.decode()
    assert User.objects.get().email_confirmed_at is not None
    # The link works once.
    client.logout()
    used = client.get(link)
    assert used.status_code == 404
    assert AccountError.messages["signup_link_invalid"].text in used.content.decode()


@pytest.mark.django_db
def test_the_new_member_can_sign_in_with_their_email_in_any_case(client):
    client.post(reverse("accounts:signup"), _sign_up())
    open_account(client, "Nina.New@example.com")
    client.logout()

    response = client.post(reverse("accounts:login"), {"username": "nina.new@EXAMPLE.com", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("accounts:landing")


@pytest.mark.django_db
def test_an_email_with_an_account_gets_the_same_answer_and_its_owner_a_mail(client):
    owner = MemberFactory(user__email="nina.new@example.com", user__first_name="Nina").user
    stranger = Client()

    known = stranger.post(reverse("accounts:signup"), _sign_up(email="NINA.NEW@example.com"), follow=True)
    fresh = Client().post(reverse("accounts:signup"), _sign_up(email="someone.else@example.com"), follow=True)

    # The same page either way, only the address typed differs.
    assert known.redirect_chain == fresh.redirect_chain == [(reverse("accounts:signup-sent"), 302)]
    assert known.content.decode().replace("NINA.NEW@example.com", "X") == fresh.content.decode().replace(
        "someone.else@example.com", "X"
    )
    assert SESSION_KEY not in stranger.session
    owner_before = (owner.password, owner.first_name)
    owner.refresh_from_db()
    assert (owner.password, owner.first_name) == owner_before
    run_jobs()
    to_owner = [message for message in mail.outbox if message.to == ["nina.new@example.com"]]
    assert [message.subject for message in to_owner] == [
        "Someone tried to sign up to Clubsite Health & Fitness with your address"
    ]
    assert "Nothing was changed." in to_owner[0].body


@pytest.mark.django_db
def test_a_sign_up_waiting_for_its_link_is_sent_the_link_again(client):
    client.post(reverse("accounts:signup"), _sign_up())
    client.post(reverse("accounts:signup"), _sign_up(first_name="Other"))
    run_jobs()

    assert [message.subject for message in mail.outbox] == ["Confirm your Clubsite Health & Fitness account"] * 2
    assert User.objects.get().first_name == "Nina"  # the first sign-up's details stand
    assert client.post(sign_up_link("Nina.New@example.com"), follow=True).redirect_chain[-1][0] == reverse(
        "members:dashboard"
    )


@pytest.mark.django_db
def test_resetting_the_password_of_a_waiting_sign_up_opens_it(client):
    # Someone signed up with Nina's address: the link goes to Nina, who never follows it, but wants an account
    # of her own. The reset link proves the address is hers, and opens the account with her password.
    Client().post(reverse("accounts:signup"), _sign_up(password1="squatter-pass-91", password2="squatter-pass-91"))

    client.post(reverse("accounts:password-reset"), {"email": "nina.new@example.com"})
    run_jobs()
    link = re.search(rf"{settings.CLUB_SITE_URL}(/accounts/password/reset/\S+/\S+/)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})

    user = User.objects.get()
    assert user.is_active and user.email_confirmed_at is not None
    assert sign_in(client, email="nina.new@example.com", password=PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", MemberError.messages["birth_date_future"].text),
        ({"date_of_birth": _years_ago(13, days=1)}, "date_of_birth", MemberError.messages["age_out_of_range"].text),
        ({"date_of_birth": _years_ago(121)}, "date_of_birth", MemberError.messages["age_out_of_range"].text),
        ({"phone": "12"}, "phone", MemberError.messages["phone_invalid"].text),
        ({"phone": "phone me"}, "phone", MemberError.messages["phone_invalid"].text),
        ({"password2": "something-else-entirely"}, "password2", "The two password fields didn’t match."),
        ({"password1": "12345678", "password2": "12345678"}, "password2", "This password is too common."),
        (
            {"password1": "short", "password2": "short"},
            "password2",
            "This password is too short. It must contain at least 8 characters.",
        ),
        (
            {"password1": "newcomer1", "password2": "newcomer1"},
            "password2",
            "The password is too similar to the last name.",
        ),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
    ],
)
def test_sign_up_refusals_show_on_their_field_and_create_nothing(client, changes, field, message):
    response = client.post(reverse("accounts:signup"), _sign_up(**changes))

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_thirteen_year_old_may_sign_up(client):
    response = client.post(reverse("accounts:signup"), _sign_up(date_of_birth=_years_ago(13)))

    assert response.status_code == 302
    assert Member.objects.count() == 1


@pytest.mark.django_db
def test_a_signed_in_person_is_sent_on_from_sign_up(client):
    client.force_login(MemberFactory().user)

    response = client.get(reverse("accounts:signup"))

    assert response.url == reverse("accounts:landing")


@pytest.mark.django_db
def test_a_member_lands_on_their_dashboard_after_signing_in(client):
    member = MemberFactory()

    response = client.post(
        reverse("accounts:login"), {"username": member.user.email, "password": DEMO_PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("members:dashboard")


@pytest.mark.django_db
def test_signing_out(client):
    client.force_login(MemberFactory().user)

    response = client.post(reverse("accounts:logout"))

    assert response.url == reverse("home")
    assert SESSION_KEY not in client.session


# -- password change ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_changing_the_password(client):
    user = MemberFactory().user
    client.force_login(user)

    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": DEMO_PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
        follow=True,
    )

    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert PASSWORD_CHANGED in response.content.decode()
    assert int(client.session[SESSION_KEY]) == user.pk  # still signed in


@pytest.mark.django_db
def test_a_wrong_old_password_is_refused(client):
    user = MemberFactory().user
    client.force_login(user)

    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "nope", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_password_change_needs_signing_in(client):
    response = client.get(reverse("accounts:password-change"))

    assert response.url.startswith(reverse("accounts:login"))


# -- password reset -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_by_email_end_to_end(client):
    user = MemberFactory(user__email="Reset.Me@club.test", user__first_name="Rita").user

    sent = client.post(reverse("accounts:password-reset"), {"email": "reset.me@CLUB.test"}, follow=True)

    assert sent.redirect_chain[-1][0] == reverse("accounts:password-reset-done")
    assert "Check your email" in sent.content.decode()
    assert mail.outbox == []  # a worker sends it
    run_jobs()
    [message] = mail.outbox
    assert message.to == ["Reset.Me@club.test"]
    assert message.subject == "Reset your Clubsite Health & Fitness password"
    assert message.body.startswith("Hello Rita,")
    link = re.search(rf"{settings.CLUB_SITE_URL}(/accounts/password/reset/\S+/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True
    )

    assert done.redirect_chain[-1][0] == reverse("accounts:password-reset-complete")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert client.get(link, follow=True).context["validlink"] is False


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("accounts:password-reset"), {"email": "nobody@club.test"}, follow=True)
    run_jobs()

    assert response.redirect_chain[-1][0] == reverse("accounts:password-reset-done")
    assert mail.outbox == []


@pytest.mark.django_db
def test_password_reset_refuses_a_weak_new_password(client):
    UserFactory(email="weak@club.test")
    client.post(reverse("accounts:password-reset"), {"email": "weak@club.test"})
    run_jobs()
    link = re.search(rf"{settings.CLUB_SITE_URL}(\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)

    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"})

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]


@pytest.mark.django_db
def test_every_wrong_field_of_a_sign_up_is_shown_at_once(client):
    MemberFactory(user__email="nina.new@example.com")

    response = client.post(
        reverse("accounts:signup"),
        _sign_up(
            email="NINA.NEW@example.com",
            date_of_birth="2999-01-01",
            phone="12",
            password2="something-else-entirely",
        ),
    )

    errors = response.context["form"].errors
    # The email is not among them: sign-up never says an address has an account.
    assert "email" not in errors
    assert errors["date_of_birth"] == [MemberError.messages["birth_date_future"].text]
    assert errors["phone"] == [MemberError.messages["phone_invalid"].text]
    assert errors["password2"] == ["The two password fields didn’t match."]
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_sign_up_never_opened_is_forgotten_after_a_week_and_an_opened_one_kept(client, time_machine):
    from billing.tasks import forget_unconfirmed_sign_ups

    time_machine.move_to(timezone.now(), tick=False)
    client.post(reverse("accounts:signup"), _sign_up())
    Client().post(reverse("accounts:signup"), _sign_up(email="opened@example.com"))
    open_account(Client(), "opened@example.com")

    time_machine.shift(datetime.timedelta(days=settings.CLUB_UNCONFIRMED_SIGN_UP_DAYS, seconds=1))
    forgotten = forget_unconfirmed_sign_ups(timestamp=0)

    assert forgotten == 1
    assert list(User.objects.values_list("email", flat=True)) == ["opened@example.com"]
    assert list(Member.objects.values_list("user__email", flat=True)) == ["opened@example.com"]
