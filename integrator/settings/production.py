"""Production: PostgreSQL, HTTPS behind a reverse proxy, no simulator. Nothing has an unsafe default.

`manage.py check --deploy --fail-level WARNING` passes with these settings (tests/test_settings.py).
"""

from .base import *  # noqa: F401,F403
from .base import DATABASES, env

DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")  # required: no default in production
SIMULATOR_ENABLED = False
OUTBOUND_ALLOW_LOOPBACK = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env.bool(
    "ALLOW_SQLITE_IN_PRODUCTION", default=False
):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Production needs DATABASE_URL=postgres://... (or ALLOW_SQLITE_IN_PRODUCTION=true for a single box)."
    )

# HTTPS everywhere; the reverse proxy terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
# /health/ and /metrics are called by load balancers and Prometheus over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
