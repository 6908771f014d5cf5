import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing import services
from billing.models import Invoice, InvoiceLine, Membership, Payment
from billing.services import BillingError, generation
from billing.tests.factories import (
    InvoiceFactory,
    InvoiceLineFactory,
    MembershipFactory,
    MembershipPlanFactory,
    class_registration,
    club_time,
    pt_session,
)
from members.tests.factories import MemberFactory
from operations.models import Booking, ClassRegistration

NOV_1, NOV_30 = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
pytestmark = pytest.mark.django_db


def issued_invoice(*prices: str, member=None) -> Invoice:
    invoice = InvoiceFactory(**({"member": member} if member else {}))
    for price in prices or ("100.00",):
        services.invoice_line_add(invoice=invoice, description="Locker hire", quantity=1, unit_price=Decimal(price))
    return services.invoice_issue(invoice=invoice)


def billed_lines(**filters):
    return InvoiceLine.objects.filter(voided=False, **filters)


# --- memberships --------------------------------------------------------------------------------


def test_membership_start_for_a_new_member_makes_it_current(member, gold):
    membership = services.membership_start(member=member, plan=gold, started_on=NOV_1)

    assert membership.ended_on is None
    assert list(Membership.objects.filter(member=member)) == [membership]


def test_membership_start_ends_the_current_one_the_day_before(member, gold):
    current = services.membership_start(member=member, plan=gold, started_on=datetime.date(2026, 1, 10))
    silver = MembershipPlanFactory(name="Silver", monthly_fee=Decimal("29.00"))

    new = services.membership_start(member=member, plan=silver, started_on=datetime.date(2026, 11, 15))

    current.refresh_from_db()
    assert current.ended_on == datetime.date(2026, 11, 14)
    assert Membership.objects.get(member=member, ended_on__isnull=True) == new


@pytest.mark.parametrize("started_on", [datetime.date(2026, 5, 1), datetime.date(2026, 4, 30)])
def test_membership_start_must_be_after_the_current_start(member, gold, started_on):
    current = services.membership_start(member=member, plan=gold, started_on=datetime.date(2026, 5, 1))

    with pytest.raises(BillingError) as error:
        services.membership_start(member=member, plan=gold, started_on=started_on)

    assert error.value.code == "membership_start_not_after_current"
    current.refresh_from_db()
    assert current.ended_on is None
    assert Membership.objects.filter(member=member).count() == 1


def test_membership_start_cannot_overlap_an_ended_membership(member, gold):
    MembershipFactory(
        member=member, plan=gold, started_on=datetime.date(2026, 1, 1), ended_on=datetime.date(2026, 6, 30)
    )

    with pytest.raises(BillingError) as error:
        services.membership_start(member=member, plan=gold, started_on=datetime.date(2026, 6, 30))

    assert error.value.code == "membership_overlaps_previous"
    assert Membership.objects.filter(member=member).count() == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"member": None}, "member_required"),
        ({"plan": None}, "plan_required"),
        ({"started_on": None}, "date_required"),
        ({"started_on": timezone.now()}, "date_required"),
        ({"started_on": "2026-11-01"}, "date_required"),
    ],
)
def test_membership_start_refuses_bad_input(member, gold, kwargs, code):
    arguments = {"member": member, "plan": gold, "started_on": NOV_1, **kwargs}

    with pytest.raises(BillingError) as error:
        services.membership_start(**arguments)

    assert error.value.code == code
    # The refusal is about the argument that was wrong: a form shows it under that field.
    assert error.value.field == next(iter(kwargs))
    assert not Membership.objects.exists()


def test_membership_start_refuses_a_plan_no_longer_offered(member):
    retired = MembershipPlanFactory(name="Legacy", is_active=False)

    with pytest.raises(BillingError) as error:
        services.membership_start(member=member, plan=retired, started_on=NOV_1)

    assert error.value.code == "plan_inactive"
    assert not Membership.objects.exists()


