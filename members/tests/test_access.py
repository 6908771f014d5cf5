"""Who may open the member portal, and that a member never reaches another member's rows."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.services import invoice_issue
from billing.tests.factories import InvoiceFactory, InvoiceLineFactory
from clubsite.accounts.tests.factories import UserFactory
from members.models import FitnessGoal
from members.tests.factories import FitnessGoalFactory
from operations.models import Booking, ClassRegistration
from operations.tests.factories import ClassRegistrationFactory, PersonalTrainingSessionFactory, local_time
from trainers.tests.factories import TrainerFactory

PAGES = [
    ("members:dashboard", {}),
    ("members:profile", {}),
    ("members:goals", {}),
    ("members:goal-create", {}),
    ("members:metrics", {}),
    ("members:metric-create", {}),
    ("members:timetable", {}),
    ("members:training", {}),
    ("members:invoices", {}),
]


def _object_pages(goal, registration, session, invoice, trainer, group_class):
    return [
        ("members:goal-update", goal.pk),
        ("members:goal-deactivate", goal.pk),
        ("members:registration-cancel", registration.pk),
        ("members:pt-reschedule", session.pk),
        ("members:pt-cancel", session.pk),
        ("members:invoice-detail", invoice.pk),
        ("members:class-register", group_class.pk),
        ("members:pt-book", trainer.pk),
    ]


@pytest.fixture
def owned_by_other(other_member):
    """One of each of the other member's things that have a page of their own."""
    goal = FitnessGoalFactory(member=other_member)
    registration = ClassRegistrationFactory(member=other_member)
    session = PersonalTrainingSessionFactory(member=other_member, booking__start_time=local_time(days=3, hour=9))
    invoice = InvoiceFactory(member=other_member)
    InvoiceLineFactory(invoice=invoice, unit_price=Decimal("30.00"))
    invoice_issue(invoice=invoice)
    return {"goal": goal, "registration": registration, "session": session, "invoice": invoice}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, name, kwargs):
    url = reverse(name, kwargs=kwargs)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.django_db
def test_anonymous_posts_are_sent_to_sign_in_and_change_nothing(client, owned_by_other):
    goal = owned_by_other["goal"]

    response = client.post(reverse("members:goal-deactivate", args=[goal.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    goal.refresh_from_db()
    assert goal.is_active


@pytest.mark.django_db
def test_a_person_without_a_member_profile_gets_403_on_every_member_page(client, owned_by_other):
    trainer = TrainerFactory()
    client.force_login(UserFactory())
    urls = [reverse(name, kwargs=kwargs) for name, kwargs in PAGES] + [
        reverse(name, args=[pk])
        for name, pk in _object_pages(
            owned_by_other["goal"],
            owned_by_other["registration"],
            owned_by_other["session"],
            owned_by_other["invoice"],
            trainer,
            owned_by_other["registration"].group_class,
        )
    ]

    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code == 403, url


@pytest.mark.django_db
def test_a_trainer_without_a_member_profile_gets_403(client):
    trainer = TrainerFactory()
    client.force_login(trainer.user)

    assert client.get(reverse("members:dashboard")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "key", "post_status"),
    [
        ("members:goal-update", "goal", 404),
        ("members:goal-deactivate", "goal", 404),
        ("members:registration-cancel", "registration", 404),
        ("members:pt-reschedule", "session", 404),
        ("members:pt-cancel", "session", 404),
        # A read-only page refuses every POST before looking anything up, its own invoices' too.
        ("members:invoice-detail", "invoice", 405),
    ],
)
def test_another_members_ids_are_404_for_get_and_post(member_client, owned_by_other, name, key, post_status):
    url = reverse(name, args=[owned_by_other[key].pk])

    assert member_client.get(url).status_code == 404
    assert member_client.post(url, {"goal_type": "other", "target_value": "5", "unit": "km"}).status_code == post_status


@pytest.mark.django_db
def test_posts_with_another_members_ids_change_nothing(member_client, owned_by_other):
    goal, registration, session = owned_by_other["goal"], owned_by_other["registration"], owned_by_other["session"]
    start = local_time(days=4, hour=10)

    member_client.post(reverse("members:goal-deactivate", args=[goal.pk]))
    member_client.post(
        reverse("members:goal-update", args=[goal.pk]),
        {"goal_type": "other", "target_value": "5", "unit": "km"},
    )
    member_client.post(reverse("members:registration-cancel", args=[registration.pk]))
    member_client.post(reverse("members:pt-cancel", args=[session.pk]))
    member_client.post(
        reverse("members:pt-reschedule", args=[session.pk]), {"start_time": start.isoformat(), "duration": 60}
    )

    goal.refresh_from_db()
    registration.refresh_from_db()
    session.booking.refresh_from_db()
    assert (goal.is_active, goal.goal_type, goal.target_value) == (
        True,
        FitnessGoal.GoalType.LOSE_WEIGHT,
        Decimal("75.00"),
    )
    assert registration.status == ClassRegistration.Status.REGISTERED
    assert session.booking.status == Booking.Status.SCHEDULED
    assert session.booking.start_time == local_time(days=3, hour=9)


@pytest.mark.django_db
def test_draft_invoices_are_not_shown_to_the_member(member_client, member):
    draft = InvoiceFactory(member=member)

    assert member_client.get(reverse("members:invoice-detail", args=[draft.pk])).status_code == 404
    assert draft.pk not in [i.pk for i in member_client.get(reverse("members:invoices")).context["page_obj"]]


@pytest.mark.django_db
def test_an_inactive_trainer_cannot_be_booked(member_client):
    trainer = TrainerFactory(is_active=False)

    assert member_client.get(reverse("members:pt-book", args=[trainer.pk])).status_code == 404


@pytest.mark.django_db
def test_the_member_only_sees_their_own_rows_on_list_pages(member_client, member, owned_by_other):
    pages = {
        "goals": member_client.get(reverse("members:goals")),
        "training": member_client.get(reverse("members:training")),
        "invoices": member_client.get(reverse("members:invoices")),
        "dashboard": member_client.get(reverse("members:dashboard")),
    }

    assert list(pages["goals"].context["page_obj"]) == []
    assert list(pages["training"].context["page_obj"]) == []
    assert list(pages["invoices"].context["page_obj"]) == []
    dashboard = pages["dashboard"].context["dashboard"]
    assert dashboard.goals == [] and dashboard.upcoming_classes == [] and dashboard.upcoming_sessions == []
    assert dashboard.outstanding_balance == Decimal("0")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "members:goal-update",
        "members:goal-deactivate",
        "members:registration-cancel",
        "members:pt-reschedule",
        "members:pt-cancel",
        "members:invoice-detail",
        "members:class-register",
        "members:pt-book",
    ],
)
def test_an_id_beyond_any_row_is_a_404_not_a_database_error(member_client, name):
    assert member_client.get(reverse(name, args=[10**30])).status_code == 404
