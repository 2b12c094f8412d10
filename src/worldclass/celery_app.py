"""Celery application; tasks run eagerly (in-process) when no broker is configured.

Loaded by the worker and beat (`celery -A worldclass.celery_app`) and by `core.background.start_task`, not at
Django's start-up: commands that never queue a task do not pay for importing Celery."""

import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worldclass.settings")

app = Celery("worldclass")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.beat_schedule = {
    name: {"task": task, "schedule": crontab(**fields)}
    for name, (task, fields) in settings.WORLDCLASS_PERIODIC_TASKS.items()
}
app.autodiscover_tasks()