def test_membership_end_sets_the_last_day(member, gold):
    membership = services.membership_start(member=member, plan=gold, started_on=NOV_1)

    ended = services.membership_end(membership=membership, ended_on=NOV_30)

    assert ended.ended_on == NOV_30
    membership.refresh_from_db()
    assert membership.ended_on == NOV_30


def test_membership_end_refuses_an_end_before_the_start(member, gold):
    membership = services.membership_start(member=member, plan=gold, started_on=NOV_1)

    with pytest.raises(BillingError) as error:
        services.membership_end(membership=membership, ended_on=datetime.date(2026, 10, 31))

    assert error.value.code == "membership_end_before_start"
    membership.refresh_from_db()
    assert membership.ended_on is None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"membership": None}, "membership_required"), ({"ended_on": None}, "date_required")],
)
def test_membership_end_refuses_bad_input(member, gold, kwargs, code):
    membership = services.membership_start(member=member, plan=gold, started_on=NOV_1)

    with pytest.raises(BillingError) as error:
        services.membership_end(**{"membership": membership, "ended_on": NOV_30, **kwargs})

    assert error.value.code == code
    # The refusal is about the argument that was wrong: a form shows it under that field.
    assert error.value.field == next(iter(kwargs))
    membership.refresh_from_db()
    assert membership.ended_on is None


def test_membership_end_refuses_an_ended_membership(member, gold):
    membership = MembershipFactory(member=member, plan=gold, started_on=NOV_1, ended_on=NOV_30)

    with pytest.raises(BillingError) as error:
        services.membership_end(membership=membership, ended_on=datetime.date(2026, 12, 31))

    assert error.value.code == "membership_already_ended"
    membership.refresh_from_db()
    assert membership.ended_on == NOV_30


# --- invoice generation -------------------------------------------------------------------------


def test_generate_bills_plan_month_pt_session_and_paid_class(member, november):
    invoice = services.invoice_generate(member=member, period_start=NOV_1, period_end=NOV_30)

    assert invoice.status == Invoice.Status.DRAFT
    assert (invoice.member, invoice.period_start, invoice.period_end) == (member, NOV_1, NOV_30)
    lines = list(invoice.lines.order_by("id"))
    assert [(line.kind, line.unit_price, line.quantity) for line in lines] == [
        (InvoiceLine.Kind.PLAN_MONTH, Decimal("49.00"), 1),
        (InvoiceLine.Kind.PT_SESSION, Decimal("40.00"), 1),
        (InvoiceLine.Kind.CLASS, Decimal("8.00"), 1),
    ]
    assert lines[0].description == "Gold membership — November 2026"
    assert (lines[0].membership, lines[0].period_start) == (november["membership"], NOV_1)
    assert lines[1].pt_session == november["pt"]
    assert lines[1].description.startswith("Personal training with ")
    assert "Tue 10 Nov 2026 14:00" in lines[1].description
    assert lines[2].class_registration == november["registration"]
    assert invoice.total == Decimal("97.00")


def test_generate_twice_adds_nothing_and_returns_none(member, november):
    first = services.invoice_generate(member=member, period_start=NOV_1, period_end=NOV_30)

    second = services.invoice_generate(member=member, period_start=NOV_1, period_end=NOV_30)

    assert second is None
    assert Invoice.objects.count() == 1
    assert first.lines.count() == 3


def test_generate_bills_one_plan_line_per_calendar_month_the_first_prorated_to_the_day(member, gold):
    membership = MembershipFactory(member=member, plan=gold, started_on=datetime.date(2026, 8, 20))

    invoice = services.invoice_generate(
        member=member, period_start=datetime.date(2026, 7, 1), period_end=datetime.date(2026, 10, 5)
    )

    lines = list(invoice.lines.order_by("period_start"))
    assert [line.period_start for line in lines] == [
        datetime.date(2026, 8, 1),
        datetime.date(2026, 9, 1),
        datetime.date(2026, 10, 1),
    ]
    assert {line.membership for line in lines} == {membership}
    assert [line.description for line in lines] == [
        "Gold membership — August 2026 (12 of 31 days)",
        "Gold membership — September 2026",
        "Gold membership — October 2026",
    ]
    # 49.00 x 12 / 31 = 18.967...: the days from the 20th, to the penny.
    assert [line.unit_price for line in lines] == [Decimal("18.97"), Decimal("49.00"), Decimal("49.00")]


