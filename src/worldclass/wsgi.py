import os

from django.core.wsgi import get_wsgi_application
from django.urls import resolve

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worldclass.settings")
application = get_wsgi_application()

# Load the URL configuration, and every view module it imports, now: otherwise each worker's first request waits for
# it (0.7 s). Under `gunicorn --preload` the workers then fork with it loaded and share its memory.
resolve("/")
