"""Classes, registrations and member search over the staff API: the admin's services and refusals, the rows they
leave, and the queries each list costs."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from billing.models import InvoiceLine
from billing.tests.factories import InvoiceFactory, InvoiceLineFactory
from clubsite.testing.jobs import run_jobs
from members.tests.factories import MemberFactory
from operations.models import Booking, ClassRegistration, GroupClass
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory, RoomFactory, local_time
from operations.tests.test_api_staff import problem_of, staff_api, warmed
from trainers.tests.factories import TrainerAvailabilityFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def available_trainer(*days: int):
    window = TrainerAvailabilityFactory(
        start_time=local_time(days=days[0], hour=8), end_time=local_time(days=days[0], hour=20)
    )
    for day in days[1:]:
        TrainerAvailabilityFactory(
            trainer=window.trainer, start_time=local_time(days=day, hour=8), end_time=local_time(days=day, hour=20)
        )
    return window.trainer


def class_body(trainer, room, start: datetime.datetime, **extra) -> dict:
    return {
        "name": "Spin",
        "description": "Hard work",
        "trainer": trainer.pk,
        "room": room.pk,
        "start_time": start,
        "end_time": start + HOUR,
        "capacity": 12,
        "price": "8.50",
        **extra,
    }


# ---------------------------------------------------------------------------------------------
# Classes
# ---------------------------------------------------------------------------------------------


class TestClasses:
    @pytest.mark.parametrize("session", [False, True], ids=["token", "session"])
    def test_a_manager_schedules_a_class(self, session):
        trainer, room = available_trainer(2), RoomFactory(capacity=20)
        start = local_time(days=2, hour=10)

        response = staff_api("manager", session=session).post("/staff/classes", class_body(trainer, room, start))

        assert response.status_code == 201, response.content
        group_class = GroupClass.objects.select_related("booking").get()
        assert (group_class.name, group_class.capacity, group_class.price) == ("Spin", 12, Decimal("8.50"))
        assert (group_class.booking.trainer, group_class.booking.room, group_class.booking.start_time) == (
            trainer,
            room,
            start,
        )
        body = response.json()
        assert (body["price"], body["seated_count"], body["status"]) == ("8.50", 0, "scheduled")

    def test_a_trainer_not_available_is_a_conflict_on_the_trainer(self):
        trainer = available_trainer(2)

        response = staff_api("manager").post(
            "/staff/classes", class_body(trainer, RoomFactory(), local_time(days=3, hour=10))
        )

        assert problem_of(response) == (409, "trainer_unavailable", "trainer")
        assert not GroupClass.objects.exists()

    def test_a_class_bigger_than_its_room_is_refused_on_the_capacity(self):
        trainer = available_trainer(2)

        response = staff_api("manager").post(
            "/staff/classes", class_body(trainer, RoomFactory(capacity=5), local_time(days=2, hour=10))
        )

        assert problem_of(response) == (422, "class_capacity_above_room", "capacity")

    def test_a_weekly_series_is_created_whole(self):
        trainer, room = available_trainer(2, 9, 16), RoomFactory()

        response = staff_api("manager").post(
            "/staff/classes/weekly", class_body(trainer, room, local_time(days=2, hour=10), weeks=3)
        )

        assert response.status_code == 201, response.content
        classes = list(GroupClass.objects.order_by("booking__start_time"))
        assert len(classes) == 3
        assert len({group_class.series for group_class in classes}) == 1
        assert [item["id"] for item in response.json()] == [group_class.pk for group_class in classes]

    def test_a_weekly_series_with_a_week_in_the_way_creates_nothing_and_names_the_week(self):
        trainer, room = available_trainer(2, 9), RoomFactory()

        response = staff_api("manager").post(
            "/staff/classes/weekly", class_body(trainer, room, local_time(days=2, hour=10), weeks=3)
        )

        assert problem_of(response) == (409, "class_weeks_failed", None)
        assert response.json()["params"] == {
            "problems": response.json()["params"]["problems"],
            "weeks": "3",
            "codes": "trainer_unavailable",
        }
        assert not GroupClass.objects.exists()

    def test_a_class_is_rescheduled_and_its_members_told(self, mailoutbox):
        trainer = available_trainer(1, 2)
        registration = ClassRegistrationFactory(
            group_class__booking__trainer=trainer, group_class__booking__start_time=local_time(days=1, hour=10)
        )
        group_class = registration.group_class
        start = local_time(days=2, hour=11)

        response = staff_api("manager").put(
            f"/staff/classes/{group_class.pk}",
            {
                "start_time": start,
                "end_time": start + HOUR,
                "room": group_class.booking.room.pk,
                "trainer": trainer.pk,
            },
        )
        run_jobs()

        assert response.status_code == 200, response.content
        group_class.booking.refresh_from_db()
        assert group_class.booking.start_time == start
        assert response.json()["seated_count"] == 1
        assert [message.to for message in mailoutbox] == [[registration.member.user.email]]

    def test_cancelling_a_class_cancels_its_places_and_credits_what_was_invoiced(self):
        registration = ClassRegistrationFactory()
        sent = InvoiceFactory(
            member=registration.member, status="issued", number="INV-1", issued_at=local_time(days=-1, hour=9)
        )
        InvoiceLineFactory(invoice=sent, kind="class", class_registration=registration, unit_price=Decimal("8.00"))

        response = staff_api("manager").delete(f"/staff/classes/{registration.group_class.pk}")

        assert response.status_code == 200, response.content
        registration.refresh_from_db()
        assert registration.status == ClassRegistration.Status.CANCELLED
        assert response.json()["group_class"]["status"] == "cancelled"
        assert response.json()["settlement"]["credited"] == 1
        credit = InvoiceLine.objects.get(kind="credit")
        assert (credit.invoice.member, credit.unit_price) == (registration.member, Decimal("-8.00"))

    def test_a_class_cancelled_already_is_a_conflict(self):
        group_class = GroupClassFactory(booking__status=Booking.Status.CANCELLED)

        response = staff_api("manager").delete(f"/staff/classes/{group_class.pk}")

        assert problem_of(response) == (409, "class_already_cancelled", None)

    def test_the_list_filters_by_days_with_seat_counts_in_a_fixed_number_of_queries(self, django_assert_num_queries):
        api = warmed(staff_api("front_desk"), "/staff/classes")
        tomorrow = ClassRegistrationFactory(group_class__booking__start_time=local_time(days=1, hour=9)).group_class
        later = GroupClassFactory(booking__start_time=local_time(days=5, hour=9))
        with django_assert_num_queries(5):  # token, permissions (2), count, page
            api.get("/staff/classes")
        for hour in (10, 11, 12):
            ClassRegistrationFactory(group_class__booking__start_time=local_time(days=1, hour=hour))

        with django_assert_num_queries(5):
            page = api.get("/staff/classes").json()

        assert page["count"] == 5
        assert [item["seated_count"] for item in page["items"]] == [1, 1, 1, 1, 0]
        day = tomorrow.booking.start_time.date()
        in_range = api.get("/staff/classes", starts_from=day, starts_to=day).json()["items"]
        assert later.pk not in [item["id"] for item in in_range]
        assert len(in_range) == 4


# ---------------------------------------------------------------------------------------------
# Registrations
# ---------------------------------------------------------------------------------------------


class TestRegistrations:
    def test_the_front_desk_registers_a_member(self):
        group_class, member = GroupClassFactory(), MemberFactory()

        response = staff_api("front_desk").post(
            "/staff/registrations", {"member": member.pk, "group_class": group_class.pk}
        )

        assert response.status_code == 201, response.content
        registration = ClassRegistration.objects.get()
        assert (registration.member, registration.group_class, registration.status) == (
            member,
            group_class,
            "registered",
        )
        assert response.json()["waitlist_place"] is None

    def test_a_full_class_waitlists_with_the_place(self):
        group_class = GroupClassFactory(capacity=1)
        ClassRegistrationFactory(group_class=group_class)
        ClassRegistrationFactory(group_class=group_class, status="waitlisted")

        response = staff_api("front_desk").post(
            "/staff/registrations", {"member": MemberFactory().pk, "group_class": group_class.pk}
        )

        assert response.status_code == 201
        assert (response.json()["status"], response.json()["waitlist_place"]) == ("waitlisted", 2)

    def test_registering_twice_is_a_conflict(self):
        registration = ClassRegistrationFactory()

        response = staff_api("front_desk").post(
            "/staff/registrations", {"member": registration.member.pk, "group_class": registration.group_class.pk}
        )

        assert problem_of(response) == (409, "already_registered", None)
        assert ClassRegistration.objects.count() == 1

    def test_an_unknown_member_is_refused_on_the_member(self):
        response = staff_api("front_desk").post(
            "/staff/registrations", {"member": 999999, "group_class": GroupClassFactory().pk}
        )

        assert problem_of(response) == (422, "member_required", "member")

    def test_cancelling_frees_the_seat_for_the_waitlist_and_settles_the_draft(self):
        group_class = GroupClassFactory(capacity=1)
        seated = ClassRegistrationFactory(group_class=group_class)
        waiting = ClassRegistrationFactory(group_class=group_class, status="waitlisted")
        draft = InvoiceFactory(member=seated.member)
        InvoiceLineFactory(invoice=draft, kind="class", class_registration=seated, unit_price=Decimal("8.00"))

        response = staff_api("front_desk").delete(f"/staff/registrations/{seated.pk}")

        assert response.status_code == 200, response.content
        seated.refresh_from_db()
        waiting.refresh_from_db()
        assert (seated.status, waiting.status) == ("cancelled", "registered")
        body = response.json()
        assert (body["promoted"], body["settlement"]["removed"]) == ([waiting.pk], 1)
        assert not draft.lines.exists()

    def test_cancelling_twice_is_a_conflict(self):
        registration = ClassRegistrationFactory(status="cancelled")

        response = staff_api("front_desk").delete(f"/staff/registrations/{registration.pk}")

        assert problem_of(response) == (409, "registration_already_cancelled", None)

    def test_the_list_filters_and_places_the_waitlist_in_a_fixed_number_of_queries(self, django_assert_num_queries):
        api = warmed(staff_api("front_desk"), "/staff/registrations")
        group_class = GroupClassFactory(capacity=1)
        seated = ClassRegistrationFactory(group_class=group_class)
        with django_assert_num_queries(5):  # token, permissions (2), count, page
            api.get("/staff/registrations")
        waiting = [ClassRegistrationFactory(group_class=group_class, status="waitlisted") for _ in range(3)]
        ClassRegistrationFactory()

        with django_assert_num_queries(5):
            assert api.get("/staff/registrations").json()["count"] == 5

        in_class = api.get("/staff/registrations", group_class=group_class.pk, status="waitlisted").json()["items"]
        assert [(item["id"], item["waitlist_place"]) for item in in_class] == [
            (waiting[2].pk, 3),
            (waiting[1].pk, 2),
            (waiting[0].pk, 1),
        ]
        of_member = api.get("/staff/registrations", member=seated.member.pk).json()["items"]
        assert [item["id"] for item in of_member] == [seated.pk]


# ---------------------------------------------------------------------------------------------
# Member search
# ---------------------------------------------------------------------------------------------


class TestMemberSearch:
    def test_finds_by_name_and_email_as_the_admin_does(self):
        ann = MemberFactory(user__first_name="Ann", user__last_name="Archer", user__email="ann@club.test")
        bob = MemberFactory(user__first_name="Bob", user__last_name="Baker", user__email="bob@mail.test")
        api = staff_api("front_desk")

        def ids(q: str) -> list[int]:
            return [member["id"] for member in api.get("/staff/members", q=q).json()["items"]]

        assert ids("archer") == [ann.pk]
        assert ids("mail.test") == [bob.pk]
        assert ids("ann arch") == [ann.pk]
        assert ids("") == [ann.pk, bob.pk]
        assert api.get("/staff/members", q="ann").json()["items"][0] == {
            "id": ann.pk,
            "first_name": "Ann",
            "last_name": "Archer",
            "email": "ann@club.test",
            "phone": ann.phone,
            "date_of_birth": ann.date_of_birth.isoformat(),
            "gender": ann.gender,
        }

    def test_billing_may_search_maintenance_may_not(self):
        MemberFactory()

        assert staff_api("billing").get("/staff/members").status_code == 200
        assert staff_api("maintenance").get("/staff/members").status_code == 403

    def test_the_search_costs_a_fixed_number_of_queries(self, django_assert_num_queries):
        api = warmed(staff_api("front_desk"), "/staff/members")
        MemberFactory(user__last_name="Smith")
        with django_assert_num_queries(5):  # token, permissions (2), count, page
            api.get("/staff/members", q="smith")
        for _ in range(4):
            MemberFactory(user__last_name="Smith")

        with django_assert_num_queries(5):
            assert api.get("/staff/members", q="smith").json()["count"] == 5