def test_generate_overlapping_periods_never_bill_a_month_twice(member, gold):
    MembershipFactory(member=member, plan=gold, started_on=datetime.date(2026, 1, 1))
    services.invoice_generate(
        member=member, period_start=datetime.date(2026, 9, 1), period_end=datetime.date(2026, 10, 31)
    )

    invoice = services.invoice_generate(member=member, period_start=datetime.date(2026, 10, 15), period_end=NOV_30)

    assert [line.period_start for line in invoice.lines.all()] == [NOV_1]
    assert billed_lines(kind=InvoiceLine.Kind.PLAN_MONTH).count() == 3


def test_generate_stops_at_the_end_of_a_membership_and_bills_both_plans_in_a_switch_month(member, gold):
    services.membership_start(member=member, plan=gold, started_on=datetime.date(2026, 9, 1))
    silver = MembershipPlanFactory(name="Silver", monthly_fee=Decimal("29.00"))
    services.membership_start(member=member, plan=silver, started_on=datetime.date(2026, 10, 15))

    invoice = services.invoice_generate(member=member, period_start=datetime.date(2026, 9, 1), period_end=NOV_30)

    assert [(line.description, line.unit_price) for line in invoice.lines.order_by("id")] == [
        ("Gold membership — September 2026", Decimal("49.00")),
        ("Gold membership — October 2026 (14 of 31 days)", Decimal("22.13")),  # 1-14 October
        ("Silver membership — October 2026 (17 of 31 days)", Decimal("15.90")),  # 15-31 October
        ("Silver membership — November 2026", Decimal("29.00")),
    ]


def test_generate_skips_cancelled_pt_sessions_and_sessions_outside_the_period(member):
    kept = pt_session(member, club_time(2026, 11, 3, 9))
    no_show = pt_session(member, club_time(2026, 11, 4, 9), status=Booking.Status.NO_SHOW)
    pt_session(member, club_time(2026, 11, 5, 9), status=Booking.Status.CANCELLED)
    pt_session(member, club_time(2026, 12, 1, 9))
    pt_session(member, club_time(2026, 10, 31, 23))
    pt_session(MemberFactory(), club_time(2026, 11, 6, 9))

    invoice = services.invoice_generate(member=member, period_start=NOV_1, period_end=NOV_30)

    assert {line.pt_session for line in invoice.lines.all()} == {kept, no_show}


def test_generate_uses_club_local_dates_for_the_period(member):
    # 00:30 on 1 July in London (summer time) is still 30 June in UTC.
    early = pt_session(member, club_time(2026, 7, 1, 0, 30))

    june = services.invoice_generate(
        member=member, period_start=datetime.date(2026, 6, 1), period_end=datetime.date(2026, 6, 30)
    )
    july = services.invoice_generate(
        member=member, period_start=datetime.date(2026, 7, 1), period_end=datetime.date(2026, 7, 31)
    )

    assert june is None
    assert [line.pt_session for line in july.lines.all()] == [early]


