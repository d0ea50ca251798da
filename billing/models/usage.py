"""Transferred orders, as billing counts them. Written only by billing.usage.record_transfer()."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .core import Merchant


class OrderUsage(models.Model):
    """One transferred order, counted once: unique per (connection, Starweb order).

    `connection_id` is a plain UUID because billing sits below connections (imports run one way).
    """

    id = models.BigAutoField(primary_key=True)
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="order_usage")
    connection_id = models.UUIDField()
    order_id = models.CharField(max_length=64)
    order_number = models.CharField(max_length=64, blank=True)
    month = models.DateField(_("month"))  # first day, Europe/Stockholm
    transferred_at = models.DateTimeField(_("transferred"))
    overage = models.BooleanField(_("over the quota"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection_id", "order_id"], name="usage_once_per_order"),
        ]
        indexes = [models.Index(fields=["merchant", "month"])]


class MonthlyUsage(models.Model):
    """Per merchant and month: how many orders were transferred. (Overage is derived from it and
    the quota of the package in force, so an upgrade during the month is honoured.)

    Kept in the same transaction as each OrderUsage row, so it always equals a COUNT over them; the
    billing dashboard reads this instead of counting millions of rows.
    """

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="monthly_usage")
    month = models.DateField(_("month"))
    orders = models.PositiveIntegerField(_("transferred orders"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "merchant"], name="monthly_usage_once")]
