"""The simulated outside systems, each under its own URL prefix (mounted at /sim/ when enabled)."""

from django.urls import include, path

urlpatterns = [
    path("starweb/", include("simulator.starweb.urls")),
    path("specter/", include("simulator.specter.urls")),
]
