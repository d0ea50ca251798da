"""Settings shared by every environment. Every environment variable is read here and nowhere else."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A .env beside manage.py is read when present (make run writes one); real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where merchants and the outside systems reach us (webhook and callback URLs, e-mail links).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Credentials of the outside systems are encrypted with these keys, never with SECRET_KEY:
# Fernet keys, newest first. The first encrypts; all decrypt (rotation). See connections/crypto.py.
CREDENTIALS_KEYS = env.list("CREDENTIALS_KEYS")

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
    "crispy_bootstrap5",
    "axes",
    "health_check",
    "django_q",
    "auditlog",
    "integrator",
    "billing",
    "connections",
    "syncflows",
    "portal",
]

MIDDLEWARE = [
    # First: every log line of the request, and the answer, carry its request id.
    "integrator.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A logged-in user's own choice of language (integrator.language), over cookie and browser.
    "integrator.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A wrong CREDENTIALS_KEYS answers with a page that says so, not a 500.
    "connections.middleware.CredentialsKeyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the logged-in user as the actor of every audit-log entry.
    "auditlog.middleware.AuditlogMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "integrator.urls"
WSGI_APPLICATION = "integrator.wsgi.application"

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
                "billing.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Embedded default: SQLite in var/. Scale-out: DATABASE_URL=postgres://...
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the worker writes; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue on `timeout` instead of failing with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username/IP before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "integrator.auth.OneQueryModelBackend",  # ModelBackend, permissions in one query
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): a username from one address is locked for a while after
# repeated failures; a correct password resets the count.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# Behind a reverse proxy: how many proxies stand in front (their X-Forwarded-For is trusted).
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0) or None

# Self-service sign-up (billing/signup.py): attempts counted in the database (so every web worker
# and machine shares the count) per client address an hour and per e-mail a day; the link lasts this long.
SIGNUP_PER_IP_PER_HOUR = env.int("SIGNUP_PER_IP_PER_HOUR", default=5)
SIGNUP_PER_EMAIL_PER_DAY = env.int("SIGNUP_PER_EMAIL_PER_DAY", default=3)
SIGNUP_LINK_HOURS = env.int("SIGNUP_LINK_HOURS", default=48)

# Audit trail (django-auditlog): changes are stored as JSON; secrets are never registered fields.
AUDITLOG_STORE_JSON_CHANGES = True
# The client address behind a proxy is the first X-Forwarded-For entry; our proxy sets it.
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
# Dates and numbers as each language writes them (integrator/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["integrator.formats"]

# --- Static files: served by WhiteNoise from our own host, never a CDN ------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail: console by default, SMTP from EMAIL_URL (smtp+tls://user:pass@host:587) ----------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="integrator <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background work: django-q2 with the ORM broker (design.md §5) ---------------------------
# Rules, asserted by tests/test_settings.py: retry >= timeout + 60 so a task is never handed to a
# second worker while the first may still run it; max_attempts = 1 because the transfer ledger owns
# retries; failures are acknowledged so the broker does not replay them; no catch-up storms.
Q_WORKERS = env.int("Q_WORKERS", default=2)
Q_TIMEOUT = env.int("Q_TIMEOUT", default=300)
Q_CLUSTER = {
    "name": "integrator",
    "orm": "default",
    "workers": Q_WORKERS,
    "timeout": Q_TIMEOUT,
    "retry": Q_TIMEOUT + 90,
    "max_attempts": 1,
    "ack_failures": True,
    "queue_limit": Q_WORKERS,
    "catch_up": False,
    # Task results are kept without a count limit (0) and purged by age (syncflows/retention.py):
    # with a limit N, django-q2 reads and locks all N kept successes on every task it saves,
    # which cost each order about 18 ms of worker CPU (bench_orders). -1 keeps no successes.
    "save_limit": env.int("Q_SAVE_LIMIT", default=0),
    # The order hot path is enqueued directly (no Schedule); a short poll keeps it fast.
    "poll": env.float("Q_POLL_SECONDS", default=0.2),
    "label": "Django Q2",
    # Oldest task first, and several clusters on one queue without racing (syncflows/queues.py).
    "broker_class": "syncflows.queues.OrderedORM",
}
# Long work (initial syncs, assortment scans) runs on its own cluster settings (design.md §5): a
# second qcluster started with Q_CLUSTER_NAME=long takes only these tasks, with an hour's timeout,
# so they are not killed every Q_TIMEOUT and never hold up orders. `make run` starts both.
Q_LONG_CLUSTER = "long"
Q_LONG_TIMEOUT = env.int("Q_LONG_TIMEOUT", default=3600)
Q_LONG_WORKERS = env.int("Q_LONG_WORKERS", default=1)
# Work that fans out many tasks at once (polls, pulls, exports, reconciliations) runs on a third
# cluster, Q_CLUSTER_NAME=bulk, with its own schedules, so order tasks never queue behind it.
Q_BULK_CLUSTER = "bulk"
Q_BULK_WORKERS = env.int("Q_BULK_WORKERS", default=2)
Q_CLUSTER["ALT_CLUSTERS"] = {
    Q_LONG_CLUSTER: {
        "workers": Q_LONG_WORKERS,
        "queue_limit": Q_LONG_WORKERS,
        "timeout": Q_LONG_TIMEOUT,
        "retry": Q_LONG_TIMEOUT + 90,
    },
    Q_BULK_CLUSTER: {"workers": Q_BULK_WORKERS, "queue_limit": Q_BULK_WORKERS},
}

# The order ledger: how long a worker's lease on a transfer lasts (longer than one phase's HTTP
# calls), the retry backoff (exponential with jitter, capped), and when retries give up.
TRANSFER_LEASE_SECONDS = env.int("TRANSFER_LEASE_SECONDS", default=120)
TRANSFER_BACKOFF_BASE_SECONDS = env.int("TRANSFER_BACKOFF_BASE_SECONDS", default=30)
TRANSFER_BACKOFF_MAX_SECONDS = env.int("TRANSFER_BACKOFF_MAX_SECONDS", default=3600)
TRANSFER_MAX_ATTEMPTS = env.int("TRANSFER_MAX_ATTEMPTS", default=12)
# History (order timelines, task results, catalogue runs) is kept this many days, then purged in
# small batches by a daily schedule; ledger rows and billing counts are never purged.
HISTORY_RETENTION_DAYS = env.int("HISTORY_RETENTION_DAYS", default=90)
# Circuits (syncflows/circuits.py): this many temporary failures in a row from a Specter account
# or a shop open its circuit; its orders then wait without spending attempts while one probes
# every CIRCUIT_PROBE_SECONDS.
CIRCUIT_FAILURES = env.int("CIRCUIT_FAILURES", default=5)
CIRCUIT_PROBE_SECONDS = env.int("CIRCUIT_PROBE_SECONDS", default=60)
# Webhook bodies larger than this are refused (413) before they are read.
WEBHOOK_MAX_BYTES = env.int("WEBHOOK_MAX_BYTES", default=65536)

# Every outside HTTP call uses these, far below the task timeout.
HTTP_CONNECT_TIMEOUT = env.float("HTTP_CONNECT_TIMEOUT", default=5.0)
HTTP_READ_TIMEOUT = env.float("HTTP_READ_TIMEOUT", default=30.0)
# The CA bundle outside calls verify TLS with (requests' own variable; empty: certifi's). It is the
# one thing our clients take from the environment: proxies and netrc never (connections/http.py).
HTTP_CA_BUNDLE = env.str("REQUESTS_CA_BUNDLE", default="")

# Health: how old the oldest waiting task and the last worker heartbeat may be before /health/ fails.
HEALTH_MAX_QUEUE_AGE = timedelta(seconds=env.int("HEALTH_MAX_QUEUE_AGE_SECONDS", default=300))
HEALTH_MAX_HEARTBEAT_AGE = timedelta(seconds=env.int("HEALTH_MAX_HEARTBEAT_AGE_SECONDS", default=180))

# /metrics (Prometheus): open like /health/ when empty; else scrapers send "Authorization: Bearer <token>".
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# --- The outside systems ----------------------------------------------------------------------
SPECTER_API_URL = env.str("SPECTER_API_URL", default="https://api.specter.se/")
# The simulator stands in for Starweb and Specter; on only in local, demo and test settings.
SIMULATOR_ENABLED = False
# Dotted path to a callable(base_url) -> str that `manage.py serve` prints once it runs (the demo's
# logins in local settings); empty: nothing is printed.
SERVE_BANNER = ""
# The one switch that lets outside calls reach loopback (127.0.0.0/8, ::1, localhost, plain http,
# any port): the simulator answers on our own host. On in local and test settings only; never read
# from the environment, so no deployment can turn it on by accident. Every other private,
# link-local, shared or reserved address stays refused everywhere (connections/egress.py).
OUTBOUND_ALLOW_LOOPBACK = False

# --- Logging: to stderr; secrets are redacted by the clients before anything is logged, and ----
# every handler masks the webhook and callback tokens of request paths (integrator/logs.py). Django's
# own loggers are given our handlers: the ones Django sets up by itself would print paths unmasked.
# LOG_FORMAT=json: one JSON object a line with the request, connection and transfer ids.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "integrator.logs.RedactSecrets"},
        "context": {"()": "integrator.logs.ContextFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "integrator.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["redact", "context"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["redact", "require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}

# Error reporting (sentry-sdk) only when a DSN is given; personal data is scrubbed (integrator/logs.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from integrator.logs import init_sentry

    init_sentry(SENTRY_DSN, env.str("SENTRY_ENVIRONMENT", default="production"))
