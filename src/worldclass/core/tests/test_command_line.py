"""The `worldclass` command line (`worldclass/manage.py`): no garbage collection during start-up, and collection
again while the command runs."""

import gc

import django
import pytest
from django.core.management import ManagementUtility

from worldclass import manage


@pytest.fixture
def collector_restored():
    """The test process's collector as it was: every object frozen by `main` is handed back."""
    was_enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if was_enabled:
        gc.enable()


class _RecordingCommand:
    def __init__(self, seen: dict) -> None:
        self.seen = seen

    def run_from_argv(self, argv):
        self.seen["command"] = (gc.isenabled(), gc.get_freeze_count() > 0, argv[1])


def test_start_up_runs_without_collection(monkeypatch, collector_restored):
    seen = {}
    monkeypatch.setattr("sys.argv", ["worldclass", "some-command"])
    monkeypatch.setattr(django, "setup", lambda *args, **kwargs: seen.setdefault("setup", gc.isenabled()))
    monkeypatch.setattr(ManagementUtility, "fetch_command", lambda self, name: _RecordingCommand(seen))

    manage.main()

    assert seen["setup"] is False


def test_the_command_runs_with_collection_and_start_up_set_aside(monkeypatch, collector_restored):
    seen = {}
    monkeypatch.setattr("sys.argv", ["worldclass", "some-command"])
    monkeypatch.setattr(ManagementUtility, "fetch_command", lambda self, name: _RecordingCommand(seen))

    manage.main()

    assert seen["command"] == (True, True, "some-command")
