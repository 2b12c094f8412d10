"""Settings shared by every environment, read from the environment so that one code base serves the demo, CI and
production. `worldclass.settings` picks `production` (which adds to these) when WORLDCLASS_ENV=production, else these;
pytest runs on `test`.

Environment variables:
- DATABASE_URL: defaults to a SQLite file `worldclass.sqlite3` in the working directory; `postgres://…` works too.
- DATABASE_MIGRATE_URL: optional, PostgreSQL: the same database as the tables' owner role, for `migrate` (the app's
  own role then needs no DDL rights; docs/deployment.md).
- WORLDCLASS_SECRET_KEY: required when WORLDCLASS_ENV=production.
- WORLDCLASS_ENV: `development` (default) or `production` (secure cookies, HSTS, no debug).
- WORLDCLASS_DEBUG: `1` to turn Django's debug pages on.
- WORLDCLASS_ALLOWED_HOSTS: comma-separated host names.
- CELERY_BROKER_URL: e.g. `redis://127.0.0.1:6379/0`; without it, tasks run eagerly in-process.
- WORLDCLASS_CACHE_URL: a Redis URL; required when WORLDCLASS_ENV=production (a per-process cache is refused).
- WORLDCLASS_EMAIL_BACKEND: a Django email backend path; the console backend by default.
- WORLDCLASS_PAGE_CACHE_SECONDS: how long a dashboard page is kept for its user while the database is unchanged
  (core/page_cache.py; 300 by default, 0 turns it off).
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.contrib.messages import constants as message_constants

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    """A comma-separated variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("WORLDCLASS_ENV", "development")
IS_PRODUCTION = False

SECRET_KEY = (
    os.environ.get("WORLDCLASS_SECRET_KEY", "")
    or "development-only-not-secret-worldclass-key-do-not-use-in-production-0123456789"
)

DEBUG = _env_bool("WORLDCLASS_DEBUG", default=False)
ALLOWED_HOSTS = _env_list("WORLDCLASS_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

INSTALLED_APPS = [
    "worldclass.core.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "knox",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "worldclass.core",
    "worldclass.accounts",
    "worldclass.directory",
    "worldclass.surveys",
    "worldclass.certification",
    "worldclass.operations",
    "worldclass.portal",
    "worldclass.certificates",
    "worldclass.registry",
    "worldclass.awards",
    "worldclass.demo",
]

MIDDLEWARE = [
    # First: the page cache's snapshot is read before anything else of the request (core/page_cache.py).
    "worldclass.core.page_cache.DatabaseSnapshotMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "worldclass.core.headers.PrivacyHeadersMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "worldclass.core.tenancy.TenantScopeMiddleware",
    "worldclass.core.error_pages.AppErrorPageMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "worldclass.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "worldclass.core.context_processors.navigation",
            ],
            # Data-driven labels (editions, categories, checklist items) in the active language, on every page.
            "builtins": ["worldclass.core.templatetags.localized"],
        },
    },
]

