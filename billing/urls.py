from django.urls import path

from .views import admin_pages, home, staff, team

app_name = "billing"

urlpatterns = [
    path("m/<uuid:merchant_id>/", home.merchant_home, name="merchant_home"),
    path("m/<uuid:merchant_id>/team/", team.team_page, name="team"),
    path("m/<uuid:merchant_id>/team/invite/", team.invite, name="team_invite"),
    path("m/<uuid:merchant_id>/team/<uuid:membership_id>/remove/", team.remove, name="team_remove"),
    path("staff/", staff.customers, name="staff_home"),
    path("staff/customers/new/", staff.new_customer, name="staff_new_customer"),
    path("staff/customers/<uuid:merchant_id>/", staff.customer, name="staff_merchant"),
    path("staff/customers/<uuid:merchant_id>/<slug:action>/", staff.customer_action, name="staff_merchant_action"),
    path("billing/", admin_pages.dashboard_page, name="billing_home"),
    path("billing/close/", admin_pages.close_month, name="close_month"),
    path("billing/export.csv", admin_pages.dashboard_csv, name="billing_csv"),
    path("billing/merchants/<uuid:merchant_id>/", admin_pages.invoice_page, name="invoice"),
    path("billing/catalogue/", admin_pages.catalogue, name="catalogue"),
    path("billing/catalogue/packages/<str:code>/", admin_pages.package_edit, name="package_edit"),
    path("billing/catalogue/hour-packs/new/", admin_pages.hour_pack_edit, name="hour_pack_new"),
    path("billing/catalogue/hour-packs/<int:pk>/", admin_pages.hour_pack_edit, name="hour_pack_edit"),
]
