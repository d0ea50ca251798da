"""`make run` and development: the embedded default (SQLite, ORM broker) wired to the simulator."""

from .base import *  # noqa: F401,F403
from .base import INSTALLED_APPS, PUBLIC_BASE_URL, env

DEBUG = env.bool("DEBUG", default=True)
SIMULATOR_ENABLED = True
OUTBOUND_ALLOW_LOOPBACK = True  # the simulator answers on our own host
INSTALLED_APPS = [*INSTALLED_APPS, "simulator", "simulator.starweb", "simulator.specter", "bench"]
SERVE_BANNER = "bench.demo.banner"  # the demo's logins, printed by `manage.py serve`
# Serve static files straight from the source folders (no collectstatic step for the demo).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Specter's simulated API answers on our own host (simulator/specter).
SPECTER_API_URL = env.str("SPECTER_API_URL", default=f"{PUBLIC_BASE_URL}/sim/specter/")
# No collected static files here: WhiteNoise serves from the source folders (finders).
STATIC_ROOT = None
