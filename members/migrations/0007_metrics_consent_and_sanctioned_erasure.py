"""Consent to processing health metrics (its history), and the one sanctioned way to delete metrics.

Metrics were refused UPDATE only (members/0002). Now DELETE is refused too, except inside a transaction that
set ``clubsite.metrics_erasure`` to ``on`` (``set_config(..., true)``: it ends with that transaction), which only
``members.services.metrics_erase`` does (a withdrawn consent confirmed, an erasure). The last_metric_at trigger
(AFTER DELETE) keeps the member's column right.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

REFUSE_CHANGE = """
CREATE OR REPLACE FUNCTION members_healthmetric_refuse_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('clubsite.metrics_erasure', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'health metrics are history: they cannot be changed, and are deleted only by an erasure'
        USING ERRCODE = 'integrity_constraint_violation',
              CONSTRAINT = 'members_healthmetric_append_only';
END;
$$;
DROP TRIGGER IF EXISTS members_healthmetric_append_only ON members_healthmetric;
CREATE TRIGGER members_healthmetric_append_only
    BEFORE UPDATE OR DELETE ON members_healthmetric
    FOR EACH ROW EXECUTE FUNCTION members_healthmetric_refuse_update();
"""
# Back to members/0002's trigger: UPDATE refused, DELETE free.
REFUSE_UPDATE_ONLY = """
CREATE OR REPLACE FUNCTION members_healthmetric_refuse_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'health metrics are history and cannot be changed; record a new entry instead'
        USING ERRCODE = 'integrity_constraint_violation',
              CONSTRAINT = 'members_healthmetric_append_only';
END;
$$;
DROP TRIGGER IF EXISTS members_healthmetric_append_only ON members_healthmetric;
CREATE TRIGGER members_healthmetric_append_only
    BEFORE UPDATE ON members_healthmetric
    FOR EACH ROW EXECUTE FUNCTION members_healthmetric_refuse_update();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0006_goal_units_spelled_one_way'),
    ]

    operations = [
        migrations.CreateModel(
            name='MetricsConsent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('notice_version', models.CharField(max_length=20)),
                ('given_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('withdrawn_at', models.DateTimeField(blank=True, null=True)),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='metrics_consents', to='members.member')),
            ],
            options={
                'ordering': ['-given_at', '-id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('withdrawn_at__isnull', True)), fields=('member',), name='members_metricsconsent_one_current'), models.CheckConstraint(condition=models.Q(('withdrawn_at__isnull', True), ('withdrawn_at__gte', models.F('given_at')), _connector='OR'), name='members_metricsconsent_withdrawn_after_given')],
            },
        ),
        migrations.RunSQL(REFUSE_CHANGE, REFUSE_UPDATE_ONLY),
    ]
