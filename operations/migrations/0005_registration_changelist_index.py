"""An index for the registrations changelist: newest first and its date hierarchy, without reading a million rows."""

from django.db import migrations

# The changelist orders by (registered_at, id), in either direction; its date hierarchy probes registered_at.
CREATE = "CREATE INDEX operations_reg_registered ON operations_classregistration (registered_at, id);"
DROP = "DROP INDEX IF EXISTS operations_reg_registered;"


class Migration(migrations.Migration):
    dependencies = [("operations", "0004_booking_class_start_index")]

    operations = [migrations.RunSQL(CREATE, DROP)]
