from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SyncflowsConfig(AppConfig):
    name = "syncflows"
    verbose_name = _("Sync flows")

    def ready(self):
        from .schedules import ensure_schedules

        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="syncflows.ensure_schedules")
