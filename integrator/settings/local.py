"""`make run` and development: the embedded default (SQLite, ORM broker) wired to the simulator."""

from .base import *  # noqa: F401,F403
from .base import INSTALLED_APPS, env

DEBUG = env.bool("DEBUG", default=True)
SIMULATOR_ENABLED = True
INSTALLED_APPS = [*INSTALLED_APPS, "simulator", "simulator.starweb", "simulator.specter"]
# Serve static files straight from the source folders (no collectstatic step for the demo).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
