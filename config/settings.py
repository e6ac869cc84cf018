"""Settings for the partnership portal, read from the environment (12-factor).

Every value an operator may change is an environment variable; README.md has the table.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import dj_database_url

from portal import observability

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
# Under pytest the suite gets development-friendly defaults without any extra environment.
TESTING = env_bool("PORTAL_TESTING", default=False) or "pytest" in sys.modules

MISSING_SECRET_KEY_MESSAGE = (
    "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random string "
    "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
    "or set DEBUG=1 for local development."
)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and (DEBUG or TESTING):
    # Only ever used on a developer's own machine; production must set SECRET_KEY.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
# Without a key in production the settings still load, so commands that never sign anything
# (makemigrations --check, migrate, collectstatic) run in a build step with no secrets. Serving
# is what needs the key: config/wsgi.py (gunicorn and runserver) stops with the message above,
# and `check --deploy` reports it (portal/checks.py).

# The audit trail's chain is keyed (HMAC-SHA256) with a secret kept out of the database, so someone
# who can only write to the database cannot re-chain edited events. AUDIT_HMAC_KEYS lists
# "id:key" pairs, newest first: the first signs new events, the others still verify older ones
# (key rotation). AUDIT_HMAC_KEY is the one-key form, with the id "k1". docs/operator.md says how.
MISSING_AUDIT_KEY_MESSAGE = (
    "AUDIT_HMAC_KEY is not set. Set AUDIT_HMAC_KEY (or AUDIT_HMAC_KEYS for rotation) to a long random "
    "string kept outside the database (for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
    "or set DEBUG=1 for local development."
)


def audit_hmac_keys() -> list[tuple[str, str]]:
    pairs = []
    for item in env_list("AUDIT_HMAC_KEYS"):
        key_id, sep, key = item.partition(":")
        if not sep or not key_id.strip() or not key.strip():
            raise ValueError("AUDIT_HMAC_KEYS must be a comma-separated list of id:key pairs, newest first")
        pairs.append((key_id.strip(), key.strip()))
    if not pairs and os.environ.get("AUDIT_HMAC_KEY", "").strip():
        pairs = [("k1", os.environ["AUDIT_HMAC_KEY"].strip())]
    if not pairs and (DEBUG or TESTING) and SECRET_KEY:
        # A developer's machine and the test suite: a key derived from the (development) secret key.
        pairs = [("dev", "audit-chain-dev:" + SECRET_KEY)]
    return pairs


AUDIT_HMAC_KEYS = audit_hmac_keys()
# Signed checkpoints of the chain head go to this directory when set (best on other storage than
# the database, e.g. a mounted backup volume), otherwise to the default file storage.
AUDIT_CHECKPOINT_DIR = os.environ.get("AUDIT_CHECKPOINT_DIR", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public address for every link in e-mails and PDFs (portal/links.py). No default in
# production: the deploy check and gunicorn's start-up refuse an unset or local address.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if (DEBUG or TESTING) else "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # the API's docs page then uses ninja's local static files (no CDN)
    # Our apps, in dependency order (each may import only the ones above it).
    "portal",
    "partnerships",
    "memoranda",
    "healthcheck",
    "placements",
    "matching",
    "webhooks",
    "workforce",
    "calendars",
    "api",
    "participants",
]

MIDDLEWARE = [
    # First, so every later log record of the request carries its id.
    "portal.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.SlidingSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes must come last: it inspects the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# PostgreSQL in production (DATABASE_URL); a SQLite file when unset, so a newcomer needs no server.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
            conn_health_checks=env_bool("CONN_HEALTH_CHECKS", default=True),
        )
    }
    # Behind PgBouncer in transaction pooling (docs/operator.md, "Database connections"), one
    # server connection serves many clients between transactions, so a server-side cursor (which
    # lives across transactions) could land on someone else's connection: Django must not use them.
    if os.environ.get("DATABASE_POOL_MODE", "") == "transaction":
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing
            # half-way with "database is locked".
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the user's memberships in the same query (partnerships/auth.py).
    "partnerships.auth.PortalBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
# Sessions end after SESSION_IDLE_MINUTES without activity: portal.middleware.SlidingSessionMiddleware
# moves the expiry forward (at most once a minute, rather than a database write on every request).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "60")) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Signed-in pages warn this many seconds before the idle limit (WCAG 2.2.1 Timing Adjustable):
# a dialogue lets the person stay signed in (static/js/session-timeout.js, portal/views_public.py).
SESSION_WARNING_SECONDS = int(os.environ.get("SESSION_WARNING_SECONDS", "120"))
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600  # invitation and reset links last three days

# Failed-login throttling (django-axes): lock a user name + address after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_VERBOSE = False
# How many reverse proxies append to X-Forwarded-For in front of the portal (see portal/proxy.py).
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "portal.proxy.client_ip_address"

# --- PDF seal (portal/seal.py, docs/operator.md "PDF seal") ----------------------------------
# The portal's organisational certificate seals every fully signed memorandum (PAdES). PEM key and
# certificate (and optional chain file(s)), or PKCS#12; the passphrase opens either key.
PORTAL_SEAL_KEY = os.environ.get("PORTAL_SEAL_KEY", "").strip()
PORTAL_SEAL_CERT = os.environ.get("PORTAL_SEAL_CERT", "").strip()
PORTAL_SEAL_CHAIN = env_list("PORTAL_SEAL_CHAIN", "")
PORTAL_SEAL_PKCS12 = os.environ.get("PORTAL_SEAL_PKCS12", "").strip()
PORTAL_SEAL_PASSPHRASE = os.environ.get("PORTAL_SEAL_PASSPHRASE", "")
# An RFC 3161 timestamp server (PAdES B-T); without one the seal is PAdES B-B.
PORTAL_SEAL_TSA_URL = os.environ.get("PORTAL_SEAL_TSA_URL", "").strip()
# Certificates the portal sealed with before a rotation: their seals still count as the portal's.
PORTAL_SEAL_PREVIOUS_CERTS = env_list("PORTAL_SEAL_PREVIOUS_CERTS", "")
# With nothing configured, DEBUG and tests seal with a self-signed demo certificate made once here.
PORTAL_SEAL_DEMO = DEBUG or TESTING
PORTAL_SEAL_DEMO_DIR = Path(os.environ.get("PORTAL_SEAL_DEMO_DIR", str(BASE_DIR / ".seal")))

# --- Public pages (accessibility statement, privacy notice, cookies, service status) -------------
# Who runs this portal and answers questions about it: shown on the public pages (docs/operator.md).
PORTAL_OPERATOR_NAME = os.environ.get("PORTAL_OPERATOR_NAME", "The partnership portal team")
PORTAL_CONTACT_EMAIL = os.environ.get("PORTAL_CONTACT_EMAIL", "portal-support@example.org")
# When the accessibility statement was prepared and last reviewed (YYYY-MM-DD): a fixed date the
# operator moves on after each review, never "today", so the statement says what was really checked.
ACCESSIBILITY_STATEMENT_PREPARED = os.environ.get("ACCESSIBILITY_STATEMENT_PREPARED", "2026-12-03")
ACCESSIBILITY_STATEMENT_REVIEWED = os.environ.get("ACCESSIBILITY_STATEMENT_REVIEWED", "2026-12-03")

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL.startswith("smtp"):
    _email = urlparse(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or 25
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = EMAIL_URL.startswith("smtp+tls") or EMAIL_PORT == 587
    EMAIL_USE_SSL = EMAIL_URL.startswith("smtps") or EMAIL_PORT == 465
else:
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# Seconds to wait for the mail server (connect, each reply); e-mail is sent by workers, never in a request.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Partnership portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Locale ---------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# Our own en-gb date formats: GOV.UK style, "1 January 2027" (config/formats/en_GB/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence, import files, signed PDFs, exports and the audit checkpoints are private: never under a
# public URL; views stream them after their access check (portal/storage.py, portal/files.py).
# By default a local folder that nothing serves; with PORTAL_S3_BUCKET an S3-compatible bucket
# (django-storages + boto3), so web machines keep no files of their own (docs/operator.md, "Files").
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
PORTAL_S3_BUCKET = os.environ.get("PORTAL_S3_BUCKET", "").strip()


def private_storage_config() -> dict[str, Any]:
    if not PORTAL_S3_BUCKET:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
        }
    endpoint = os.environ.get("PORTAL_S3_ENDPOINT_URL", "").strip() or None
    options: dict[str, Any] = {
        "bucket_name": PORTAL_S3_BUCKET,
        "endpoint_url": endpoint,
        "region_name": os.environ.get("PORTAL_S3_REGION", os.environ.get("AWS_DEFAULT_REGION", "")).strip() or None,
        "location": os.environ.get("PORTAL_S3_PREFIX", "").strip().strip("/"),
        # Other S3-compatible stores (MinIO, Ceph, moto) mostly want bucket-in-path addresses.
        "addressing_style": os.environ.get("PORTAL_S3_ADDRESSING_STYLE", "path" if endpoint else "auto"),
        "signature_version": "s3v4",
        # Objects stay private (the bucket's own policy, no ACL granted) and are never overwritten
        # by a save under a taken name, as with the folder.
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,
    }
    # Keys from the environment when given; otherwise boto3's own chain (instance role, ~/.aws).
    if os.environ.get("AWS_ACCESS_KEY_ID"):
        options["access_key"] = os.environ["AWS_ACCESS_KEY_ID"]
        options["secret_key"] = os.environ.get("AWS_SECRET_ACCESS_KEY", "")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES: dict[str, dict[str, Any]] = {
    "private": private_storage_config(),
    # Django's default storage is the same private store, so nothing can fall back to a public one.
    "default": private_storage_config(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_MB", "10")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Word and Excel files are zip archives: a small upload can unpack to gigabytes. portal.files
# checks the sizes the archive declares before anything opens it (docs/operator.md, "Upload limits").
# The defaults leave room for the largest real import (20,000 rows: about 18 MB of sheet XML).
UPLOAD_ARCHIVE_MAX_MEMBERS = 1_000
UPLOAD_ARCHIVE_MAX_MEMBER_BYTES = 50 * 1024 * 1024  # one part (a worksheet, read as a stream)
UPLOAD_ARCHIVE_MAX_TOTAL_BYTES = 100 * 1024 * 1024  # all parts together
UPLOAD_ARCHIVE_MAX_RATIO = 200  # unpacked size over packed size, for parts over 1 MB unpacked
UPLOAD_ARCHIVE_MAX_WHOLE_PART_BYTES = 20 * 1024 * 1024  # a part read whole: shared strings, styles
SPREADSHEET_MAX_COLUMNS = 100  # columns read from each row; the rest are ignored
SPREADSHEET_MAX_BLANK_ROWS = 1_000  # a run of this many empty rows ends the data
SPREADSHEET_MAX_SECONDS = 30  # within gunicorn's --timeout 60 (docs/operator.md)

# --- Background jobs (portal/jobs; docs/operator.md, "Background jobs") ---------------------
# Jobs are rows in the database (django-tasks-db), taken by `manage.py run_worker` processes.
# JOBS_IN_PROCESS=1 runs each job in the web process after the commit instead (the test suite;
# a laptop without a worker): no retries, no time limits.
JOBS_IN_PROCESS = env_bool("JOBS_IN_PROCESS", default=TESTING)
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "in_process": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}


def _env_number(name: str, kind=float):
    value = os.environ.get(name, "")
    return kind(value) if value.strip() else None


# Overrides of every job's own attempts, back-off and time limit (unset: each job's declared values).
JOBS_MAX_ATTEMPTS = _env_number("JOBS_MAX_ATTEMPTS", int)
JOBS_BACKOFF_SECONDS = _env_number("JOBS_BACKOFF_SECONDS")
JOBS_TIME_LIMIT_SECONDS = _env_number("JOBS_TIME_LIMIT_SECONDS")
# A job still marked running this long after its time limit was abandoned by a worker that died.
JOBS_RECOVERY_GRACE_SECONDS = float(os.environ.get("JOBS_RECOVERY_GRACE_SECONDS", "60"))
JOBS_RECOVERY_EVERY_SECONDS = float(os.environ.get("JOBS_RECOVERY_EVERY_SECONDS", "10"))
# Workers schedule the daily work (portal/jobs/schedule.py) from this local time on.
JOBS_SCHEDULE = env_bool("JOBS_SCHEDULE", default=True)
JOBS_DAILY_AT = os.environ.get("JOBS_DAILY_AT", "06:15")
JOBS_SCHEDULE_EVERY_SECONDS = float(os.environ.get("JOBS_SCHEDULE_EVERY_SECONDS", "30"))
# Each worker records that it is alive this often; /healthz counts the workers seen within
# JOBS_WORKER_STALE_SECONDS, and fails when a runnable job has waited JOBS_QUEUE_STALE_SECONDS.
JOBS_HEARTBEAT_SECONDS = float(os.environ.get("JOBS_HEARTBEAT_SECONDS", "10"))
JOBS_WORKER_STALE_SECONDS = float(os.environ.get("JOBS_WORKER_STALE_SECONDS", "120"))
JOBS_QUEUE_STALE_SECONDS = float(os.environ.get("JOBS_QUEUE_STALE_SECONDS", "300"))
# Export files are kept this many days, then deleted by the daily work.
EXPORT_KEEP_DAYS = int(os.environ.get("EXPORT_KEEP_DAYS", "7"))
# Asking for the same export again within this many minutes returns the one already made.
EXPORT_REUSE_MINUTES = int(os.environ.get("EXPORT_REUSE_MINUTES", "10"))

# --- API (api/; docs/api.md) ----------------------------------------------------------------
# Requests per token per window (seconds): a fixed-window counter in the database, so every web
# server counts against one limit.
API_RATE_LIMIT = (int(os.environ.get("API_RATE_LIMIT_PER_MINUTE", "600")), 60)

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_GDS_FRONTEND_VERSION = "5.14.0"
# crispy-forms-gds gives GOV.UK classes to text, e-mail and password inputs only; a web address
# (URLInput) or a plain file input would otherwise show no border and no focus style.
# (memoranda.forms.CountedTextarea is a character count's textarea.)
CRISPY_CLASS_CONVERTERS = {
    "urlinput": "govuk-input",
    "fileinput": "govuk-file-upload",
    "countedtextarea": "govuk-textarea",
}

# --- Security -------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG and not TESTING)
# Load balancers probe /healthz over plain HTTP inside the network; a redirect would fail the probe.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if (DEBUG or TESTING) else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Logging and error reports ---------------------------------------------------------------
# LOG_FORMAT=json: one JSON object per line with request_id and job_id (portal/observability.py),
# for a log collector; text (the default with DEBUG and in tests) for a person at a terminal.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if (DEBUG or TESTING) else "json").strip().lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ValueError("LOG_FORMAT must be json or text")
LOGGING = observability.logging_config(LOG_FORMAT, os.environ.get("LOG_LEVEL", "INFO"))

# Error reports go to Sentry (or a compatible service) only when SENTRY_DSN is set, without
# personal data: no user details, cookies, posted data or local variables, and e-mail addresses
# and names blanked (observability.scrub_event).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    observability.init_sentry(
        SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", ""),
        release=os.environ.get("SENTRY_RELEASE", ""),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0") or 0),
    )

# In development and tests whitenoise serves straight from static/ (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"


# --- Webhooks (webhooks/; docs/webhooks.md) ----------------------------------------------------
# Plain http to this machine is refused unless this is on (the tests' local receiver only).
WEBHOOKS_ALLOW_LOCALHOST_HTTP = env_bool("WEBHOOKS_ALLOW_LOCALHOST_HTTP", default=False)
WEBHOOKS_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOKS_TIMEOUT_SECONDS", "10"))
# Seconds before each retry after a failed attempt (unset: 1 min, 5 min, 30 min, 2 h, 6 h, 12 h).
WEBHOOKS_RETRY_SECONDS = [float(x) for x in os.environ.get("WEBHOOKS_RETRY_SECONDS", "").split(",") if x.strip()]
# An endpoint failing this many attempts in a row, over at least this many hours, is disabled.
WEBHOOKS_DISABLE_AFTER_FAILURES = int(os.environ.get("WEBHOOKS_DISABLE_AFTER_FAILURES", "5"))
WEBHOOKS_DISABLE_AFTER_HOURS = float(os.environ.get("WEBHOOKS_DISABLE_AFTER_HOURS", "24"))
# The delivery log (events sent and every attempt) is kept this many days.
WEBHOOKS_LOG_DAYS = int(os.environ.get("WEBHOOKS_LOG_DAYS", "90"))
