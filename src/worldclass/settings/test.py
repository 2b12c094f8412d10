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
