"""The service account: hours bought (start package, hour packs) and hours worked."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .core import Merchant, MerchantOwned


class HourPack(models.Model):
    """A pack of service hours sold at a discount on the hourly rate (domain.md "Servicekonto")."""

    name = models.CharField(_("name"), max_length=100)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    is_active = models.BooleanField(_("for sale"), default=True)

    class Meta:
        ordering = ["hours"]
        verbose_name = _("hour pack")
        verbose_name_plural = _("hour packs")

    def __str__(self):
        from integrator.formatting import hours

        text = hours(self.hours)
        # "Timpaket 5 h", not "Timpaket 5 h (5.00 h)": the hours once, as people write them
        return self.name if text.replace("\u00a0", " ") in self.name.replace("\u00a0", " ") else f"{self.name} ({text})"


class HourPurchase(MerchantOwned, models.Model):
    """Hours put on a merchant's service account: the start package, or an hour pack."""

    class Kind(models.TextChoices):
        START_PACKAGE = "start_package", _("Start package")
        HOUR_PACK = "hour_pack", _("Hour pack")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="hour_purchases")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    hour_pack = models.ForeignKey(HourPack, on_delete=models.PROTECT, null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2, default=Decimal("0"))
    purchased_on = models.DateField(_("date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hour purchase")
        ordering = ["-purchased_on", "-created_at"]
        indexes = [models.Index(fields=["merchant", "purchased_on"])]

    @property
    def minutes(self) -> int:
        return int(self.hours * 60)


class WorkLog(MerchantOwned, models.Model):
    """Work done for a merchant, drawn from the service account; minutes rounded up to started half hours."""

    class Category(models.TextChoices):
        INSTALLATION = "installation", _("Installation")
        TRAINING = "training", _("Training")
        CONFIGURATION = "configuration", _("Configuration")
        PLUGIN = "plugin", _("Plugin")
        SUPPORT = "support", _("Support")
        INITIAL_SYNC = "initial_sync", _("Initial sync")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="work_logs")
    worked_on = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("minutes"))
    description = models.CharField(_("description"), max_length=500)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work logged")
        ordering = ["-worked_on", "-created_at"]

    @staticmethod
    def rounded(minutes: int) -> int:
        """Minutes rounded up to started half hours: 1 → 30, 30 → 30, 31 → 60. Zero stays zero."""
        return -(-minutes // 30) * 30

    def save(self, *args, **kwargs):
        self.minutes = self.rounded(self.minutes)
        super().save(*args, **kwargs)
