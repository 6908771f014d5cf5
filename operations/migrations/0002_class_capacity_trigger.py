"""A class never seats more members than its capacity, whatever writes the row and however many at once."""

from django.db import migrations

CAPACITY_TRIGGER = """
CREATE FUNCTION operations_classregistration_enforce_capacity() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    class_capacity integer;
    seated integer;
BEGIN
    IF NEW.status NOT IN ('registered', 'attended') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status IN ('registered', 'attended')
       AND OLD.group_class_id = NEW.group_class_id THEN
        RETURN NEW;  -- already held a seat in this class
    END IF;
    -- Lock the class row: concurrent registrations for the same class queue here, so each
    -- counts the seats taken by the ones committed before it.
    SELECT capacity INTO class_capacity
      FROM operations_groupclass WHERE id = NEW.group_class_id FOR UPDATE;
    SELECT count(*) INTO seated
      FROM operations_classregistration
     WHERE group_class_id = NEW.group_class_id
       AND status IN ('registered', 'attended')
       AND id <> NEW.id;
    IF seated >= class_capacity THEN
        RAISE EXCEPTION 'class % is full (% of % seats taken)', NEW.group_class_id, seated, class_capacity
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'operations_classregistration_capacity';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER operations_classregistration_capacity
    BEFORE INSERT OR UPDATE OF status, group_class_id ON operations_classregistration
    FOR EACH ROW EXECUTE FUNCTION operations_classregistration_enforce_capacity();
"""
DROP_CAPACITY_TRIGGER = """
DROP TRIGGER IF EXISTS operations_classregistration_capacity ON operations_classregistration;
DROP FUNCTION IF EXISTS operations_classregistration_enforce_capacity();
"""


class Migration(migrations.Migration):
    dependencies = [("operations", "0001_initial")]

    operations = [migrations.RunSQL(CAPACITY_TRIGGER, DROP_CAPACITY_TRIGGER)]
