"""Starting tasks from pages: on the broker, inline, or (eager, without a broker) in a background thread."""

import threading

import pytest
from celery import current_app

from worldclass.core.background import start_task


class RecordingTask:
    name = "tests.recording"

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple, str]] = []
        self.done = threading.Event()

    def delay(self, *args):
        self.calls.append(("delay", args, threading.current_thread().name))

    def apply(self, *, args, throw):
        self.calls.append(("apply", tuple(args), threading.current_thread().name))
        self.done.set()


@pytest.fixture
def task(monkeypatch):
    recording = RecordingTask()
    monkeypatch.setitem(current_app.tasks, RecordingTask.name, recording)
    return recording


def test_with_a_broker_the_task_is_queued(task, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    start_task("tests.recording", 7)
    assert task.calls == [("delay", (7,), threading.current_thread().name)]


def test_eager_tasks_run_inline_when_the_background_is_off(task, settings):
    settings.CELERY_TASK_ALWAYS_EAGER, settings.WORLDCLASS_EAGER_TASKS_IN_BACKGROUND = True, False
    start_task("tests.recording", 7)
    assert task.calls == [("delay", (7,), threading.current_thread().name)]


def test_eager_tasks_run_in_a_background_thread_so_the_page_returns_at_once(task, settings):
    settings.CELERY_TASK_ALWAYS_EAGER, settings.WORLDCLASS_EAGER_TASKS_IN_BACKGROUND = True, True
    start_task("tests.recording", 7)
    assert task.done.wait(timeout=10)
    assert task.calls == [("apply", (7,), "task-tests.recording")]
