"""The audit trail's triggers: every insert, update and delete of the audited tables, and the trail append-only.

One statement-level AFTER trigger per table and event (PostgreSQL gives transition tables only to single-event
triggers), so a bulk write of a thousand rows costs one INSERT ... SELECT into the trail, not a thousand.
``audit_record(id column, kept columns, hidden columns)``:

- the id column: the row's ``id``, or for a link table its owner's (``user_id`` for a user's groups), so that an
  object's trail holds the changes of its links;
- the kept columns: ``*`` for every column, or a list: the user table keeps only what grants powers (never the
  password hash, names or email);
- the hidden columns: free text that may hold health details (a PT session's notes): the trail says the column
  changed, not what it said.

An update records only the columns it changed, and nothing when it changed none of the kept ones (a sign-in's
``last_login``). Who and through which door: ``current_setting('clubsite.audit')``, the JSON the site's
connections send with each write (clubsite/audit/db.py); with none, door ``sql``.

TRUNCATE is neither recorded nor refused: the test runner empties every table between some tests.
"""

from django.db import migrations

FUNCTIONS = r"""
CREATE FUNCTION audit_context() RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    raw text := current_setting('clubsite.audit', true);
BEGIN
    IF raw IS NULL OR raw = '' THEN
        RETURN '{}'::jsonb;
    END IF;
    BEGIN
        RETURN raw::jsonb;
    EXCEPTION WHEN others THEN
        -- Set by hand to something that is not the site's JSON: keep what it said, as SQL.
        RETURN jsonb_build_object('label', left(raw, 254));
    END;
END;
$$;

-- The row as the trail keeps it: only the kept columns (all when keep is NULL).
CREATE FUNCTION audit_kept(j jsonb, keep text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN keep IS NULL THEN j
                ELSE (SELECT coalesce(jsonb_object_agg(key, value), '{}'::jsonb) FROM jsonb_each(j) WHERE key = ANY (keep))
           END;
$$;

-- Hidden columns say that they held something, never what.
CREATE FUNCTION audit_hidden(j jsonb, hidden text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN j IS NULL OR cardinality(hidden) = 0 THEN j
                ELSE (SELECT jsonb_object_agg(
                          key,
                          CASE WHEN key = ANY (hidden) AND value NOT IN ('null'::jsonb, '""'::jsonb)
                               THEN '"(not kept)"'::jsonb ELSE value END)
                        FROM jsonb_each(j))
           END;
$$;

CREATE FUNCTION audit_record() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    id_column text := TG_ARGV[0];
    keep text[] := CASE WHEN TG_ARGV[1] = '*' THEN NULL ELSE TG_ARGV[1]::text[] END;
    hidden text[] := TG_ARGV[2]::text[];
    context jsonb := audit_context();
    actor_id bigint := CASE WHEN context->>'id' ~ '^[0-9]{1,18}$' THEN (context->>'id')::bigint END;
    actor_label text := left(coalesce(context->>'label', ''), 254);
    door text := left(coalesce(context->>'door', 'sql'), 8);
    moment timestamptz := clock_timestamp();
    tx bigint := pg_current_xact_id()::text::bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit_auditevent (at, table_name, object_id, action, actor_id, actor_label, door, before, after, txid)
        SELECT moment, TG_TABLE_NAME, left(j->>id_column, 40), 'insert', actor_id, actor_label, door,
               NULL, audit_hidden(audit_kept(j, keep), hidden), tx
          FROM (SELECT to_jsonb(n) AS j FROM audit_new n) AS rows;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO audit_auditevent (at, table_name, object_id, action, actor_id, actor_label, door, before, after, txid)
        SELECT moment, TG_TABLE_NAME, left(j->>id_column, 40), 'delete', actor_id, actor_label, door,
               audit_hidden(audit_kept(j, keep), hidden), NULL, tx
          FROM (SELECT to_jsonb(o) AS j FROM audit_old o) AS rows;
    ELSE
        INSERT INTO audit_auditevent (at, table_name, object_id, action, actor_id, actor_label, door, before, after, txid)
        SELECT moment, TG_TABLE_NAME, left(pair.new_row->>id_column, 40), 'update', actor_id, actor_label, door,
               audit_hidden(changed.before, hidden), audit_hidden(changed.after, hidden), tx
          FROM (SELECT to_jsonb(n) AS new_row, audit_kept(to_jsonb(o), keep) AS old_kept,
                       audit_kept(to_jsonb(n), keep) AS new_kept
                  FROM audit_old o JOIN audit_new n ON n.id = o.id) AS pair
         CROSS JOIN LATERAL (
                SELECT jsonb_object_agg(key, pair.old_kept->key) AS before, jsonb_object_agg(key, value) AS after
                  FROM jsonb_each(pair.new_kept)
                 WHERE pair.old_kept->key IS DISTINCT FROM value) AS changed
         WHERE changed.after IS NOT NULL;
    END IF;
    RETURN NULL;
END;
$$;

-- The trail is history: the database refuses to change or delete it, whoever asks.
CREATE FUNCTION audit_auditevent_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail cannot be changed or deleted'
        USING ERRCODE = 'integrity_constraint_violation',
              CONSTRAINT = 'audit_auditevent_append_only';
END;
$$;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_change();
"""

