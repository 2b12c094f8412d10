import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worldclass.settings")
application = get_wsgi_application()

# Load the URL configuration, and every view module its includes import, now: otherwise each worker's first request
# waits for it (0.7 s). Under `gunicorn --preload` the workers then fork with it loaded and share its memory.
import_module(settings.ROOT_URLCONF)
