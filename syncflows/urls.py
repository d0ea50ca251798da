from django.urls import path

from . import webhooks

app_name = "syncflows"
urlpatterns = [
    path("hooks/starweb/<uuid:endpoint_id>/<str:token>/", webhooks.starweb, name="starweb_webhook"),
]
