"""Celery tasks of the surveys app: thin wrappers that fetch by id and call one domain function."""

import datetime as dt

from worldclass.celery_app import app
from worldclass.surveys.domain.uploads import (
    UNCONFIRMED_UPLOAD_DAYS,
    discard_unconfirmed_survey_uploads,
    run_survey_upload,
)


@app.task(name="surveys.import_upload")
def import_upload_task(upload_id: int) -> str:
    return run_survey_upload(upload_id=upload_id).status


@app.task(name="surveys.discard_unconfirmed_uploads")
def discard_unconfirmed_uploads_task() -> int:
    return discard_unconfirmed_survey_uploads(
        older_than=dt.timedelta(days=UNCONFIRMED_UPLOAD_DAYS), actor="discard-unconfirmed-uploads"
    )
