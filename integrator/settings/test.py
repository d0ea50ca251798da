"""pytest: like local, with fixed throwaway keys, fast hashing and mail kept in memory.

DATABASE_URL still comes from the environment, so CI runs the same suite on PostgreSQL.
"""

import os

# Throwaway keys for tests only; set before base reads them. Never valid anywhere else.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment-0123456789")
os.environ.setdefault("CREDENTIALS_KEYS", "dGVzdC1vbmx5LWNyZWRlbnRpYWxzLWtleS0wMDAwMDA=")

from .base import *  # noqa: E402,F401,F403
from .base import INSTALLED_APPS  # noqa: E402

DEBUG = False
SIMULATOR_ENABLED = True
OUTBOUND_ALLOW_LOOPBACK = True  # the simulator answers on our own host
INSTALLED_APPS = [*INSTALLED_APPS, "simulator", "simulator.starweb", "simulator.specter", "bench"]
SERVE_BANNER = "bench.demo.banner"  # the demo's logins, printed by `manage.py serve`
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ["*"]
# No collected static files here: WhiteNoise serves from the source folders (finders).
STATIC_ROOT = None
