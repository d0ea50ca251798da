from django.urls import path

from .views import connection, signup, sync, transfers, wizard

app_name = "portal"
base = "m/<uuid:merchant_id>/connections/"
one = base + "<uuid:connection_id>/"

urlpatterns = [
    path("signup/", signup.signup, name="signup"),
    path("signup/terms/", signup.terms, name="signup_terms"),
    path("signup/verify/<str:token>/", signup.verify, name="signup_verify"),
    path(base + "new/", wizard.new_connection, name="new_connection"),
    path(one + "setup/<slug:slug>/", wizard.setup, name="setup"),
    path(one + "activate/", wizard.activate, name="activate"),
    path(one + "create-articles/", wizard.create_articles, name="create_articles"),
    path(one, connection.dashboard, name="dashboard"),
    path(one + "settings/", connection.settings_page, name="settings"),
    path(one + "settings/<slug:slug>/", connection.settings_page, name="settings_section"),
    path(one + "orders/", transfers.transfer_list, name="transfers"),
    path(one + "orders/retry/", transfers.retry, name="retry"),
    path(one + "orders/export/", transfers.export, name="export"),
    path(one + "orders/<uuid:transfer_id>/", transfers.transfer_detail, name="transfer"),
    path(one + "orders/<uuid:transfer_id>/ignore/", transfers.ignore, name="ignore"),
    path(one + "initial-sync/", sync.initial_sync, name="initial_sync"),
    path(one + "initial-sync/start/", sync.start_initial_sync, name="start_initial_sync"),
    path(one + "<slug:action>/", connection.lifecycle, name="lifecycle"),  # last: pause, resume, deactivate
]
