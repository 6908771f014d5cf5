"""Goals set before ``goal_create`` spelled units one way keep what was typed ("KG", "Kilos"): spell them as the
service now does, so every goal reads as the measurements do."""

from django.db import migrations

from members.units import normalise_unit


def spell_units_one_way(apps, schema_editor):
    FitnessGoal = apps.get_model("members", "FitnessGoal")
    for goal in FitnessGoal.objects.only("pk", "unit").iterator():
        unit = normalise_unit(goal.unit)
        if unit and unit != goal.unit:
            FitnessGoal.objects.filter(pk=goal.pk).update(unit=unit)


class Migration(migrations.Migration):
    dependencies = [("members", "0005_member_card_code")]

    # Backwards there is nothing to undo: the typed spelling is not kept anywhere.
    operations = [migrations.RunPython(spell_units_one_way, migrations.RunPython.noop)]
