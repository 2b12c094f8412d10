"""Celery tasks of the surveys app: thin wrappers that fetch by id and call one domain function."""

from worldclass.celery_app import app
from worldclass.surveys.domain.uploads import run_survey_upload


@app.task(name="surveys.import_upload")
def import_upload_task(upload_id: int) -> str:
    return run_survey_upload(upload_id=upload_id).status
