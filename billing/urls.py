from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("m/<uuid:merchant_id>/", views.merchant_home, name="merchant_home"),
    path("staff/", views.staff_home, name="staff_home"),
    path("billing/", views.billing_home, name="billing_home"),
]
