"""`worldclass certify` starts lean: the heavy libraries load where they are used, not at start-up."""

import os
import subprocess
import sys
from pathlib import Path

import worldclass

HEAVY = ["polars", "pyarrow", "numpy", "reportlab", "segno", "holidays", "openpyxl", "pandas", "celery", "kombu"]
PROBE = f"""
import sys, django
django.setup()
from django.core.management import load_command_class
command = load_command_class("worldclass.certification", "certify")
command.create_parser("worldclass", "certify").parse_args(["--edition", "2013", "--through", "2025-01"])
# A deferred module (core.lazy) stays out of sys.modules until it is first used.
loaded = [name for name in {HEAVY!r} if name in sys.modules]
# The admin discovers the apps' admin modules on first use (core.admin_site).
loaded += [name for name in sys.modules if name.startswith("worldclass.") and name.endswith(".admin")]
print(command.requires_system_checks, loaded)
"""


def test_certify_loads_no_heavy_library_before_it_evaluates():
    source = Path(worldclass.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(source), "DJANGO_SETTINGS_MODULE": "worldclass.settings"}
    probe = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "[] []"


REUSE_PROBE = """
import sys, django
django.setup()
from django.core.management import call_command
if sys.argv[1] == "first":
    call_command("migrate", verbosity=0)
call_command("certify", "--edition", "2013", "--through", "2025-01", stdout=open("/dev/null", "w"))
print("numpy" in sys.modules)
"""


def test_a_certify_that_reuses_its_stored_run_never_loads_numpy(tmp_path):
    source = Path(worldclass.__file__).resolve().parents[1]
    env = {
        **os.environ,
        "PYTHONPATH": str(source),
        "DJANGO_SETTINGS_MODULE": "worldclass.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'reuse.sqlite3'}",
    }

    def certify(which: str) -> str:
        command = [sys.executable, "-c", REUSE_PROBE, which]
        return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout.strip()

    # The first run evaluates, with numpy; the second, in a fresh process, finds its input unchanged.
    assert (certify("first"), certify("again")) == ("True", "False")
