"""The surveys app's periodic job: uploads left unconfirmed are discarded daily."""

import datetime as dt

import pytest
from django.utils import timezone

from worldclass.celery_app import app
from worldclass.certificates.tests.factories import user_with_role
from worldclass.surveys.models import SurveyUpload
from worldclass.surveys.tasks import discard_unconfirmed_uploads_task
from worldclass.surveys.tests.csvfiles import rows
from worldclass.surveys.tests.test_uploads import receive

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]


@pytest.fixture(autouse=True)
def _upload_dir(tmp_path, settings):
    settings.WORLDCLASS_SURVEY_UPLOAD_DIR = tmp_path / "uploads"


def test_discarding_unconfirmed_uploads_is_on_the_beat_schedule():
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "surveys.discard_unconfirmed_uploads" in scheduled


def test_the_task_discards_the_uploads_waiting_for_more_than_a_week():
    staff = user_with_role("staff", "certifier_staff", is_staff=True)
    old, recent = receive(staff, rows(1)), receive(staff, rows(2))
    SurveyUpload.objects.filter(pk=old.pk).update(uploaded_at=timezone.now() - dt.timedelta(days=7, minutes=1))
    assert discard_unconfirmed_uploads_task.delay().get() == 1
    assert dict(SurveyUpload.objects.values_list("pk", "status")) == {
        old.pk: SurveyUpload.Status.DISCARDED,
        recent.pk: SurveyUpload.Status.UPLOADED,
    }
