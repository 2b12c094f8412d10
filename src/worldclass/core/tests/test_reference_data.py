import pytest
from django.apps import apps

from worldclass.certification.models import Edition, ProgramYear
from worldclass.conftest import restore_reference_data

pytestmark = pytest.mark.django_db


def test_restoring_reference_data_reloads_flushed_editions():
    ProgramYear.objects.all().delete()
    Edition.objects.all().delete()
    restore_reference_data()
    assert (
        list(Edition.objects.values_list("year", flat=True)),
        list(ProgramYear.objects.order_by("year").values_list("year", "edition__year")),
    ) == (list(range(2008, 2016)), [(year, year) for year in range(2008, 2016)])


def test_restoring_reference_data_keeps_existing_rows():
    before = list(Edition.objects.values_list("pk", flat=True))
    restore_reference_data()
    assert list(apps.get_model("certification.Edition").objects.values_list("pk", flat=True)) == before


def test_the_french_names_migration_names_the_default_editions():
    import importlib

    Edition.objects.filter(year=2015).update(name_fr="")
    importlib.import_module("worldclass.certification.migrations.0006_edition_french_names").load(apps, None)
    assert Edition.objects.get(year=2015).name_fr == "Certification RPA de classe mondiale 2015"