def test_generate_skips_free_classes_cancelled_classes_and_unseated_registrations(member):
    registered = class_registration(member, club_time(2026, 11, 2, 18))
    attended = class_registration(member, club_time(2026, 11, 3, 18), status=ClassRegistration.Status.ATTENDED)
    class_registration(member, club_time(2026, 11, 4, 18), price="0.00")
    class_registration(member, club_time(2026, 11, 5, 18), class_status=Booking.Status.CANCELLED)
    class_registration(member, club_time(2026, 11, 6, 18), status=ClassRegistration.Status.WAITLISTED)
    class_registration(member, club_time(2026, 11, 7, 18), status=ClassRegistration.Status.CANCELLED)
    class_registration(member, club_time(2026, 12, 2, 18))

    invoice = services.invoice_generate(member=member, period_start=NOV_1, period_end=NOV_30)

    assert [line.class_registration for line in invoice.lines.order_by("id")] == [registered, attended]
    assert "Tue 3 Nov 2026 18:00" in invoice.lines.order_by("id")[1].description


def test_generate_with_nothing_to_bill_returns_none_and_writes_nothing(member):
    assert services.invoice_generate(member=member, period_start=NOV_1, period_end=NOV_30) is None
    assert not Invoice.objects.exists()


def test_generate_adds_new_items_to_the_draft_for_exactly_that_period(member, november):
    draft = services.invoice_generate(member=member, period_start=NOV_1, period_end=NOV_30)
    later = pt_session(member, club_time(2026, 11, 20, 10))

    again = services.invoice_generate(member=member, period_start=NOV_1, period_end=NOV_30)

    assert again == draft
    assert draft.lines.count() == 4
    assert draft.lines.filter(pt_session=later).exists()


def test_generate_starts_a_new_draft_when_the_period_differs_or_the_draft_was_issued(member, november):
    first = services.invoice_generate(member=member, period_start=NOV_1, period_end=datetime.date(2026, 11, 11))
    services.invoice_issue(invoice=first)
    other_period_draft = InvoiceFactory(member=member, period_start=NOV_1, period_end=datetime.date(2026, 11, 29))

    second = services.invoice_generate(member=member, period_start=NOV_1, period_end=NOV_30)

    assert second not in (first, other_period_draft)
    assert [line.class_registration for line in second.lines.all()] == [november["registration"]]
    assert other_period_draft.lines.count() == 0


def test_voided_invoice_frees_its_items_to_be_billed_again(member, november):
    first = services.invoice_generate(member=member, period_start=NOV_1, period_end=NOV_30)
    services.invoice_void(invoice=first)

    second = services.invoice_generate(member=member, period_start=NOV_1, period_end=NOV_30)

    assert second != first
    assert second.lines.count() == 3
    assert first.lines.filter(voided=True).count() == 3
    assert billed_lines(pt_session=november["pt"]).get().invoice == second


@pytest.mark.parametrize(
    ("period_start", "period_end", "code"),
    [
        (NOV_30, NOV_1, "period_end_before_start"),
        (NOV_1, datetime.date(2027, 11, 1), "period_too_long"),
        (None, NOV_30, "date_required"),
    ],
)
def test_generate_refuses_a_bad_period(member, november, period_start, period_end, code):
    with pytest.raises(BillingError) as error:
        services.invoice_generate(member=member, period_start=period_start, period_end=period_end)

    assert error.value.code == code
    assert not Invoice.objects.exists()


def test_generate_accepts_a_period_of_a_whole_year(member, november):
    invoice = services.invoice_generate(
        member=member, period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 12, 31)
    )

    assert invoice.lines.filter(kind=InvoiceLine.Kind.PLAN_MONTH).count() == 4  # September to December


def test_generate_refuses_a_missing_member(november):
    with pytest.raises(BillingError) as error:
        services.invoice_generate(member=None, period_start=NOV_1, period_end=NOV_30)

    assert error.value.code == "member_required"
    assert not InvoiceLine.objects.exists()


