"""Celery tasks of the certificates app: thin wrappers that fetch by id and call one domain function."""

from worldclass.celery_app import app
from worldclass.certificates.domain import run_certificate_issuing


@app.task(name="certificates.issue_run")
def issue_run_task(issuing_id: int) -> str:
    return run_certificate_issuing(issuing_id=issuing_id).status
