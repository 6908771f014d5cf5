"""Changelists over tables that grow with the club: estimated counts, the index-probing date hierarchy, the order."""

import datetime
import zoneinfo

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.db import connection
from django.db.models import Max, Min
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clubsite.adminkit import EstimatedCountPaginator, IndexedDatesQuerySet
from operations.models import ClassRegistration
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:operations_classregistration_changelist")
CLUB = zoneinfo.ZoneInfo("Europe/London")


def registrations(count: int) -> list[ClassRegistration]:
    group_class = GroupClassFactory(capacity=count)
    return ClassRegistrationFactory.create_batch(count, group_class=group_class)


def analyze() -> None:
    # What autovacuum does on a real table: record its row count in the statistics the estimate reads.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE operations_classregistration")


def get(client, address: str, params: dict | None = None):
    with CaptureQueriesContext(connection) as context:
        response = client.get(address, params or {})
    assert response.status_code == 200
    return response, [query["sql"] for query in context.captured_queries]


def counts_rows(sql: list[str]) -> bool:
    return any('COUNT(*) AS "__count"' in statement for statement in sql)


@pytest.fixture
def big_from_thirty_rows(monkeypatch):
    """A table counts as big from 30 rows, so that a test need not write 20,000 of them.

    The table starts empty on disk: the estimate scales the analyzed row count by the pages the table
    fills now, and rows that earlier tests wrote and rolled back would leave pages behind that change it.
    TRUNCATE gives it new, empty files, and is rolled back with the test like everything else.
    """
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 30)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE operations_classregistration CASCADE")


class TestEstimatedCount:
    def test_an_unfiltered_big_list_shows_the_estimate_without_counting_rows(self, admin_client, big_from_thirty_rows):
        registrations(30)
        analyze()
        registrations(5)  # written after the statistics: the estimate does not know them yet

        response, sql = get(admin_client, CHANGELIST)

        cl = response.context["cl"]
        assert (cl.paginator.estimated, cl.result_count) == (True, 30)
        content = response.content.decode()
        assert "about 30 class registrations" in content
        assert "Select all (about 30) class registrations" in content
        assert not counts_rows(sql)
        # The estimate only numbers the pages: every row is still listed.
        assert len(cl.result_list) == 35

    def test_a_filtered_list_is_counted_exactly(self, admin_client, big_from_thirty_rows):
        registrations(30)
        analyze()
        cancelled = registrations(2)
        ClassRegistration.objects.filter(pk__in=[r.pk for r in cancelled]).update(
            status=ClassRegistration.Status.CANCELLED
        )

        response, sql = get(admin_client, CHANGELIST, {"status__exact": "cancelled"})

        cl = response.context["cl"]
        assert (cl.paginator.estimated, cl.result_count) == (False, 2)
        assert counts_rows(sql)
        assert "about" not in response.content.decode()

    def test_a_search_is_counted_exactly(self, admin_client, big_from_thirty_rows):
        rows = registrations(30)
        analyze()

        response, _sql = get(admin_client, CHANGELIST, {"q": rows[0].member.user.email})

        cl = response.context["cl"]
        assert (cl.paginator.estimated, cl.result_count) == (False, 1)

    def test_a_small_table_is_counted_exactly_in_the_same_single_query(self, admin_client):
        registrations(3)
        analyze()

        response, sql = get(admin_client, CHANGELIST)

        cl = response.context["cl"]
        assert (cl.paginator.estimated, cl.result_count) == (False, 3)
        assert "3 class registrations" in response.content.decode()
        assert not counts_rows(sql), "the exact count rides in the estimate's query"

    def test_a_table_never_analyzed_is_counted_exactly(self, admin_client, big_from_thirty_rows):
        registrations(31)
        with connection.cursor() as cursor:
            # As PostgreSQL leaves a table it has never analyzed or vacuumed.
            cursor.execute("UPDATE pg_class SET reltuples = -1 WHERE oid = 'operations_classregistration'::regclass")

        cl = get(admin_client, CHANGELIST)[0].context["cl"]

        assert (cl.paginator.estimated, cl.result_count) == (False, 31)

    def test_the_last_page_of_an_estimate_is_not_cut_at_the_estimate(
        self, admin_client, big_from_thirty_rows, monkeypatch
    ):
        registrations(30)
        analyze()
        registrations(5)
        monkeypatch.setattr(admin.site._registry[ClassRegistration], "list_per_page", 8)

        last = admin_client.get(CHANGELIST, {"p": 4}).context["cl"]

        # Pages of 8 for about 30 rows: four pages, the last one full since the rows are there.
        assert (last.paginator.num_pages, len(last.result_list)) == (4, 8)


