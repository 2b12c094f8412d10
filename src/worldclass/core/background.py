"""Starting a Celery task from a web request, so that the page can show its progress."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)


def start_task(task, *args) -> None:
    """Queue `task` on the broker. Without a broker (tasks run eagerly), run it in a background thread instead, so
    that the request that started it returns at once and its page can poll the progress; with
    WORLDCLASS_EAGER_TASKS_IN_BACKGROUND off (the unit tests), run it inline."""
    if not settings.CELERY_TASK_ALWAYS_EAGER or not settings.WORLDCLASS_EAGER_TASKS_IN_BACKGROUND:
        task.delay(*args)
        return

    def run() -> None:
        try:
            # apply(), not delay(): Celery's current app is per thread, and this thread's is not configured.
            task.apply(args=args, throw=True)
        except Exception:
            # The task records its own outcome; anything else is a bug to find in the log, not a lost thread.
            logger.exception("background task %s%r failed", task.name, args)
        finally:
            connections.close_all()

    threading.Thread(target=run, name=f"task-{task.name}", daemon=True).start()
