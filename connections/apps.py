from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectionsConfig(AppConfig):
    name = "connections"
    verbose_name = _("Connections")

    def ready(self):
        from auditlog.registry import auditlog

        from . import checks  # noqa: F401  registers the credential-key system check
        from .models import Connection

        # Secrets are excluded: the audit trail never records their values, not even encrypted.
        auditlog.register(Connection, exclude_fields=["starweb_client_secret", "specter_md5key", "specter_md5key2"])
        from . import onboarding  # noqa: F401  ticks "credentials received" on the staff checklist
