"""Trigram indexes so a case-insensitive, partial name search ("bOb" finds "Roberts") stays fast.

The expressions match what Django emits for ``first_name__icontains`` / ``last_name__icontains``
(``UPPER(col::text) LIKE UPPER(%s)``), so those ORM lookups use the indexes.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

NAME_INDEXES = """
CREATE INDEX accounts_user_first_name_trgm ON accounts_user USING gin ((UPPER(first_name::text)) gin_trgm_ops);
CREATE INDEX accounts_user_last_name_trgm ON accounts_user USING gin ((UPPER(last_name::text)) gin_trgm_ops);
"""
DROP_NAME_INDEXES = """
DROP INDEX IF EXISTS accounts_user_first_name_trgm;
DROP INDEX IF EXISTS accounts_user_last_name_trgm;
"""


class Migration(migrations.Migration):
    dependencies = [("members", "0002_healthmetric_history_triggers_and_latest_view"), ("accounts", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunSQL(NAME_INDEXES, DROP_NAME_INDEXES),
    ]
