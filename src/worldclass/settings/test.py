"""The test suite's settings (pytest's DJANGO_SETTINGS_MODULE): the shared development settings, with plain file
storages for media and static files (no collected manifest is needed to render a page)."""

from worldclass.settings.base import *  # noqa: F403 (a settings module extends the shared one)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
