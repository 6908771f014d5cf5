"""Database-wide rules: every foreign key is indexed, and the name search can use its trigram indexes."""

import pytest
from django.apps import apps
from django.db import connection

from members.selectors import member_search
from members.tests.factories import MemberFactory

PROJECT_APPS = ("accounts", "members", "trainers", "operations", "billing")
TRIGRAM_INDEXES = {"accounts_user_first_name_trgm", "accounts_user_last_name_trgm"}


def _project_tables() -> set[str]:
    return {
        model._meta.db_table
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed
    }


def _foreign_keys() -> list[tuple[str, str, bool]]:
    """(table, column, has an index whose first column is it) for every foreign key in the schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, a.attname,
                   EXISTS (SELECT 1 FROM pg_index i
                            WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
              FROM pg_constraint c
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
             WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
             ORDER BY 1, 2
            """
        )
        return cursor.fetchall()


@pytest.mark.django_db
def test_every_foreign_key_column_of_the_project_leads_an_index():
    tables = _project_tables()
    foreign_keys = [row for row in _foreign_keys() if row[0] in tables]

    missing = [f"{table}.{column}" for table, column, indexed in foreign_keys if not indexed]

    assert missing == [], f"foreign keys without an index that starts with them: {missing}"
    # The check saw the foreign keys it is about (it cannot pass by finding none).
    found = {(table, column) for table, column, _ in foreign_keys}
    assert {
        ("members_healthmetric", "member_id"),
        ("operations_booking", "room_id"),
        ("operations_booking", "trainer_id"),
        ("billing_invoiceline", "invoice_id"),
        ("billing_payment", "invoice_id"),
        ("accounts_user_groups", "user_id"),
    } <= found


@pytest.mark.django_db
def test_the_trigram_indexes_exist_on_the_name_expressions_django_searches():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'accounts_user'")
        definitions = dict(cursor.fetchall())

    assert TRIGRAM_INDEXES <= set(definitions)
    for name in TRIGRAM_INDEXES:
        assert "USING gin" in definitions[name]
        assert "gin_trgm_ops" in definitions[name]
        assert "upper(" in definitions[name]


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["rob", "rob smi"])
def test_a_name_search_uses_the_trigram_indexes_when_sequential_scans_are_off(term):
    MemberFactory(user__first_name="Robert", user__last_name="Smith")
    with connection.cursor() as cursor:
        # Enough other people, with fresh statistics, that reading the whole table by its primary key
        # is not cheaper than the index (on a near-empty table it can be, whatever the settings).
        cursor.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, email, first_name, last_name, is_staff, is_active,
                                       date_joined)
            SELECT '', false, 'person' || n || '@club.test', 'Name' || n, 'Surname' || n, false, true, now()
              FROM generate_series(1, 2000) AS n
            """
        )
        # ... each a member, as in a club: the planner then weighs the join on real numbers, not on
        # whatever statistics earlier tests' rolled-back rows left for members_member.
        cursor.execute(
            """
            INSERT INTO members_member (user_id, date_of_birth, gender, phone, created_at)
            SELECT id, DATE '1990-01-01', 'undisclosed', '', now()
              FROM accounts_user WHERE email LIKE 'person%@club.test'
            """
        )
        cursor.execute("ANALYZE accounts_user")
        cursor.execute("ANALYZE members_member")
        # New entries wait in a GIN index's pending list until a vacuum; the planner prices a long
        # list (here, the rows of earlier tests too) as a slow index, so merge it as a vacuum would.
        for name in sorted(TRIGRAM_INDEXES):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
        # SET LOCAL ends with the test's transaction, so later tests plan normally.
        cursor.execute("SET LOCAL enable_seqscan = off")

    # Unordered, as when counting matches: with an order, walking the name-order index and
    # stopping after a page can be the better plan, and PostgreSQL rightly picks it.
    plan = member_search(term=term).order_by().explain()

    used = {name for name in TRIGRAM_INDEXES if name in plan}
    assert used == TRIGRAM_INDEXES, plan
