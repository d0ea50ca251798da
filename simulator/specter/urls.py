from django.urls import path

from . import api

# Specter's page names as clients spell them (classic ASP does not care about case).
urlpatterns = [
    path(f"{page}.asp", api.endpoint, {"page": page.lower()})
    for page in ("putInfo", "getInfo", "putinfo", "getinfo", "PutInfo", "GetInfo")
]
