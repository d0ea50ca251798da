"""The catalogue's history and the months a billing admin has closed.

A package's price, quota and contents change from a month (PackageVersion): a month already
started or closed keeps the terms it began with. A closed month's figures are frozen per merchant
(MonthStatement), so its dashboard, CSV and invoice never change; what arrives later for it is
invoiced in the next open month as a named adjustment (billing/closing.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .core import Merchant, MerchantOwned, Package, Terms

# The fields a version carries: everything a package sells, none of its identity.
VERSIONED_FIELDS = (
    "monthly_price",
    "installation_fee",
    "orders_per_month",
    "overage_price_per_order",
    "extra_shop_monthly_price",
    "start_package_hours",
    "flows",
    "order_status",
    "stock",
    "price_lists",
    "multishop",
    "plugins",
    "key_account_manager",
)


class PackageVersion(Terms, models.Model):
    """A package's terms from the first day of `valid_from`'s month on (until the next version)."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="versions")
    valid_from = models.DateField(_("valid from"))  # always the first day of a month
    monthly_price = models.DecimalField(_("monthly price"), max_digits=10, decimal_places=2, null=True, blank=True)
    installation_fee = models.DecimalField(
        _("installation fee"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    orders_per_month = models.PositiveIntegerField(_("orders per month"), null=True, blank=True)
    overage_price_per_order = models.DecimalField(
        _("price per order over the quota"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    extra_shop_monthly_price = models.DecimalField(
        _("price per extra webshop and month"), max_digits=10, decimal_places=2
    )
    start_package_hours = models.DecimalField(_("hours in the start package"), max_digits=6, decimal_places=2)
    flows = models.JSONField(_("flows"), default=list)
    order_status = models.BooleanField(_("order status"), default=False)
    stock = models.BooleanField(_("stock"), default=False)
    price_lists = models.BooleanField(_("price lists"), default=False)
    multishop = models.BooleanField(_("multishop"), default=False)
    plugins = models.BooleanField(_("plugins"), default=False)
    key_account_manager = models.BooleanField(_("key account manager"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["package", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["package", "valid_from"], name="package_version_once_a_month")]
        verbose_name = _("package version")
        verbose_name_plural = _("package versions")

    def __str__(self):
        return f"{self.package} {_('from')} {self.valid_from:%Y-%m}"


class ClosedMonth(models.Model):
    """A billing month a billing admin closed once it was invoiced."""

    month = models.DateField(_("month"), unique=True)
    closed_at = models.DateTimeField(_("closed"), auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-month"]


class MonthStatement(MerchantOwned, models.Model):
    """One merchant's frozen figures of a closed month: what the dashboard and the CSV show for it,
    and the invoice lines as they were invoiced (`lines`: a list of dicts, billing/invoice.py)."""

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="statements")
    month = models.DateField(_("month"))
    package_code = models.CharField(max_length=20, blank=True)
    package_name = models.CharField(max_length=100, blank=True)
    orders = models.PositiveIntegerField(default=0)
    quota = models.PositiveIntegerField(null=True)
    overage = models.PositiveIntegerField(default=0)
    used_pct = models.FloatField(null=True)
    extra_shops = models.PositiveSmallIntegerField(default=0)
    monthly_fee = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    extra_shops_fee = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    overage_fee = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    revenue = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    hours_minutes = models.IntegerField(default=0)  # service hours billed in the month, in minutes
    net = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    lines = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "month"], name="statement_once_a_month")]
        indexes = [models.Index(fields=["month", "merchant"])]
