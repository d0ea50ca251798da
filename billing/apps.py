from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from . import audit
        from .packages import ensure_catalogue
        from .roles import ensure_groups

        # Permissions exist only after migrate has run, so groups are kept in step after it; the
        # catalogue is restored after a flush too (flush emits post_migrate).
        post_migrate.connect(ensure_groups, sender=self, dispatch_uid="billing.ensure_groups")
        post_migrate.connect(ensure_catalogue, sender=self, dispatch_uid="billing.ensure_catalogue")
        audit.register()

        from django.core.cache import cache
        from django.db.models.signals import post_delete, post_save

        from .forms import PACKAGE_CHOICES_KEY
        from .models import Package

        def forget_package_choices(**_kwargs):
            cache.delete(PACKAGE_CHOICES_KEY)

        post_save.connect(forget_package_choices, sender=Package, dispatch_uid="billing.package_choices_saved")
        post_delete.connect(forget_package_choices, sender=Package, dispatch_uid="billing.package_choices_deleted")
