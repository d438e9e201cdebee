"""Settings for Samarbejdsportalen.

One file. Every knob comes from the environment, with a default that works on a laptop with a
local PostgreSQL and Redis. See the configuration table in README.md.
"""

import importlib.util
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_database, env_int, env_list, env_redis_url, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value when DEBUG is off.")
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "core.admin_apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_celery_beat",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rosetta",
    "core",
    "samarbejde",
    "tilbud",
    "borgerforloeb",
    "mit_forloeb",
    "rapporter",
    "django_prometheus",
]

MIDDLEWARE = [
    "core.request_id.RequestIdMiddleware",  # first: every log line of the request names it
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.TwoFactorMiddleware",  # second factor before any page (core/two_factor.py)
    "core.middleware.SlidingSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.middleware.SensitiveReadAuditMiddleware",  # the audit row of every declared read
    "django_prometheus.middleware.PrometheusAfterMiddleware",  # latency and counts per view
    "core.replica.ReplicaRoutingMiddleware",  # last: marked reads to the replica (core/replica.py)
]

# Benchmark runs (`make bench`) load the bench app (data generator, runner, floor view) and a
# Server-Timing header; never in production.
BENCH_MODE = env_bool("BENCH_MODE", False)
if BENCH_MODE:
    INSTALLED_APPS.append("bench")
    MIDDLEWARE.insert(0, "bench.middleware.ServerTimingMiddleware")

# The migration linter of `make lint` (django-migration-linter, a development tool): migrations that
# lock big tables or break the running version fail it. The ones older than the linter are listed in
# config/migration_lint_baseline.txt (README "Zero-downtime migrations").
if importlib.util.find_spec("django_migration_linter") is not None:
    INSTALLED_APPS.append("django_migration_linter")
MIGRATION_LINTER_OPTIONS = {
    "ignore_name": [
        line.split(".", 1)[1]
        for line in (BASE_DIR / "config" / "migration_lint_baseline.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ],
    # Other projects' migrations are theirs to check; every app of this project is linted.
    "exclude_apps": ["axes", "django_celery_beat", "otp_totp", "otp_static"],
    "no_cache": True,
}

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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
                "core.notifications.context_processors.notifications",
            ],
        },
    },
]

# --- Database: PostgreSQL only -------------------------------------------------------------
DATABASES = {"default": env_database("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")}
# A read replica (PostgreSQL streaming replication) for marked read-only, lag-tolerant work
# (core/replica.py): the URL namespaces or URL names below, GET/HEAD only, never writes.
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = env_database("DATABASE_REPLICA_URL", "")
    DATABASES["replica"]["OPTIONS"]["connect_timeout"] = env_int("DATABASE_REPLICA_CONNECT_TIMEOUT", 2)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
REPLICA_ENABLED = "replica" in DATABASES
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
REPLICA_ROUTES = env_list("REPLICA_ROUTES", ["rapporter", "tilbud", "hsds", "bench_floor"])
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 15)  # a writer reads from the primary this long
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 10)
REPLICA_CHECK_SECONDS = env_int("REPLICA_CHECK_SECONDS", 5)
# Query counts and latencies per database for Prometheus (django-prometheus' wrapper of Django's
# PostgreSQL backend).
for _database in DATABASES.values():
    _database["ENGINE"] = "django_prometheus.db.backends.postgresql"
