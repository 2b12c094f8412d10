"""`worldclass certify` starts lean: the heavy libraries load where they are used, not at start-up."""

import os
import subprocess
import sys
from pathlib import Path

import worldclass

HEAVY = ["polars", "numpy", "reportlab", "segno", "holidays", "openpyxl", "pandas", "celery", "kombu"]
PROBE = f"""
import sys, django
django.setup()
from django.core.management import load_command_class
command = load_command_class("worldclass.certification", "certify")
command.create_parser("worldclass", "certify").parse_args(["--edition", "2013", "--through", "2025-01"])
# A lazily imported module is in sys.modules but not executed until first used.
loaded = [name for name in {HEAVY!r} if name in sys.modules and type(sys.modules[name]).__name__ != "_LazyModule"]
print(command.requires_system_checks, loaded)
"""


def test_certify_loads_no_heavy_library_before_it_evaluates():
    source = Path(worldclass.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(source), "DJANGO_SETTINGS_MODULE": "worldclass.settings"}
    probe = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "[] []"
