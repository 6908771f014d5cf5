"""Indexes so the back office's invoice, payment and membership lists and the overdue invoices stay fast at scale."""

from django.db import migrations

# Each changelist orders by (date, id) in either direction, and its date hierarchy probes the date. The
# payments' index also carries kind and amount, so the dashboard's revenue of the month is read from it alone.
CHANGELIST_INDEXES = """
CREATE INDEX billing_invoice_period ON billing_invoice (period_start, id);
CREATE INDEX billing_payment_received ON billing_payment (received_at, id) INCLUDE (kind, amount);
CREATE INDEX billing_membership_started ON billing_membership (started_on, id);
"""
DROP_CHANGELIST_INDEXES = """
DROP INDEX IF EXISTS billing_invoice_period;
DROP INDEX IF EXISTS billing_payment_received;
DROP INDEX IF EXISTS billing_membership_started;
"""

# The staff dashboard lists the oldest overdue invoices: issued ones in (due_date, id) order, read until ten owe.
OVERDUE_INDEX = "CREATE INDEX billing_invoice_issued_due ON billing_invoice (due_date, id) WHERE status = 'issued';"
DROP_OVERDUE_INDEX = "DROP INDEX IF EXISTS billing_invoice_issued_due;"


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [
        migrations.RunSQL(CHANGELIST_INDEXES, DROP_CHANGELIST_INDEXES),
        migrations.RunSQL(OVERDUE_INDEX, DROP_OVERDUE_INDEX),
    ]