# Behind PgBouncer in transaction mode (DATABASE_POOLER=1): consecutive transactions of one Django
# connection may run on different server connections, so no server-side cursors (a named cursor
# lives across transactions) and no per-connection startup options; the database's own defaults
# carry them instead (README: ALTER DATABASE ... SET jit = off, SET timezone = 'UTC').
DATABASE_POOLER = env_bool("DATABASE_POOLER", False)
if DATABASE_POOLER:
    for _database in DATABASES.values():
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
        _database["OPTIONS"].pop("options", None)
        _database["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis and Celery ------------------------------------------------------------------------
REDIS_URL = env_redis_url("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Copenhagen"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_timeout": 5}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Workers log through LOGGING below (plain or JSON, with the request id of the task's request).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Sessions live in the database and the cache in Redis, shared by every web node (core/cache.py):
# when Redis is down the cache answers from process memory, so pages keep working; only
# background work waits for it.
SESSION_ENGINE = "core.sessions"  # Redis in front of the database (core/sessions.py)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60)  # logged out after 1 h inactivity
# Idle timeout: core.middleware.SlidingSessionMiddleware pushes the expiry ahead at most once a minute.
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CACHES = {
    "default": {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": env_redis_url("CACHE_REDIS_URL", REDIS_URL),
        # Only this prefix's keys are ever cleared (the broker may share the Redis database).
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "portal-cache"),
        "OPTIONS": {
            "socket_connect_timeout": 1,
            "socket_timeout": 2,
            "RETRY_AFTER": env_int("CACHE_RETRY_AFTER_SECONDS", 5),
        },
    }
}

# --- Users and login -------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "core.backends.RoleLoadingBackend",  # Django's, loading the roles with the user
    "core.oidc.StaffOIDCBackend",  # active only when the OIDC_* settings below are set
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed sign-ins are counted in PostgreSQL (axes' database handler), so every web node sees the
# same counts and lockouts; never per process.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
# Separate counters: AXES_FAILURE_LIMIT failures from one address lock that address, and as many
# failures for one user name (from any addresses) lock that user name.
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_CLIENT_IP_CALLABLE = "core.audit.client_ip"  # the client's address behind TRUSTED_PROXIES
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the login form field, though users sign in by e-mail
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Staff sign-in through the municipality's OpenID Connect provider (core/oidc.py). Off unless the
# six endpoint/client settings are set. New users get no rights until an administrator assigns them.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
# Two-factor sign-in (core/two_factor.py, django-otp): required for superusers, users with access to
# Django admin and administrators; available to everyone on /konto/sikkerhed/. Not asked after a
# sign-in through the municipality's OIDC provider, which does the second factor itself.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Samarbejdsportalen")
TWO_FACTOR_RECOVERY_CODES = 10

OIDC_AUTHENTICATE_CLASS = "core.oidc.StaffOIDCAuthenticateView"
OIDC_CALLBACK_CLASS = "core.oidc.StaffOIDCCallbackView"

# Citizens (Mit forløb, mit_forloeb/invitations.py): invitation link + code from the coordinator,
# short sessions. A national identity broker (MitID over OIDC, mit_forloeb/oidc.py) is
# offered beside it when the six CITIZEN_OIDC_* client/endpoint settings are set.
CITIZEN_SESSION_SECONDS = env_int("CITIZEN_SESSION_SECONDS", 30 * 60)
CITIZEN_OIDC_RP_CLIENT_ID = env_str("CITIZEN_OIDC_RP_CLIENT_ID", "")
CITIZEN_OIDC_RP_CLIENT_SECRET = env_str("CITIZEN_OIDC_RP_CLIENT_SECRET", "")
CITIZEN_OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("CITIZEN_OIDC_OP_AUTHORIZATION_ENDPOINT", "")
CITIZEN_OIDC_OP_TOKEN_ENDPOINT = env_str("CITIZEN_OIDC_OP_TOKEN_ENDPOINT", "")
CITIZEN_OIDC_OP_USER_ENDPOINT = env_str("CITIZEN_OIDC_OP_USER_ENDPOINT", "")
CITIZEN_OIDC_OP_JWKS_ENDPOINT = env_str("CITIZEN_OIDC_OP_JWKS_ENDPOINT", "")
CITIZEN_OIDC_RP_SIGN_ALGO = env_str("CITIZEN_OIDC_RP_SIGN_ALGO", "RS256")
CITIZEN_OIDC_RP_SCOPES = env_str("CITIZEN_OIDC_RP_SCOPES", "openid")
CITIZEN_OIDC_CPR_CLAIM = env_str("CITIZEN_OIDC_CPR_CLAIM", "cpr")
# Assurance levels (the ID token's ``acr``) accepted from the broker; anything else is refused.
# Default: NSIS (MitID) substantial and high.
CITIZEN_OIDC_ACR_VALUES = env_list(
    "CITIZEN_OIDC_ACR_VALUES",
    [
        "https://data.gov.dk/concept/core/nsis/loa/Substantial",
        "https://data.gov.dk/concept/core/nsis/loa/High",
    ],
)
if not CITIZEN_OIDC_ACR_VALUES:
    raise ImproperlyConfigured("CITIZEN_OIDC_ACR_VALUES must name at least one accepted assurance level.")

# --- Security --------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Orchestrators' probes call the pod over plain HTTP (TLS ends at the ingress).
SECURE_REDIRECT_EXEMPT = [r"^healthz(/|$)"]
# Addresses or networks (e.g. 10.0.0.0/8) of reverse proxies whose X-Forwarded-For is believed: the
# audit trail and the login lockout then see the client's address (core.audit.client_ip).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
try:
    import ipaddress as _ipaddress

    for _proxy in TRUSTED_PROXIES:
        _ipaddress.ip_network(_proxy, strict=False)
except ValueError:
    raise ImproperlyConfigured(
        f"TRUSTED_PROXIES must list IP addresses or networks, got {_proxy!r}."
    ) from None
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Data protection (borgerforloeb/gdpr.py) ---------------------------------------------------
# Closed cases are anonymised this many days after their end date (anonymise_closed_cases).
RETENTION_DAYS_AFTER_CLOSE = env_int("RETENTION_DAYS_AFTER_CLOSE", 5 * 365)
RETENTION_MAX_CASES_PER_RUN = env_int("RETENTION_MAX_CASES_PER_RUN", 100)
# Audit rows older than this are deleted by the nightly retention run (the legal retention period
# of the access log; the markers of anonymised cases are kept).
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 5 * 365)

# --- Languages and formats ---------------------------------------------------------------------
# Django knows no kalaallisut: declare it before LANGUAGES is read.
from django.conf.locale import LANG_INFO  # noqa: E402

LANG_INFO["kl"] = {
    "bidi": False,
    "code": "kl",
    "name": "Greenlandic",
    "name_local": "Kalaallisut",
}
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English")), ("kl", _("Kalaallisut"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Reviewing translations in the browser (django-rosetta, /oversaettelser/): superusers and the
# group "Oversættelser" only (core.translation_review); it writes locale/*/LC_MESSAGES/django.po
# and .mo on the server's disk (the web process must be able to write locale/). No outside
# suggestion services.
ROSETTA_ACCESS_CONTROL_FUNCTION = "core.translation_review.can_review_translations"
ROSETTA_LANGUAGES = [("kl", "Kalaallisut"), ("en", "English")]
ROSETTA_MESSAGES_SOURCE_LANGUAGE_CODE = "da"
ROSETTA_MESSAGES_SOURCE_LANGUAGE_NAME = "Dansk"
ROSETTA_ENABLE_TRANSLATION_SUGGESTIONS = False
ROSETTA_EXCLUDED_APPLICATIONS = ("rosetta",)
ROSETTA_POFILE_WRAP_WIDTH = 79
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Copenhagen")

# --- Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploaded files: a local folder (MEDIA_ROOT) on one machine; with several web nodes either a
# shared volume or S3-compatible object storage (FILE_STORAGE=s3, django-storages, S3_* below).
FILE_STORAGE = env_str("FILE_STORAGE", "local")
if FILE_STORAGE == "local":
    _DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif FILE_STORAGE == "s3":
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("S3_REGION", "") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY", "") or None,
            "location": env_str("S3_PREFIX", "media"),
            "default_acl": "private",
            "querystring_auth": True,  # files are served through signed, expiring links only
            "querystring_expire": env_int("S3_LINK_SECONDS", 300),
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(f"FILE_STORAGE must be 'local' or 's3', got {FILE_STORAGE!r}.")
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail ------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Samarbejdsportalen <noreply@samarbejdsportalen.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# How many CPR numbers one user may look up (duplicate check in the citizen form) per hour.
# Counted in Django's cache (CACHES above, Redis shared by every web node).
CPR_CHECKS_PER_HOUR = env_int("CPR_CHECKS_PER_HOUR", 30)

# --- Reminders (core.notifications; schedules themselves are django-celery-beat rows) -----------
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "tmp" / "emails"))
REMINDER_DUE_SOON_DAYS = env_int("REMINDER_DUE_SOON_DAYS", 3)
REMINDER_PLAN_REVIEW_NOTICE_DAYS = env_int("REMINDER_PLAN_REVIEW_NOTICE_DAYS", 7)
REMINDER_CASE_INACTIVE_DAYS = env_int("REMINDER_CASE_INACTIVE_DAYS", 30)
REMINDER_CONSENT_EXPIRY_DAYS = env_int("REMINDER_CONSENT_EXPIRY_DAYS", 14)
REMINDER_OFFER_VERIFY_DAYS = env_int("REMINDER_OFFER_VERIFY_DAYS", 180)
# The owner of a framework plan or workflow is reminded this many days before its review date.
REMINDER_FRAMEWORK_REVIEW_DAYS = env_int("REMINDER_FRAMEWORK_REVIEW_DAYS", 30)
REMINDER_HANDOVER_LOOKBACK_DAYS = env_int("REMINDER_HANDOVER_LOOKBACK_DAYS", 7)
# A queued e-mail whose task has not run after this many seconds is enqueued again by the scan
# (the worker may have died with it); sending is idempotent, so this never sends twice.
REMINDER_REQUEUE_AFTER_SECONDS = env_int("REMINDER_REQUEUE_AFTER_SECONDS", 600)
# "Henvis borger" on the directory's offers leads here (tilbud knows no citizen; the case app does).
OFFER_REFER_URL_NAME = "borgerforloeb:refer_offer"
# The nav's "Det skal jeg" count: a function user -> (SQL, params), run with the unread count.
NAV_TODO_COUNT = "borgerforloeb.todo.count_sql"
REMINDER_SCANS = [
    "borgerforloeb.reminders.scan_all",
    "tilbud.reminders.scan_all",
    "samarbejde.reminders.scan_all",
]
# Failed e-mails are retried with exponential backoff starting at this many seconds (with jitter).
REMINDER_EMAIL_RETRY_BACKOFF = env_int("REMINDER_EMAIL_RETRY_BACKOFF", 60)
REMINDER_EMAIL_MAX_RETRIES = env_int("REMINDER_EMAIL_MAX_RETRIES", 8)

# --- Metrics (core/observability.py): /metrics answers only a caller with this bearer token ------
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
PROMETHEUS_EXPORT_MIGRATIONS = False

# --- Logging: never log request bodies (they may carry CPR numbers) ------------------------------
# LOG_FORMAT=json: one JSON object a line (for the cluster's log collector); every line carries the
# request id of the request or Celery task it belongs to (core/request_id.py).
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'plain' or 'json', got {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint (the PDF forms) reports each step at INFO; its warnings still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