def test_generate_maps_a_billed_once_violation_to_a_readable_message(member, november, monkeypatch):
    services.invoice_generate(member=member, period_start=NOV_1, period_end=NOV_30)
    # Simulate a reader that missed the existing line: the partial unique index must still refuse.
    real = generation._billable_lines

    def stale(member_ids, period_start, period_end):
        lines = real(member_ids, period_start, period_end)
        lines[member.pk].append(
            InvoiceLine(kind=InvoiceLine.Kind.PT_SESSION, description="again", unit_price=1, pt_session=november["pt"])
        )
        return lines

    monkeypatch.setattr(generation, "_billable_lines", stale)
    pt_session(member, club_time(2026, 11, 21, 9))

    with pytest.raises(BillingError) as error:
        services.invoice_generate(member=member, period_start=NOV_1, period_end=NOV_30)

    assert error.value.code == "pt_session_already_billed"
    assert InvoiceLine.objects.count() == 3


def test_generate_all_bills_every_member_with_something_to_bill(gold):
    with_plan, with_pt, with_class, idle = MemberFactory(), MemberFactory(), MemberFactory(), MemberFactory()
    MembershipFactory(member=with_plan, plan=gold, started_on=datetime.date(2026, 1, 1))
    pt_session(with_pt, club_time(2026, 11, 10, 9))
    class_registration(with_class, club_time(2026, 11, 11, 18))
    class_registration(idle, club_time(2026, 11, 11, 19), price="0.00")
    existing = services.invoice_generate(member=with_pt, period_start=NOV_1, period_end=NOV_30)
    pt_session(with_pt, club_time(2026, 11, 12, 9))

    invoices = services.invoice_generate_all(period_start=NOV_1, period_end=NOV_30)

    assert {invoice.member for invoice in invoices} == {with_plan, with_pt, with_class}
    assert existing in invoices
    assert existing.lines.count() == 2
    assert not Invoice.objects.filter(member=idle).exists()
    assert services.invoice_generate_all(period_start=NOV_1, period_end=NOV_30) == []
    assert InvoiceLine.objects.count() == 4


def _generate_all_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        services.invoice_generate_all(period_start=NOV_1, period_end=NOV_30)
    return len(queries)


def _busy_member(gold):
    member = MemberFactory()
    MembershipFactory(member=member, plan=gold, started_on=datetime.date(2026, 10, 1))
    pt_session(member, club_time(2026, 11, 10, 9))
    pt_session(member, club_time(2026, 11, 17, 9))
    class_registration(member, club_time(2026, 11, 11, 18))
    return member


def test_generate_all_uses_a_fixed_number_of_queries(gold, django_assert_num_queries):
    for _ in range(2):
        _busy_member(gold)
    # savepoint, lock members, memberships, their freezes, PT sessions, registrations, drafts, invoices, lines,
    # release
    with django_assert_num_queries(10):
        services.invoice_generate_all(period_start=NOV_1, period_end=NOV_30)

    InvoiceLine.objects.all().delete()
    Invoice.objects.all().delete()
    for _ in range(4):
        _busy_member(gold)
    assert _generate_all_queries() == 10
    assert Invoice.objects.count() == 6
    assert InvoiceLine.objects.count() == 6 * 4


def test_generate_all_refuses_a_bad_period():
    with pytest.raises(BillingError) as error:
        services.invoice_generate_all(period_start=NOV_30, period_end=NOV_1)

    assert error.value.code == "period_end_before_start"


# --- manual lines -------------------------------------------------------------------------------


def test_line_add_puts_a_manual_charge_on_a_draft():
    invoice = InvoiceFactory()

    line = services.invoice_line_add(invoice=invoice, description="  Towel hire ", quantity=3, unit_price="2.50")

    assert (line.kind, line.description, line.quantity, line.unit_price) == (
        InvoiceLine.Kind.MANUAL,
        "Towel hire",
        3,
        Decimal("2.50"),
    )
    assert invoice.total == Decimal("7.50")


