import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clubsite.accounts.admin import EmailFieldMixin
from clubsite.accounts.errors import AccountError
from clubsite.accounts.models import User
from clubsite.accounts.tests.factories import UserFactory
from clubsite.testing.twofactor import sign_in

EMAIL_TAKEN = AccountError.messages["email_taken"].text

PASSWORD = "a-long-enough-secret-9"


def _signs_in(client, email: str, password: str) -> bool:
    """Whether the sign-in page lets this person in (the way a person signs in, throttling and all)."""
    response = client.post(reverse("accounts:login"), {"username": email, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def _add(admin_client, **overrides):
    data = {
        "email": "new.person@club.test",
        "first_name": "New",
        "last_name": "Person",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return admin_client.post(reverse("admin:accounts_user_add"), data)


@pytest.mark.django_db
def test_user_changelist_lists_and_searches_by_email_and_name_without_a_query_per_row(admin_client):
    url = reverse("admin:accounts_user_changelist")
    UserFactory(email="zelda@club.test", first_name="Zelda", last_name="Quartermaine")

    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    UserFactory.create_batch(5)
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(url).status_code == 200
    by_email = admin_client.get(url, {"q": "ZELDA@club"})
    by_name = admin_client.get(url, {"q": "quarterm"})

    assert len(many) == len(few)
    assert by_email.context["cl"].result_count == 1
    assert by_name.context["cl"].result_count == 1


@pytest.mark.django_db
def test_user_add_page_asks_for_email_names_and_the_password_twice(admin_client):
    response = admin_client.get(reverse("admin:accounts_user_add"))

    assert response.status_code == 200
    assert list(response.context["adminform"].form.fields) == [
        "email",
        "first_name",
        "last_name",
        "password1",
        "password2",
    ]


@pytest.mark.django_db
def test_user_add_creates_a_user_who_can_sign_in(client, admin_client):
    response = _add(admin_client, email="  New.Person@CLUB.test ")

    assert response.status_code == 302
    user = User.objects.get(first_name="New")
    assert user.email == "New.Person@club.test"
    assert not user.is_staff
    assert _signs_in(client, "new.person@club.test", PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "NEW.PERSON@club.test"}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"password2": "something-else-entirely"}, "password2"),
        ({"password1": "123", "password2": "123"}, "password2"),
    ],
)
def test_user_add_shows_errors_instead_of_saving(admin_client, overrides, field):
    UserFactory(email="new.person@club.test")

    response = _add(admin_client, **overrides)

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert User.objects.filter(first_name="New").count() == 0


@pytest.mark.django_db
def test_user_add_says_the_email_is_taken_regardless_of_case(admin_client):
    UserFactory(email="new.person@club.test")

    response = _add(admin_client, email="New.Person@club.test")

    assert response.context["adminform"].form.errors["email"] == [EMAIL_TAKEN]


@pytest.mark.django_db
def test_a_weak_password_creates_no_account(admin_client):
    response = _add(admin_client, password1="123", password2="123")

    assert response.status_code == 200
    assert "password2" in response.context["adminform"].form.errors
    assert not User.objects.filter(email="new.person@club.test").exists()


@pytest.mark.django_db
def test_an_email_taken_after_the_forms_check_is_refused_on_the_page(admin_client, monkeypatch):
    # Another staff member saves the same email between this form's check and its insert: the unique
    # constraint decides, and the person sees it on the email field, not a server error.
    monkeypatch.setattr(EmailFieldMixin, "clean_email", lambda form: form.cleaned_data["email"])
    UserFactory(email="NEW.person@club.test")

    response = _add(admin_client)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [EMAIL_TAKEN]
    assert User.objects.filter(email__iexact="new.person@club.test").count() == 1


@pytest.mark.django_db
def test_user_change_page_saves_and_refuses_a_taken_email(admin_client):
    UserFactory(email="taken@club.test")
    user = UserFactory(email="ann@club.test", first_name="Ann", last_name="Lee")
    url = reverse("admin:accounts_user_change", args=[user.pk])
    data = {
        "email": "ann@club.test",
        "first_name": "Annie",
        "last_name": "Lee",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
    }

    page = admin_client.get(url)
    refused = admin_client.post(url, {**data, "email": "TAKEN@club.test"})
    saved = admin_client.post(url, data)

    assert page.status_code == 200
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["email"] == [EMAIL_TAKEN]
    assert saved.status_code == 302
    user.refresh_from_db()
    assert (user.email, user.first_name) == ("ann@club.test", "Annie")


@pytest.mark.django_db
def test_user_password_change_page_sets_a_new_password(client, admin_client):
    user = UserFactory(email="ann@club.test")
    url = reverse("admin:auth_user_password_change", args=[user.pk])

    page = admin_client.get(url)
    response = admin_client.post(url, {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"})

    assert page.status_code == 200
    assert response.status_code == 302
    assert _signs_in(client, "ann@club.test", PASSWORD)


@pytest.mark.django_db
def test_user_changelist_shows_the_staff_role(admin_client):
    from operations.models import AdminStaff
    from operations.tests.factories import AdminStaffFactory

    AdminStaffFactory(user__email="desk@club.test", role=AdminStaff.Role.FRONT_DESK)

    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "desk@club"})

    assert "Front desk" in response.content.decode()


@pytest.mark.django_db
def test_only_a_superuser_edits_who_is_staff_and_their_permissions(client):
    from operations.models import AdminStaff
    from operations.staff import staff_set_role

    manager = UserFactory(email="manager@club.test")
    staff_set_role(user=manager, role=AdminStaff.Role.MANAGER)
    member = UserFactory(email="someone@club.test", first_name="Some", last_name="One")
    sign_in(client, manager)
    url = reverse("admin:accounts_user_change", args=[member.pk])

    page = client.get(url)
    saved = client.post(
        url,
        {
            "email": "someone@club.test",
            "first_name": "Someone",
            "last_name": "One",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )

    assert page.status_code == 200
    form_fields = page.context["adminform"].form.fields
    assert {"is_staff", "is_superuser", "groups", "user_permissions"}.isdisjoint(form_fields)
    assert saved.status_code == 302
    member.refresh_from_db()
    assert member.first_name == "Someone"
    assert not member.is_staff and not member.is_superuser
