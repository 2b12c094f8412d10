"""`worldclass.settings`, the settings module every entry point names (manage, wsgi, asgi, celery, the benches):
production's when WORLDCLASS_ENV=production, else the shared development defaults. pytest runs on
`worldclass.settings.test`.

- `base`: every setting, read from the environment, with development defaults (its docstring lists the variables).
- `production`: `base` plus the secrets it refuses to start without, secure cookies, HTTPS and HSTS.
- `test`: `base` plus what every test runs with.
"""

import os

if os.environ.get("WORLDCLASS_ENV", "development") == "production":
    from worldclass.settings.production import *  # noqa: F403 (the environment picks the settings module)
else:
    from worldclass.settings.base import *  # noqa: F403 (the environment picks the settings module)
