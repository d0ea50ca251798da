from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SyncflowsConfig(AppConfig):
    name = "syncflows"
    verbose_name = _("Sync flows")

    def ready(self):
        from auditlog.registry import auditlog
        from django_q.signals import post_spawn

        from .models import InitialSync
        from .schedules import ensure_schedules
        from .tasks import beat_on_spawn

        # Who started an initial sync, in which direction (staff may start one with the customer).
        auditlog.register(InitialSync, include_fields=["direction", "started_by"])
        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="syncflows.ensure_schedules")
        post_spawn.connect(beat_on_spawn, dispatch_uid="syncflows.beat_on_spawn")
