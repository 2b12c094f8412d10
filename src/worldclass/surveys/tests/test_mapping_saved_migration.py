"""Migration 0013 marks the uploads confirmed before it as having saved their mapping, as they did on confirmation."""

import importlib

import pytest
from django.apps import apps

from worldclass.directory.models import Organization
from worldclass.surveys.models import SurveyUpload
from worldclass.surveys.tests.migrations import SchemaEditor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]
migration = importlib.import_module("worldclass.surveys.migrations.0013_upload_saves_mapping_once_imported")


def upload(status: str, save_mapping_as: str = "", organization=None) -> SurveyUpload:
    return SurveyUpload.objects.create(
        source_name=f"{status}.csv",
        stored_name=f"{status}-{save_mapping_as}.csv",
        size_bytes=1,
        status=status,
        save_mapping_as=save_mapping_as,
        save_mapping_for=organization,
    )


def test_only_confirmed_uploads_that_asked_to_save_a_mapping_are_marked_saved():
    acme = Organization.objects.create(code="acme", name="Acme")
    confirmed = [upload(status, "Acme export", acme).pk for status in ("queued", "running", "done", "failed")]
    upload("uploaded", "Acme export", acme)
    upload("done")
    migration.mark_mappings_saved_at_confirmation(apps, SchemaEditor())
    assert sorted(SurveyUpload.objects.filter(mapping_saved=True).values_list("pk", flat=True)) == confirmed
