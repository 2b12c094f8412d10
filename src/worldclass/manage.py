"""The `worldclass` console script: Django's manage.py for this project."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worldclass.settings")
    # Only once DJANGO_SETTINGS_MODULE is set, as in Django's own manage.py.
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
