from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectionsConfig(AppConfig):
    name = "connections"
    verbose_name = _("Connections")

    def ready(self):
        from . import checks  # noqa: F401  registers the credential-key system check
