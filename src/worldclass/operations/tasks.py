"""Celery tasks of operations: thin wrappers that call one domain function (scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.utils import timezone

from worldclass.operations.domain.calls import purge_contacts
from worldclass.operations.domain.invitations import send_due_invitations


@shared_task(name="operations.send_due_invitations")
def send_due_invitations_task() -> int:
    return send_due_invitations(now=timezone.now())


@shared_task(name="operations.purge_contacts")
def purge_contacts_task() -> int:
    return purge_contacts(now=timezone.now(), actor="purge-contacts")
