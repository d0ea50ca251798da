"""The simulated outside systems, each under its own URL prefix (mounted at /sim/ when enabled)."""

from django.urls import include, path

from . import admin_api, views

urlpatterns = [
    path("", views.index, name="sim_index"),
    path("starweb/<slug:shop>/place-order/", views.place_order, name="sim_place_order"),
    path("specter/<str:smb_id>/do/<slug:action>/", views.specter_action, name="sim_specter_action"),
    path("_admin/starweb/<slug:shop>/orders", admin_api.starweb_place_order, name="sim_admin_place_order"),
    path("_admin/<slug:system>/<str:account>/faults", admin_api.fault, name="sim_admin_fault"),
    path("_admin/specter/<str:smb_id>/<slug:action>", admin_api.specter_action, name="sim_admin_specter"),
    path("starweb/", include("simulator.starweb.urls")),
    path("specter/", include("simulator.specter.urls")),
]
