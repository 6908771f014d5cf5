"""The back office's autocomplete fields survive a word posted where an id belongs."""

import pytest
from django.contrib import admin

from clubsite import adminkit
from operations.models import MaintenanceRecord
from operations.tests.factories import EquipmentFactory

pytestmark = pytest.mark.django_db


def test_every_autocomplete_field_of_the_back_office_uses_the_widget_that_skips_non_keys(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    fields = []
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.get_autocomplete_fields(request):
            formfield = model_admin.formfield_for_dbfield(model._meta.get_field(name), request)
            widget = getattr(formfield.widget, "widget", formfield.widget)  # inside the "add another" wrapper
            fields.append((model._meta.label, name, type(widget)))

    assert fields, "no autocomplete fields found: the admin registry was not loaded"
    assert [entry for entry in fields if entry[2] is not adminkit.AutocompleteSelect] == []


def test_the_widget_renders_a_real_choice_and_drops_a_word_without_a_query_error():
    treadmill = EquipmentFactory(name="Treadmill 7")
    widget = adminkit.AutocompleteSelect(MaintenanceRecord._meta.get_field("equipment"), admin.site)
    field = MaintenanceRecord._meta.get_field("equipment").formfield(widget=widget)

    chosen = field.widget.render("equipment", str(treadmill.pk))
    junk = field.widget.render("equipment", "abc")

    assert "Treadmill 7" in chosen and "selected" in chosen
    assert "Treadmill 7" not in junk and "selected" not in junk
