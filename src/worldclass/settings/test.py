"""The test suite's settings (pytest's DJANGO_SETTINGS_MODULE): the shared development settings, and what every test
runs with unless it says otherwise."""

from worldclass.settings.base import *  # noqa: F403 (a settings module extends the shared one)

# Plain file storages for media and static files: a page renders without collected static files.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A task a page starts runs inline, inside the test's transaction (browser tests, on a live server, run it in the
# background as the app does without a broker: the root conftest.py).
WORLDCLASS_EAGER_TASKS_IN_BACKGROUND = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os
    import tempfile
    from pathlib import Path

    # A file, as the app runs, not SQLite's shared-cache memory database: there a page the live server serves failed
    # with "database table is locked" while a browser test's background task (an issuing) wrote the same table. A file
    # in WAL mode lets readers read while a writer writes, and makes writers wait (timeout=30). Not flushed to disk
    # at each commit: a test database need not survive a power cut.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"worldclass-test-{os.getpid()}.sqlite3")
    }
    DATABASES["default"]["OPTIONS"]["init_command"] += "PRAGMA synchronous=OFF;"  # noqa: F405
