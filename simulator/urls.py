"""The simulated outside systems, each under its own URL prefix (mounted at /sim/ when enabled)."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.index, name="sim_index"),
    path("starweb/<slug:shop>/place-order/", views.place_order, name="sim_place_order"),
    path("starweb/", include("simulator.starweb.urls")),
    path("specter/", include("simulator.specter.urls")),
]
