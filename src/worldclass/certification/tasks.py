"""Celery tasks of certification: thin wrappers that call one domain function."""

from celery import shared_task

from worldclass.certification.domain.integrity import check_audit_chain, check_surveys


@shared_task(name="certification.verify_audit")
def verify_audit_task() -> bool:
    return check_audit_chain().ok


@shared_task(name="certification.verify_surveys")
def verify_surveys_task() -> bool:
    return check_surveys().ok
