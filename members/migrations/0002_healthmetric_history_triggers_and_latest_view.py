"""Health metrics as a history: index, append-only trigger, last_metric_at trigger, latest-metric view."""

from django.db import migrations

HISTORY_INDEX = """
CREATE INDEX members_healthmetric_member_recorded
    ON members_healthmetric (member_id, recorded_at DESC, id DESC);
"""
DROP_HISTORY_INDEX = "DROP INDEX IF EXISTS members_healthmetric_member_recorded;"

# A correction is a new entry: rewriting history is refused by the database itself.
REFUSE_UPDATE = """
CREATE FUNCTION members_healthmetric_refuse_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'health metrics are history and cannot be changed; record a new entry instead'
        USING ERRCODE = 'integrity_constraint_violation',
              CONSTRAINT = 'members_healthmetric_append_only';
END;
$$;
CREATE TRIGGER members_healthmetric_append_only
    BEFORE UPDATE ON members_healthmetric
    FOR EACH ROW EXECUTE FUNCTION members_healthmetric_refuse_update();
"""
DROP_REFUSE_UPDATE = """
DROP TRIGGER IF EXISTS members_healthmetric_append_only ON members_healthmetric;
DROP FUNCTION IF EXISTS members_healthmetric_refuse_update();
"""

# last_metric_at is the latest recorded_at, not the latest insert: a back-dated entry must not
# move it backwards, and deleting the latest entry moves it back to the one before.
LAST_METRIC_AT = """
CREATE FUNCTION members_member_track_last_metric() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE members_member
           SET last_metric_at = NEW.recorded_at
         WHERE id = NEW.member_id
           AND (last_metric_at IS NULL OR last_metric_at < NEW.recorded_at);
        RETURN NEW;
    END IF;
    -- DELETE: recompute from what is left (an index-only lookup on the history index).
    UPDATE members_member
       SET last_metric_at = (SELECT max(recorded_at) FROM members_healthmetric WHERE member_id = OLD.member_id)
     WHERE id = OLD.member_id;
    RETURN OLD;
END;
$$;
CREATE TRIGGER members_member_track_last_metric
    AFTER INSERT OR DELETE ON members_healthmetric
    FOR EACH ROW EXECUTE FUNCTION members_member_track_last_metric();
"""
DROP_LAST_METRIC_AT = """
DROP TRIGGER IF EXISTS members_member_track_last_metric ON members_healthmetric;
DROP FUNCTION IF EXISTS members_member_track_last_metric();
"""

LATEST_VIEW = """
CREATE VIEW members_latest_metric AS
SELECT DISTINCT ON (member_id)
       member_id, id AS metric_id, weight, heart_rate, body_fat, recorded_at
  FROM members_healthmetric
 ORDER BY member_id, recorded_at DESC, id DESC;
"""
DROP_LATEST_VIEW = "DROP VIEW IF EXISTS members_latest_metric;"


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [
        migrations.RunSQL(HISTORY_INDEX, DROP_HISTORY_INDEX),
        migrations.RunSQL(REFUSE_UPDATE, DROP_REFUSE_UPDATE),
        migrations.RunSQL(LAST_METRIC_AT, DROP_LAST_METRIC_AT),
        migrations.RunSQL(LATEST_VIEW, DROP_LATEST_VIEW),
    ]
