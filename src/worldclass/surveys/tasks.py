"""Celery tasks of the surveys app: thin wrappers that fetch by id and call one domain function."""

from celery import shared_task

from worldclass.surveys.domain.uploads import run_survey_upload


@shared_task(name="surveys.import_upload")
def import_upload_task(upload_id: int) -> str:
    return run_survey_upload(upload_id=upload_id).status
