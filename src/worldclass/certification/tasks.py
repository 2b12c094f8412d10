"""Celery tasks of certification: thin wrappers that call one domain function."""

from worldclass.celery_app import app
from worldclass.certification.domain.integrity import check_audit_chain, check_surveys


@app.task(name="certification.verify_audit")
def verify_audit_task() -> bool:
    return check_audit_chain().ok


@app.task(name="certification.verify_surveys")
def verify_surveys_task() -> bool:
    return check_surveys().ok
