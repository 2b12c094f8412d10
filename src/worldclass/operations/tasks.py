"""Celery tasks of operations: thin wrappers that call one domain function (scheduled in settings)."""

from django.utils import timezone

from worldclass.celery_app import app
from worldclass.operations.domain.calls import purge_contacts
from worldclass.operations.domain.invitations import send_due_invitations


@app.task(name="operations.send_due_invitations")
def send_due_invitations_task() -> int:
    return send_due_invitations(now=timezone.now())


@app.task(name="operations.purge_contacts")
def purge_contacts_task() -> int:
    return purge_contacts(now=timezone.now(), actor="purge-contacts")