def test_line_add_stores_a_credit_as_a_negative_price():
    invoice = InvoiceFactory()
    InvoiceLineFactory(invoice=invoice, unit_price=Decimal("30.00"))

    services.invoice_line_add(
        invoice=invoice,
        description="Goodwill credit",
        quantity=1,
        unit_price=Decimal("-10.00"),
        kind=InvoiceLine.Kind.CREDIT,
    )

    assert invoice.lines.get(kind=InvoiceLine.Kind.CREDIT).unit_price == Decimal("-10.00")
    assert invoice.total == Decimal("20.00")


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"description": "   "}, "description_required"),
        ({"description": None}, "description_required"),
        ({"description": "x" * 201}, "description_too_long"),
        ({"quantity": 0}, "quantity_invalid"),
        ({"quantity": 1001}, "quantity_invalid"),
        ({"quantity": "2"}, "quantity_invalid"),
        ({"quantity": True}, "quantity_invalid"),
        ({"unit_price": Decimal("-0.01")}, "price_negative"),
        ({"unit_price": Decimal("1.005")}, "amount_invalid"),
        ({"unit_price": "lots"}, "amount_invalid"),
        ({"unit_price": None}, "amount_invalid"),
        ({"unit_price": Decimal("NaN")}, "amount_invalid"),
        ({"unit_price": Decimal("100000000.00")}, "amount_invalid"),
        ({"unit_price": Decimal("5.00"), "kind": InvoiceLine.Kind.CREDIT}, "credit_not_negative"),
        ({"kind": InvoiceLine.Kind.PT_SESSION}, "line_kind_not_manual"),
        ({"invoice": None}, "invoice_required"),
    ],
)
def test_line_add_refuses_bad_input(kwargs, code):
    invoice = InvoiceFactory()
    arguments = {
        "invoice": invoice,
        "description": "Towel hire",
        "quantity": 1,
        "unit_price": Decimal("5.00"),
        **kwargs,
    }

    with pytest.raises(BillingError) as error:
        services.invoice_line_add(**arguments)

    assert error.value.code == code
    # The refusal is about the argument that was wrong: a form shows it under that field.
    assert error.value.field == next(iter(kwargs))
    assert not InvoiceLine.objects.exists()


def test_line_add_refuses_an_issued_invoice():
    invoice = issued_invoice("10.00")

    with pytest.raises(BillingError) as error:
        services.invoice_line_add(invoice=invoice, description="Late fee", quantity=1, unit_price=Decimal("5.00"))

    assert error.value.code == "invoice_not_draft"
    assert invoice.lines.count() == 1


# --- issuing ------------------------------------------------------------------------------------


def test_issue_numbers_the_invoice_and_sets_the_due_date(settings):
    settings.INVOICE_DUE_DAYS = 10
    invoice = InvoiceFactory()
    InvoiceLineFactory(invoice=invoice, unit_price=Decimal("25.00"))
    issued_at = club_time(2026, 11, 22, 9)

    issued = services.invoice_issue(invoice=invoice, issued_at=issued_at)

    invoice.refresh_from_db()
    assert issued.status == invoice.status == Invoice.Status.ISSUED
    assert invoice.number == f"INV-2026-{invoice.pk:06d}"
    assert invoice.issued_at == issued_at
    assert invoice.due_date == datetime.date(2026, 12, 2)


def test_issue_numbers_by_the_club_local_year():
    invoice = InvoiceFactory()
    InvoiceLineFactory(invoice=invoice)

    services.invoice_issue(invoice=invoice, issued_at=club_time(2027, 1, 1, 0, 15))

    invoice.refresh_from_db()
    assert invoice.number.startswith("INV-2027-")


@pytest.mark.parametrize("credit", ["-30.00", "-40.00"])
def test_issue_of_a_zero_or_negative_total_goes_straight_to_paid(credit):
    invoice = InvoiceFactory()
    InvoiceLineFactory(invoice=invoice, unit_price=Decimal("30.00"))
    InvoiceLineFactory(invoice=invoice, kind=InvoiceLine.Kind.CREDIT, unit_price=Decimal(credit))

    services.invoice_issue(invoice=invoice)

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.number


def test_issue_refuses_an_empty_draft():
    invoice = InvoiceFactory()

    with pytest.raises(BillingError) as error:
        services.invoice_issue(invoice=invoice)

    assert error.value.code == "invoice_empty"
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number, invoice.issued_at) == (Invoice.Status.DRAFT, None, None)


