"""The admin imports the apps' admin modules on first use, and every way in sees all of them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import worldclass

PROBE = """
import sys, django
django.setup()
from django.contrib import admin
from worldclass.surveys.models import SurveyResponse

def admin_modules():
    return sorted(name for name in sys.modules if name.startswith("worldclass.") and name.endswith(".admin"))

before = admin_modules()
way = sys.argv[1]
if way == "urls":
    admin.site.urls
elif way == "checks":
    admin.site.check(None)
elif way == "model_admin":
    admin.site.get_model_admin(SurveyResponse)
print(len(before), len(admin_modules()), admin.site.is_registered(SurveyResponse))
"""


@pytest.mark.parametrize("way", ["urls", "checks", "model_admin"])
def test_the_admin_modules_load_on_first_use(way):
    source = Path(worldclass.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(source), "DJANGO_SETTINGS_MODULE": "worldclass.settings"}
    probe = subprocess.run([sys.executable, "-c", PROBE, way], env=env, capture_output=True, text=True, check=True)
    before, after, registered = probe.stdout.split()
    admin_apps = len(list(source.glob("worldclass/*/admin.py")))
    assert (int(before), int(after), registered) == (0, admin_apps, "True")
