"""Celery tasks of the certificates app: thin wrappers that fetch by id and call one domain function."""

from worldclass.celery_app import app
from worldclass.certificates.domain import run_certificate_issuing


@app.task(name="certificates.issue_run")
def issue_run_task(run_id: int, user_id: int | None, actor: str) -> int:
    return run_certificate_issuing(run_id=run_id, user_id=user_id, actor=actor).issued