def test_issue_refuses_an_invoice_that_is_not_a_draft():
    invoice = issued_invoice("10.00")
    number = invoice.number

    with pytest.raises(BillingError) as error:
        services.invoice_issue(invoice=invoice, issued_at=club_time(2027, 3, 1, 9))

    assert error.value.code == "invoice_issue_not_draft"
    invoice.refresh_from_db()
    assert invoice.number == number


def test_issue_refuses_a_naive_time():
    invoice = InvoiceFactory()
    InvoiceLineFactory(invoice=invoice)

    with pytest.raises(BillingError) as error:
        services.invoice_issue(invoice=invoice, issued_at=datetime.datetime(2026, 11, 22, 9))

    assert error.value.code == "time_invalid"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DRAFT


# --- payments -----------------------------------------------------------------------------------


def test_payment_record_of_part_leaves_the_invoice_issued(admin_user):
    invoice = issued_invoice("60.00", "40.00")

    payment = services.payment_record(
        invoice=invoice, amount=Decimal("30.00"), method=Payment.Method.CASH, reference="till 2", recorded_by=admin_user
    )

    invoice.refresh_from_db()
    assert (payment.kind, payment.amount, payment.reference, payment.recorded_by) == (
        Payment.Kind.PAYMENT,
        Decimal("30.00"),
        "till 2",
        admin_user,
    )
    assert invoice.status == Invoice.Status.ISSUED
    assert invoice.balance == Decimal("70.00")


def test_payment_record_of_the_balance_marks_the_invoice_paid():
    invoice = issued_invoice("100.00")
    services.payment_record(invoice=invoice, amount=Decimal("30.00"), method=Payment.Method.CARD)

    services.payment_record(invoice=invoice, amount=Decimal("70.00"), method=Payment.Method.CARD)

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.balance == Decimal("0.00")


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"amount": Decimal("100.01")}, "payment_above_balance"),
        ({"amount": Decimal("0.00")}, "amount_not_positive"),
        ({"amount": Decimal("-5.00")}, "amount_not_positive"),
        ({"amount": Decimal("0.001")}, "amount_invalid"),
        ({"method": "bitcoin"}, "method_invalid"),
        ({"reference": "r" * 81}, "reference_too_long"),
        ({"received_at": datetime.datetime(2026, 11, 22, 9)}, "time_invalid"),
        ({"received_at": timezone.now() + datetime.timedelta(hours=1)}, "payment_in_future"),
        ({"invoice": None}, "invoice_required"),
    ],
)
def test_payment_record_refuses_bad_input(kwargs, code):
    invoice = issued_invoice("100.00")
    arguments = {"invoice": invoice, "amount": Decimal("10.00"), "method": Payment.Method.CARD, **kwargs}

    with pytest.raises(BillingError) as error:
        services.payment_record(**arguments)

    assert error.value.code == code
    # The refusal is about the argument that was wrong: a form shows it under that field.
    assert error.value.field == next(iter(kwargs))
    assert not Payment.objects.exists()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED


def test_payment_record_refuses_a_draft_a_paid_and_a_void_invoice():
    draft = InvoiceFactory()
    InvoiceLineFactory(invoice=draft)
    paid = issued_invoice("10.00")
    services.payment_record(invoice=paid, amount=Decimal("10.00"), method=Payment.Method.CARD)
    void = issued_invoice("10.00")
    services.invoice_void(invoice=void)

    codes = []
    for invoice in (draft, paid, void):
        with pytest.raises(BillingError) as error:
            services.payment_record(invoice=invoice, amount=Decimal("1.00"), method=Payment.Method.CARD)
        codes.append(error.value.code)

    assert codes == [
        "payment_invoice_not_issued",
        "payment_invoice_already_paid",
        "payment_invoice_not_issued",
    ]
    assert Payment.objects.count() == 1


