"""The WSGI module loads the URL configuration and the views it imports when it is imported, not on a worker's
first request."""

import os
import subprocess
import sys
from pathlib import Path

import worldclass

PROBE = """
import sys
import worldclass.wsgi
print(sorted(name for name in ("worldclass.operations.views", "worldclass.portal.views") if name in sys.modules))
"""


def test_importing_the_wsgi_application_loads_the_views():
    source = Path(worldclass.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(source), "DJANGO_SETTINGS_MODULE": "worldclass.settings"}
    probe = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "['worldclass.operations.views', 'worldclass.portal.views']"
