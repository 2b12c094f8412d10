"""Production (WORLDCLASS_ENV=production): the shared settings, refusing to start without the secrets and the shared
cache a deployment needs, with secure cookies, HTTPS and HSTS (docs/deployment.md). `worldclass check --deploy` passes
on these (accounts/tests/test_login_security.py)."""

import os

from worldclass.settings.base import *  # noqa: F403 (a settings module extends the shared one)
from worldclass.settings.base import _env_bool, _env_list

ENVIRONMENT = "production"
IS_PRODUCTION = True

if not os.environ.get("WORLDCLASS_SECRET_KEY"):
    raise RuntimeError("WORLDCLASS_SECRET_KEY must be set when WORLDCLASS_ENV=production")
if not os.environ.get("WORLDCLASS_CACHE_URL"):
    # A per-process cache gives each worker its own copy of whatever is cached (rate limits, locks): refuse it.
    raise RuntimeError("WORLDCLASS_CACHE_URL must be set when WORLDCLASS_ENV=production (e.g. redis://host:6379/1)")
if not os.environ.get("WORLDCLASS_CUSTOMER_HASH_KEY"):
    raise RuntimeError("WORLDCLASS_CUSTOMER_HASH_KEY must be set when WORLDCLASS_ENV=production")

# No host is allowed unless named.
ALLOWED_HOSTS = _env_list("WORLDCLASS_ALLOWED_HOSTS", "")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = _env_bool("WORLDCLASS_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = int(os.environ.get("WORLDCLASS_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