def test_refund_on_a_paid_invoice_reopens_it():
    invoice = issued_invoice("50.00")
    services.payment_record(invoice=invoice, amount=Decimal("50.00"), method=Payment.Method.CARD)

    refund = services.payment_refund(invoice=invoice, amount=Decimal("20.00"), method=Payment.Method.CARD)

    invoice.refresh_from_db()
    assert (refund.kind, refund.amount) == (Payment.Kind.REFUND, Decimal("20.00"))
    assert invoice.status == Invoice.Status.ISSUED
    assert invoice.balance == Decimal("20.00")


def test_refund_on_an_issued_invoice_keeps_it_issued():
    invoice = issued_invoice("50.00")
    services.payment_record(invoice=invoice, amount=Decimal("30.00"), method=Payment.Method.CASH)

    services.payment_refund(invoice=invoice, amount=Decimal("30.00"), method=Payment.Method.CASH)

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    assert invoice.balance == Decimal("50.00")


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (Decimal("30.01"), "refund_above_paid"),
        (Decimal("0.00"), "amount_not_positive"),
        (Decimal("-1.00"), "amount_not_positive"),
    ],
)
def test_refund_refuses_more_than_was_paid_and_non_positive_amounts(amount, code):
    invoice = issued_invoice("50.00")
    services.payment_record(invoice=invoice, amount=Decimal("30.00"), method=Payment.Method.CARD)

    with pytest.raises(BillingError) as error:
        services.payment_refund(invoice=invoice, amount=amount, method=Payment.Method.CARD)

    assert error.value.code == code
    assert list(Payment.objects.values_list("kind", flat=True)) == [Payment.Kind.PAYMENT]


def test_refund_refuses_a_draft():
    invoice = InvoiceFactory()
    InvoiceLineFactory(invoice=invoice)

    with pytest.raises(BillingError) as error:
        services.payment_refund(invoice=invoice, amount=Decimal("1.00"), method=Payment.Method.CARD)

    assert error.value.code == "refund_invoice_status"
    assert not Payment.objects.exists()


# --- voiding ------------------------------------------------------------------------------------


def test_void_of_a_draft_voids_its_lines():
    invoice = InvoiceFactory()
    InvoiceLineFactory.create_batch(2, invoice=invoice)

    services.invoice_void(invoice=invoice)

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VOID
    assert invoice.number is None  # never issued, so it takes no number from the sequence
    assert invoice.lines.filter(voided=False).count() == 0
    assert invoice.balance == Decimal("0.00")


def test_void_of_an_issued_invoice_whose_payments_were_refunded():
    invoice = issued_invoice("50.00")
    services.payment_record(invoice=invoice, amount=Decimal("20.00"), method=Payment.Method.CARD)
    services.payment_refund(invoice=invoice, amount=Decimal("20.00"), method=Payment.Method.CARD)

    services.invoice_void(invoice=invoice)

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VOID
    assert invoice.lines.get().voided


def test_void_refuses_an_invoice_holding_money():
    invoice = issued_invoice("50.00")
    services.payment_record(invoice=invoice, amount=Decimal("20.00"), method=Payment.Method.CARD)

    with pytest.raises(BillingError) as error:
        services.invoice_void(invoice=invoice)

    assert error.value.code == "void_has_payments"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    assert not invoice.lines.filter(voided=True).exists()


def test_void_refuses_a_paid_or_void_invoice():
    paid = issued_invoice("10.00")
    services.payment_record(invoice=paid, amount=Decimal("10.00"), method=Payment.Method.CARD)
    void = issued_invoice("10.00")
    services.invoice_void(invoice=void)

    for invoice in (paid, void):
        with pytest.raises(BillingError) as error:
            services.invoice_void(invoice=invoice)
        assert error.value.code == "void_invoice_status"
    paid.refresh_from_db()
    assert paid.status == Invoice.Status.PAID
    assert not paid.lines.filter(voided=True).exists()
