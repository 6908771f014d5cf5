import pytest
from django.contrib.auth import authenticate

from clubsite.accounts.errors import AccountError
from clubsite.accounts.models import User
from clubsite.accounts.services import user_create
from clubsite.testing import sign_in
from clubsite.testing.races import race

PASSWORD = "a-long-enough-secret"


def _create(email="ann@club.test", **overrides):
    arguments = {"email": email, "password": PASSWORD, "first_name": "Ann", "last_name": "Lee", **overrides}
    return user_create(**arguments)


@pytest.mark.django_db
def test_user_create_strips_the_email_and_names_and_hashes_the_password():
    user = _create(email="  ann@Club.TEST \n", first_name=" Ann ", last_name=" Lee ")

    user.refresh_from_db()
    assert user.email == "ann@club.test"
    assert (user.first_name, user.last_name) == ("Ann", "Lee")
    assert user.password != PASSWORD
    assert user.check_password(PASSWORD)
    assert not user.is_staff


@pytest.mark.django_db
def test_user_create_without_password_makes_an_account_that_cannot_sign_in_with_one():
    user = _create(password=None)

    assert not user.has_usable_password()


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["", "   ", "not-an-email", "ann@", "@club.test", "ann @club.test", None])
def test_user_create_refuses_an_invalid_email(email):
    with pytest.raises(AccountError) as raised:
        _create(email=email)

    assert raised.value.code == "email_invalid"
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("names", [("", "Lee"), ("Ann", "  "), (None, "Lee")])
def test_user_create_requires_both_names(names):
    with pytest.raises(AccountError) as raised:
        _create(first_name=names[0], last_name=names[1])

    assert raised.value.code == "name_required"
    assert not User.objects.exists()


@pytest.mark.django_db
def test_user_create_refuses_an_overlong_name():
    with pytest.raises(AccountError) as raised:
        _create(first_name="A" * 151)

    assert raised.value.code == "name_too_long"
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_same_email_in_another_case_is_taken():
    _create(email="A@x.com")

    with pytest.raises(AccountError) as raised:
        _create(email="a@x.com")

    assert raised.value.code == "email_taken"
    assert list(User.objects.values_list("email", flat=True)) == ["A@x.com"]


@pytest.mark.django_db
def test_a_refused_sign_up_leaves_the_surrounding_transaction_usable():
    from django.db import transaction

    _create(email="ann@club.test")
    with transaction.atomic():
        with pytest.raises(AccountError):
            _create(email="ANN@club.test")
        # The failed insert was rolled back to its savepoint: the transaction goes on.
        _create(email="bob@club.test", first_name="Bob")

    assert User.objects.count() == 2


@pytest.mark.django_db
def test_sign_in_works_with_the_email_in_another_case(client, rf):
    _create(email="Ann.Lee@club.test")

    # Sign-in throttling (django-axes) needs the request to know who is trying.
    request = rf.post("/accounts/login/")
    assert authenticate(request, email="ann.lee@CLUB.test", password=PASSWORD) is not None
    assert authenticate(request, email=" ANN.LEE@club.test ", password=PASSWORD) is not None
    assert authenticate(request, email="ann.lee@club.test", password="wrong-password") is None
    assert sign_in(client, email="ANN.LEE@club.test", password=PASSWORD)


@pytest.mark.django_db
def test_the_sign_in_page_accepts_the_email_in_another_case(client):
    from django.urls import reverse

    _create(email="Ann.Lee@club.test")

    response = client.post(reverse("accounts:login"), {"username": "ANN.LEE@club.test", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(User.objects.get().pk)


@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_racing_with_the_same_email_in_another_case_create_one_user():
    rounds = 4
    for round_number in range(rounds):
        emails = [f"Racer{round_number}@club.test", f"racer{round_number}@club.test"]

        outcome = race(lambda i, emails=emails: _create(email=emails[i]), workers=2)

        assert len(outcome.results) == 1, outcome.errors
        assert len(outcome.errors) == 1
        assert isinstance(outcome.errors[0], AccountError)
        assert outcome.errors[0].code == "email_taken"
        assert User.objects.filter(email__iexact=emails[0]).count() == 1

    assert User.objects.count() == rounds
