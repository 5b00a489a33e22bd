"""Geliat settings, switched by environment variables.

Only this module reads the environment. Application code reads
``django.conf.settings`` inside functions, never at import time.

Variables:
- ``DATABASE_URL``: database (default: SQLite file ``var/geliat.sqlite3``).
- ``GELIAT_DEBUG``: ``1`` for development (default ``0``; ``make run`` sets it).
- ``GELIAT_SECRET_KEY``: required when not in debug.
- ``GELIAT_ALLOWED_HOSTS``: comma-separated host names.
- ``GELIAT_REGENCY_CODE``: the kabupaten/kota served (default ``35.14``, Kabupaten Pasuruan).
- ``GELIAT_TASKS_BACKEND``: ``db`` (default, django-tasks-db), ``immediate`` or ``rq``.
- ``GELIAT_REDIS_URL``: Redis for the rq backend and the shared cache at scale.
- ``GELIAT_REGISTRATION_RATE``: public registrations allowed per address per hour.
- ``GELIAT_VERIFICATION_SLA_DAYS``: days allowed per level, e.g. ``rt=2,desa=4``.
- ``GELIAT_IMPORT_MAX_MB``: largest spreadsheet an officer may upload (default 50).
- ``GELIAT_IMPORT_WORKERS``: ``1`` (default) cleans files of ``GELIAT_IMPORT_PARALLEL_ROWS``
  rows or more (default 10000) in a helper process while the job writes; ``0`` never.
- ``GELIAT_DEDUP_AUTO_MERGE`` (probability; unset: never), ``GELIAT_DEDUP_REVIEW_THRESHOLD``
  (0.8), ``GELIAT_DEDUP_BACKEND`` (``duckdb`` or ``spark``), ``GELIAT_DEDUP_MODEL_PATH``:
  duplicate detection.
- ``GELIAT_SITE_URL``: the public address, for links in e-mail and WhatsApp messages.
- ``GELIAT_NOTIFY_EMAIL``: ``1`` to send notifications by e-mail (mail server in
  ``GELIAT_EMAIL_HOST``, ``_PORT``, ``_USER``, ``_PASSWORD``, ``_TLS``, ``_FROM``).
- ``GELIAT_WHATSAPP_GATEWAY_URL`` / ``_TOKEN``: a WhatsApp gateway that takes
  ``POST {"to", "message"}``; without one, officers get a wa.me link to send it themselves.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GELIAT_VAR_DIR", BASE_DIR / "var"))


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("GELIAT_DEBUG")
TESTING = _flag("GELIAT_TESTING")

_secret = os.environ.get("GELIAT_SECRET_KEY")
if not _secret:
    if not (DEBUG or TESTING):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("GELIAT_SECRET_KEY must be set when GELIAT_DEBUG is off.")
    _secret = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = _secret

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("GELIAT_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("GELIAT_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    # Geliat, lowest layer first (see docs/architecture.md).
    "geliat.core",
    "geliat.audit",
    "geliat.wilayah",
    "geliat.accounts",
    "geliat.notifications",
    "geliat.registry",
    "geliat.verification",
    "geliat.dedup",
    "geliat.programmes",
    "geliat.coordination",
    "geliat.imports",
    "geliat.exports",
    "geliat.api",
    "geliat.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "geliat.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "geliat" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "geliat.core.context_processors.geliat",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'geliat.sqlite3'}",
        conn_max_age=int(os.environ.get("GELIAT_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the page server read while a background worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "registry:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "geliat" / "locale"]
TIME_ZONE = os.environ.get("GELIAT_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("GELIAT_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "geliat" / "static"]
# Without collectstatic (make run, tests) whitenoise serves straight from the finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

_redis_url = os.environ.get("GELIAT_REDIS_URL")
if _redis_url:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "geliat",
        }
    }

_tasks_backend = os.environ.get("GELIAT_TASKS_BACKEND", "immediate" if TESTING else "db")
TASKS = {
    "default": {
        "BACKEND": {
            "db": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "rq": "django_tasks_rq.RQBackend",
        }[_tasks_backend],
        "QUEUES": ["default"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "geliat.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Geliat API",
    "DESCRIPTION": "Registry of koperasi & UMKM affected by a disaster, bound to NIK.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _flag("GELIAT_SECURE_COOKIES", not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Geliat's own settings.
GELIAT_REGENCY_CODE = os.environ.get("GELIAT_REGENCY_CODE", "35.14")
GELIAT_REGISTRATION_RATE = int(os.environ.get("GELIAT_REGISTRATION_RATE", "20"))
GELIAT_STATUS_LOOKUP_RATE = int(os.environ.get("GELIAT_STATUS_LOOKUP_RATE", "30"))
GELIAT_ACTIVATION_DAYS = int(os.environ.get("GELIAT_ACTIVATION_DAYS", "14"))
# Days a record may wait at each verification level before it is overdue.
GELIAT_VERIFICATION_SLA_DAYS = {
    "rt": 3, "rw": 3, "dusun": 3, "desa": 5, "kecamatan": 7, "kabupaten": 7,
    **{
        level: int(days)
        for level, days in (
            item.split("=") for item in os.environ.get("GELIAT_VERIFICATION_SLA_DAYS", "").split(",") if "=" in item
        )
    },
}

GELIAT_SITE_URL = os.environ.get("GELIAT_SITE_URL", "")
GELIAT_IMPORT_MAX_MB = int(os.environ.get("GELIAT_IMPORT_MAX_MB", "50"))
# Rows per import batch: one transaction, one progress step, the unit a cancel waits for.
GELIAT_IMPORT_BATCH = int(os.environ.get("GELIAT_IMPORT_BATCH", "2000"))
# Large files are cleaned by a helper process while the job writes (0: never).
GELIAT_IMPORT_WORKERS = int(os.environ.get("GELIAT_IMPORT_WORKERS", "1"))
GELIAT_IMPORT_PARALLEL_ROWS = int(os.environ.get("GELIAT_IMPORT_PARALLEL_ROWS", "10000"))

# Duplicate detection (geliat.dedup).
# Pairs at or above this probability are merged by the system; unset: officers decide all.
GELIAT_DEDUP_AUTO_MERGE = float(os.environ["GELIAT_DEDUP_AUTO_MERGE"]) if os.environ.get("GELIAT_DEDUP_AUTO_MERGE") else None
# Lowest probability put before officers; also a run's default threshold.
GELIAT_DEDUP_REVIEW_THRESHOLD = float(os.environ.get("GELIAT_DEDUP_REVIEW_THRESHOLD", "0.8"))
# New people per registration signal checked in the same transaction; more go to background tasks.
GELIAT_DEDUP_ENTRY_INLINE = int(os.environ.get("GELIAT_DEDUP_ENTRY_INLINE", "200"))
# Most candidates scored per person at entry.
GELIAT_DEDUP_POOL = int(os.environ.get("GELIAT_DEDUP_POOL", "200"))
# Coordination: figures older than this (seconds) are rebuilt in the background when a page asks.
GELIAT_COORDINATION_STATS_MAX_AGE = int(os.environ.get("GELIAT_COORDINATION_STATS_MAX_AGE", "900"))
# Public open data: counts below this are shown as "<N".
GELIAT_OPEN_DATA_MIN_COUNT = int(os.environ.get("GELIAT_OPEN_DATA_MIN_COUNT", "5"))
# Backend of full runs: duckdb (in-process) or spark.
GELIAT_DEDUP_BACKEND = os.environ.get("GELIAT_DEDUP_BACKEND", "duckdb")
# The trained model (JSON); absent: the model packaged with Geliat.
GELIAT_DEDUP_MODEL_PATH = os.environ.get("GELIAT_DEDUP_MODEL_PATH") or str(VAR_DIR / "dedup" / "model.json")
# DuckDB threads and memory limit for a run; Spark driver memory.
GELIAT_DEDUP_THREADS = int(os.environ.get("GELIAT_DEDUP_THREADS", "2"))
GELIAT_DEDUP_MEMORY = os.environ.get("GELIAT_DEDUP_MEMORY", "3GB")
GELIAT_DEDUP_SPARK_MEMORY = os.environ.get("GELIAT_DEDUP_SPARK_MEMORY", "2g")
GELIAT_NOTIFY_EMAIL = _flag("GELIAT_NOTIFY_EMAIL")
GELIAT_WHATSAPP_GATEWAY_URL = os.environ.get("GELIAT_WHATSAPP_GATEWAY_URL", "")
GELIAT_WHATSAPP_GATEWAY_TOKEN = os.environ.get("GELIAT_WHATSAPP_GATEWAY_TOKEN", "")
if os.environ.get("GELIAT_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["GELIAT_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("GELIAT_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("GELIAT_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("GELIAT_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = _flag("GELIAT_EMAIL_TLS", True)
else:
    # No mail server configured: messages go to the console (development) rather than nowhere.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("GELIAT_EMAIL_FROM", "geliat@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GELIAT_LOG_LEVEL", "WARNING")},
}
