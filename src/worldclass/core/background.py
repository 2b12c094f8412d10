"""Starting a Celery task from a web request, so that the page can show its progress."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connections

from worldclass.core.after_commit import after_commit

logger = logging.getLogger(__name__)


def start_task(name: str, *args) -> None:
    """Queue the task registered as `name` on the broker. Without a broker (tasks run eagerly), run it in a
    background thread instead, so that the request that started it returns at once and its page can poll the
    progress; with WORLDCLASS_EAGER_TASKS_IN_BACKGROUND off (the unit tests), run it inline. Either starts once the
    current transaction commits (`after_commit`): the task then finds the rows it is given, and a rollback starts
    nothing.

    By name, so that a view need not import its app's tasks module (a sibling layer)."""
    # Imported here, not at start-up: most processes (every management command) never queue a task.
    from worldclass.celery_app import app as current_app

    if name not in current_app.tasks:
        # The web process never starts a worker, which is when Celery imports the apps' tasks modules.
        current_app.loader.import_default_modules()
    task = current_app.tasks[name]
    if not settings.CELERY_TASK_ALWAYS_EAGER or not settings.WORLDCLASS_EAGER_TASKS_IN_BACKGROUND:

        def queue() -> None:
            task.delay(*args)

        after_commit(queue)
        return

    def run() -> None:
        try:
            task.apply(args=args, throw=True)
        except Exception:
            # The task records its own outcome; anything else is a bug to find in the log, not a lost thread.
            logger.exception("background task %s%r failed", name, args)
        finally:
            connections.close_all()

    after_commit(threading.Thread(target=run, name=f"task-{name}", daemon=True).start)