class TestIndexedDateHierarchy:
    def at(self, *args) -> datetime.datetime:
        return datetime.datetime(*args, tzinfo=CLUB)

    def registered(self, *moments: datetime.datetime) -> None:
        for moment, registration in zip(moments, registrations(len(moments)), strict=True):
            ClassRegistration.objects.filter(pk=registration.pk).update(registered_at=moment)

    def test_it_finds_the_same_periods_as_django_in_the_clubs_time(self):
        # 23:30 on 30 June in UTC is already July in London (summer time): the club's calendar counts.
        self.registered(
            self.at(2025, 3, 10, 9),
            self.at(2025, 3, 12, 18),
            datetime.datetime(2025, 6, 30, 23, 30, tzinfo=datetime.UTC),
            self.at(2026, 1, 5, 7),
        )
        probed = IndexedDatesQuerySet(ClassRegistration)
        plain = ClassRegistration.objects.all()

        for kind in ("year", "month", "day"):
            for order in ("ASC", "DESC"):
                assert list(probed.datetimes("registered_at", kind, order)) == list(
                    plain.datetimes("registered_at", kind, order)
                ), (kind, order)
        in_march = {"registered_at__gte": self.at(2025, 3, 1), "registered_at__lt": self.at(2025, 4, 1)}
        assert list(probed.filter(**in_march).datetimes("registered_at", "day")) == list(
            plain.filter(**in_march).datetimes("registered_at", "day")
        )
        assert probed.aggregate(first=Min("registered_at"), last=Max("registered_at")) == plain.aggregate(
            first=Min("registered_at"), last=Max("registered_at")
        )

    def test_an_empty_list_has_no_periods(self):
        assert IndexedDatesQuerySet(ClassRegistration).datetimes("registered_at", "year") == []

    def test_a_filter_that_can_match_nothing_lists_nothing_instead_of_failing(self, admin_client):
        self.registered(self.at(2025, 3, 10, 9))
        probed = IndexedDatesQuerySet(ClassRegistration).filter(id__in=[])  # no SQL: Django knows it is empty

        assert probed.aggregate(first=Min("registered_at"), last=Max("registered_at")) == {"first": None, "last": None}
        assert probed.datetimes("registered_at", "year") == []
        # An id no column can hold: Django drops the condition as matching nothing, as above.
        response = admin_client.get(CHANGELIST, {"id__exact": "9" * 30})
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0

    def test_the_changelist_drills_down_by_year_month_and_day(self, admin_client):
        self.registered(self.at(2025, 3, 10, 9), self.at(2025, 3, 12, 18), self.at(2026, 1, 5, 7))

        def choices(params: dict) -> list[str]:
            cl = admin_client.get(CHANGELIST, params).context["cl"]
            return [choice["title"] for choice in date_hierarchy(cl)["choices"]]

        assert choices({}) == ["2025", "2026"]
        assert choices({"registered_at__year": 2025}) == ["March 2025"]
        assert choices({"registered_at__year": 2025, "registered_at__month": 3}) == ["10 March", "12 March"]

    def test_the_hierarchy_costs_two_cheap_queries_however_many_rows(self, admin_client):
        self.registered(self.at(2025, 3, 10, 9))
        _response, few = get(admin_client, CHANGELIST)

        self.registered(*(self.at(2025, month, 1, 9) for month in range(1, 13)), self.at(2026, 2, 1, 9))
        _response, many = get(admin_client, CHANGELIST)

        assert len(many) == len(few)
        assert not any("DATE_TRUNC" in statement or "DISTINCT" in statement for statement in many)


class TestOrder:
    def test_registrations_are_listed_newest_first(self, admin_client):
        older, newer = registrations(2)
        ClassRegistration.objects.filter(pk=older.pk).update(registered_at=timezone.now() - datetime.timedelta(days=1))

        rows = list(admin_client.get(CHANGELIST).context["cl"].result_list)

        assert rows == [newer, older]
