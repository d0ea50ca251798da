from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from .roles import ensure_groups

        # Permissions exist only after migrate has run, so groups are kept in step after it.
        post_migrate.connect(ensure_groups, sender=self, dispatch_uid="billing.ensure_groups")
