"""The `worldclass` console script: Django's manage.py for this project."""

import gc
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worldclass.settings")
    # Start-up imports some 800 modules whose objects live as long as the process. The collector's passes over them
    # while they were made, and again in the interpreter's teardown, were a third of a warm `certify`
    # (docs/performance.md). So it is off until the command is found, and what start-up made is then set aside,
    # with the garbage start-up left behind: about 4,000 objects (half a megabyte), once per process.
    gc.disable()
    try:
        # Only once DJANGO_SETTINGS_MODULE is set, as in Django's own manage.py.
        from django.core.management import ManagementUtility

        class CommandLine(ManagementUtility):
            def fetch_command(self, subcommand):
                # Django is set up by now; this loads the command about to run (or to print its help).
                command = super().fetch_command(subcommand)
                gc.freeze()
                gc.enable()
                return command

        CommandLine(sys.argv).execute()
    finally:
        # The process is ending: the teardown need not traverse its objects once more.
        gc.freeze()


if __name__ == "__main__":
    main()
