from django.db import migrations, models
from django.db.models import F


def confirm_existing(apps, schema_editor):
    # Every account made before sign-up asked for a confirmation link counts as confirmed when it was made.
    apps.get_model("accounts", "User").objects.update(email_confirmed_at=F("date_joined"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_access_tokens")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_confirmed_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the person proved the address is theirs (the sign-up link); empty while a sign-up "
                "waits for it. Accounts staff create are confirmed when made.",
                null=True,
            ),
        ),
        migrations.RunPython(confirm_existing, migrations.RunPython.noop),
    ]
