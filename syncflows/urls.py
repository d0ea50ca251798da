from django.urls import path

from . import callbacks, operator, reachability, webhooks

app_name = "syncflows"
urlpatterns = [
    path("hooks/ping/", reachability.ping, name="ping"),
    path("hooks/starweb/<uuid:endpoint_id>/<str:token>/", webhooks.starweb, name="starweb_webhook"),
    path("hooks/specter/<uuid:endpoint_id>/<str:token>/<slug:kind>/", callbacks.specter, name="specter_callback"),
    path("staff/operations/", operator.operations, name="operations"),
    path("staff/operations/<uuid:connection_id>/<slug:action>/", operator.group_action, name="operations_group"),
]