WSGI_APPLICATION = "worldclass.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "sqlite:///" + str(Path.cwd() / "worldclass.sqlite3")),
        conn_max_age=int(os.environ.get("WORLDCLASS_DB_CONN_MAX_AGE", "0")),
    )
}
# Least privilege (docs/deployment.md, worldclass.core.dbroles): the app connects as DATABASE_URL's role; with
# DATABASE_MIGRATE_URL set (the same database, as the tables' owner), `migrate` and `flush` connect as that role.
DATABASE_MIGRATE = (
    dj_database_url.parse(os.environ["DATABASE_MIGRATE_URL"]) if os.environ.get("DATABASE_MIGRATE_URL") else None
)
DATABASE_APP_CREDENTIALS = {key: DATABASES["default"].get(key, "") for key in ("USER", "PASSWORD", "HOST", "PORT")}
DATABASE_APP_ROLE = DATABASE_APP_CREDENTIALS["USER"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: a leaderboard of 5,000 CSRs is estimated costly enough to be compiled, which took 450 ms of a 540 ms
    # query; the application's queries are short, and its long ones (imports) gain less than compiling costs.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    # Parameters bound by the server, and a statement run five times on one connection prepared there: with
    # persistent connections, a web answer's dozen statements are planned once per connection instead of once per
    # answer (PostgreSQL's CPU per answer 4.2 -> 2.3 ms, docs/performance.md). Off behind a pooler in transaction
    # mode that cannot keep prepared statements (docs/deployment.md).
    if _env_bool("WORLDCLASS_DB_PREPARED_STATEMENTS", default=True):
        options.setdefault("server_side_binding", True)
        options.setdefault("prepare_threshold", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent web requests and a running import must not fail with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # First: refuses to check a password while its (user name, address) pair is locked out (accounts section below).
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
# The portal's home sends each user to the highest dashboard they may see (a CSR to their own).
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_COOKIE_AGE = int(os.environ.get("WORLDCLASS_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A strict Content-Security-Policy (django-csp): scripts, styles, fonts and requests from this site only; no inline
# script or style (the vendored libraries need none; page data travels as json_script, which is not executed).
CONTENT_SECURITY_POLICY = {
    # Swagger UI renders from its own inline bootstrap script; it shows the public schema only.
    "EXCLUDE_URL_PREFIXES": ["/api/docs/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap draws its toggler and select arrows as data: SVGs.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Powerful browser features no page of the platform uses.
WORLDCLASS_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["worldclass.core.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("WORLDCLASS_STATIC_ROOT", str(Path.cwd() / "staticfiles")))
MEDIA_ROOT = Path(os.environ.get("WORLDCLASS_MEDIA_ROOT", str(Path.cwd() / "media")))
MEDIA_URL = "media/"

EMAIL_BACKEND = os.environ.get("WORLDCLASS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("WORLDCLASS_FROM_EMAIL", "certification@worldclass.example")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("WORLDCLASS_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["WORLDCLASS_CACHE_URL"],
        }
    }

# Dashboards served again while the database snapshot is unchanged (core/page_cache.py). The time only bounds what a
# page may owe to the clock beyond the day; no change of data waits for it.
WORLDCLASS_PAGE_CACHE_SECONDS = int(os.environ.get("WORLDCLASS_PAGE_CACHE_SECONDS", "300"))
WORLDCLASS_PAGE_CACHE_MAX_BYTES = 8 * 1024 * 1024

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
# Every periodic job (docs/architecture.md, "Periodic jobs"), as (task, crontab fields); each task is idempotent.
# `celery_app.py` makes Celery beat's schedule of it, so that settings need not import Celery (about 0.14 s of every
# command's start-up).
WORLDCLASS_PERIODIC_TASKS = {
    # Deadline reminders (7 days and 1 day before each awards deadline): hourly is safe.
    "awards-send-reminders": ("awards.send_award_reminders", {"minute": 5}),
    # Opened web invitations go out within two minutes; contact details go daily, once their window is over.
    "operations-send-invitations": ("operations.send_due_invitations", {"minute": "*/2"}),
    "operations-purge-contacts": ("operations.purge_contacts", {"minute": 30, "hour": 3}),
    # A survey file uploaded and never confirmed is the customer's data kept for nothing: discarded after 7 days.
    "surveys-discard-unconfirmed-uploads": ("surveys.discard_unconfirmed_uploads", {"minute": 0, "hour": 4}),
    # Integrity (certification/domain/integrity.py): the audit chain, the surveys and rollups, checked daily.
    "certification-verify-audit": ("certification.verify_audit", {"hour": 3, "minute": 15}),
    "certification-verify-surveys": ("certification.verify_surveys", {"hour": 3, "minute": 45}),
}
# Without a broker, a task started from a page runs in a background thread so that the page can show its progress.
WORLDCLASS_EAGER_TASKS_IN_BACKGROUND = _env_bool("WORLDCLASS_EAGER_TASKS_IN_BACKGROUND", default=True)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "worldclass.core.api.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "worldclass API",
    "DESCRIPTION": "World Class certification on customers' judgment, survey operations, CX Best Practice Awards.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc from the drf-spectacular-sidecar package's static files: the docs work with no network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The awards' phase choices name two cycle fields (the phase, and the phase that reveals identities).
    "ENUM_NAME_OVERRIDES": {"AwardPhaseEnum": "worldclass.awards.models.Phase.choices"},
}

# The certifier's Ed25519 signing key for certificates (created on first use when missing).
WORLDCLASS_SIGNING_KEY_FILE = Path(
    os.environ.get("WORLDCLASS_SIGNING_KEY_FILE", str(Path.cwd() / "worldclass-signing-key.pem"))
)
# Public base URL of every absolute link: certificates and their QR codes, survey invitations, e-mails, demo prints.
# Empty: http://127.0.0.1:8000 (development; `check --deploy` warns). `worldclass demo` sets it from its --host/--port.
WORLDCLASS_PUBLIC_URL = os.environ.get("WORLDCLASS_PUBLIC_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("WORLDCLASS_LOG_LEVEL", "WARNING")},
}

# --- operations ---
# The key of the customers' keyed hashes (phone, e-mail) used by the contact-frequency rule.
WORLDCLASS_CUSTOMER_HASH_KEY = (
    os.environ.get("WORLDCLASS_CUSTOMER_HASH_KEY", "") or "development-only-customer-hash-key"
)
# Contact details are deleted this many days after a call's survey window closes.
WORLDCLASS_CONTACT_GRACE_DAYS = int(os.environ.get("WORLDCLASS_CONTACT_GRACE_DAYS", "7"))
# Days after a month closes before its sampling key may be revealed (late call files arrive first).
WORLDCLASS_SAMPLE_KEY_REVEAL_DELAY_DAYS = int(os.environ.get("WORLDCLASS_SAMPLE_KEY_REVEAL_DELAY_DAYS", "3"))
WORLDCLASS_INVITATION_OPENS_AFTER_MINUTES = 10
WORLDCLASS_SMS_BACKEND = os.environ.get("WORLDCLASS_SMS_BACKEND", "worldclass.operations.sms.ConsoleSMSBackend")
WORLDCLASS_INTERVIEW_MAX_ATTEMPTS = int(os.environ.get("WORLDCLASS_INTERVIEW_MAX_ATTEMPTS", "3"))
WORLDCLASS_RECOVERY_DUE_HOURS = int(os.environ.get("WORLDCLASS_RECOVERY_DUE_HOURS", "24"))
# Share of each interviewer's completed interviews that QA reviews.
WORLDCLASS_QA_SAMPLE_RATE = float(os.environ.get("WORLDCLASS_QA_SAMPLE_RATE", "0.2"))

# --- accounts ---
# Login throttling with django-axes, counted in the database (shared by every worker, kept across restarts), per
# (user name, client address) pair only: a whole client behind one address cannot be locked out by one of them.
WORLDCLASS_LOGIN_MAX_FAILURES = int(os.environ.get("WORLDCLASS_LOGIN_MAX_FAILURES", "5"))
WORLDCLASS_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("WORLDCLASS_LOGIN_LOCKOUT_SECONDS", "900"))
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = WORLDCLASS_LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = dt.timedelta(seconds=WORLDCLASS_LOGIN_LOCKOUT_SECONDS)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The address the server saw (behind a proxy, configure the proxy to set REMOTE_ADDR): never a client-sent header.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_LOCKOUT_CALLABLE = "worldclass.accounts.views.locked_out"
AXES_VERBOSE = False
# API tokens (django-rest-knox): stored as SHA-512 digests, expiring, revoked when the password changes.
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(days=int(os.environ.get("WORLDCLASS_API_TOKEN_DAYS", "90"))),
    "AUTH_HEADER_PREFIX": "Token",
}
# Second factor (django-otp): TOTP with static recovery codes, required of certifier staff, judges and Django staff.
OTP_TOTP_ISSUER = "worldclass"
WORLDCLASS_RECOVERY_CODES = 10
# A login waiting for its second factor is forgotten after this long.
WORLDCLASS_SECOND_FACTOR_SECONDS = 300
PASSWORD_RESET_TIMEOUT = 3600

# --- awards ---
# Bootstrap names the error alert "danger"; the awards pages show domain errors as messages.
MESSAGE_TAGS = {message_constants.ERROR: "danger"}

# --- surveys ---
# Survey files uploaded in the web app wait here (never served) until imported.
WORLDCLASS_SURVEY_UPLOAD_DIR = Path(os.environ.get("WORLDCLASS_SURVEY_UPLOAD_DIR", str(MEDIA_ROOT / "survey-uploads")))
WORLDCLASS_SURVEY_UPLOAD_MAX_BYTES = int(os.environ.get("WORLDCLASS_SURVEY_UPLOAD_MAX_BYTES", str(512 * 1024 * 1024)))
