from django.urls import path

from . import callbacks, reachability, webhooks

app_name = "syncflows"
urlpatterns = [
    path("hooks/ping/", reachability.ping, name="ping"),
    path("hooks/starweb/<uuid:endpoint_id>/<str:token>/", webhooks.starweb, name="starweb_webhook"),
    path("hooks/specter/<uuid:endpoint_id>/<str:token>/<slug:kind>/", callbacks.specter, name="specter_callback"),
]
