"""Every member gets a card code (the QR of "My card"): a random code, unique, never the id.

The column is added empty, each existing member is given a code of their own (one default for all rows would
repeat one code), then it becomes required and unique, with a database default of its own (a random UUID's hex
digits) for rows inserted outside Django.
"""

import secrets

from django.db import migrations, models
from django.db.models.functions import Cast, Replace

import members.models

# A copy of members.models.CARD_CODE_BYTES as it is now (migrations never rely on app code staying the same).
CARD_CODE_BYTES = 12


def give_every_member_a_code(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    members = list(Member.objects.filter(card_code__isnull=True).only("pk"))
    for member in members:
        member.card_code = secrets.token_urlsafe(CARD_CODE_BYTES)
    Member.objects.bulk_update(members, ["card_code"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_member_reminders"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="card_code",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(give_every_member_a_code, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="member",
            name="card_code",
            # A row inserted by SQL outside Django (the bulk seed) gets a random code from the database itself.
            field=models.CharField(
                db_default=Replace(
                    Cast(models.Func(function="gen_random_uuid"), models.CharField()), models.Value("-"), models.Value("")
                ),
                default=members.models.new_card_code,
                editable=False,
                max_length=32,
                unique=True,
            ),
        ),
    ]
