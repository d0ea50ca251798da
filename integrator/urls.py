"""URL wiring only."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from health_check.views import HealthCheckView

from billing.views import home as billing_views
from integrator import language
from syncflows.metrics import metrics

health = HealthCheckView.as_view(
    checks=[
        "health_check.checks.Database",
        "syncflows.health.QueueBacklog",
        "syncflows.health.WorkerHeartbeatCheck",
        "connections.health.CredentialsKeyCheck",
    ]
)

urlpatterns = [
    path("", billing_views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", language.set_language, name="set_language"),  # remembers the choice per user
    path("health/", health, name="health"),
    path("metrics", metrics, name="metrics"),
    path("backoffice/", admin.site.urls),
    path("", include("billing.urls")),
    path("", include("syncflows.urls")),
    path("", include("portal.urls")),
]

if settings.SIMULATOR_ENABLED:
    urlpatterns.append(path("sim/", include("simulator.urls")))
