"""Celery tasks of the awards: thin wrappers that call one domain function."""

from worldclass.awards.domain.reminders import send_award_reminders
from worldclass.celery_app import app


@app.task(name="awards.send_award_reminders")
def send_award_reminders_task() -> int:
    return send_award_reminders()