DROP_FUNCTIONS = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_refuse_change();
DROP FUNCTION IF EXISTS audit_record();
DROP FUNCTION IF EXISTS audit_hidden(jsonb, text[]);
DROP FUNCTION IF EXISTS audit_kept(jsonb, text[]);
DROP FUNCTION IF EXISTS audit_context();
"""

# table -> (id column, kept columns, hidden columns). A copy of clubsite.audit.tables.AUDITED (migrations never
# import app code); a test keeps the two the same.
AUDITED = {
    "billing_invoice": ("id", "*", "{}"),
    "billing_invoiceline": ("id", "*", "{}"),
    "billing_payment": ("id", "*", "{}"),
    "billing_membership": ("id", "*", "{}"),
    "billing_membershipfreeze": ("id", "*", "{}"),
    "operations_adminstaff": ("id", "*", "{}"),
    "operations_booking": ("id", "*", "{}"),
    "operations_groupclass": ("id", "*", "{}"),
    "operations_classregistration": ("id", "*", "{}"),
    "operations_personaltrainingsession": ("id", "*", "{notes,trainer_notes}"),
    "accounts_user": ("id", "{id,is_active,is_staff,is_superuser}", "{}"),
    "accounts_user_groups": ("user_id", "*", "{}"),
    "accounts_user_user_permissions": ("user_id", "*", "{}"),
    "auth_group": ("id", "*", "{}"),
    "auth_group_permissions": ("group_id", "*", "{}"),
}
EVENTS = {
    "insert": "AFTER INSERT ON {table} REFERENCING NEW TABLE AS audit_new",
    "update": "AFTER UPDATE ON {table} REFERENCING OLD TABLE AS audit_old NEW TABLE AS audit_new",
    "delete": "AFTER DELETE ON {table} REFERENCING OLD TABLE AS audit_old",
}


def _triggers() -> str:
    statements = []
    for table, (id_column, keep, hidden) in AUDITED.items():
        for event, timing in EVENTS.items():
            statements.append(
                f"CREATE TRIGGER audit_{event} {timing.format(table=table)}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION audit_record('{id_column}', '{keep}', '{hidden}');"
            )
    return "\n".join(statements)


def _drop_triggers() -> str:
    return "\n".join(
        f"DROP TRIGGER IF EXISTS audit_{event} ON {table};" for table in AUDITED for event in EVENTS
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("accounts", "0003_access_tokens"),
        ("billing", "0005_text_length_limits"),
        ("operations", "0010_group_class_level"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
        migrations.RunSQL(_triggers(), _drop_triggers()),
    ]
